#!/usr/bin/env bash
# mreg register: versions as annotated tags on commits of models/NAME/,
# checked with the real git CLI.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

test_first_register_creates_v0_1_0_as_an_annotated_tag() {
  new_registry
  random_file model.bin 100000
  run_ok mreg register fraud model.bin
  assert_matches "$OUT" '^registered fraud v0\.1\.0 \(tag fraud@v0\.1\.0, commit [0-9a-f]{7}\); stored [0-9.]+ [KMG]?i?B \([0-9.]+ [KMG]?i?B new, [0-9.]+ [KMG]?i?B deduplicated\)$'
  assert_eq "tag" "$(git cat-file -t fraud@v0.1.0)" "fraud@v0.1.0 is an annotated tag"
  assert_eq "$(git rev-parse HEAD)" "$(git rev-parse 'fraud@v0.1.0^{commit}')" "the tag points at the new HEAD"
  assert_contains "$(git tag -n)" "fraud@v0.1.0"
  assert_contains "$(git tag -n)" "register fraud v0.1.0"
  local tag_object
  tag_object=$(git cat-file -p fraud@v0.1.0)
  assert_contains "$tag_object" "tag fraud@v0.1.0"
  assert_contains "$tag_object" "tagger Test User <test@example.com>"
  assert_eq "register fraud v0.1.0" "$(git tag -l --format='%(contents:subject)' fraud@v0.1.0)" \
    "first line of the tag message"
  assert_contains "$OUT" "commit $(git rev-parse --short=7 HEAD)"
}

test_committed_model_yaml_has_version_and_artifact_digest() {
  new_registry
  random_file model.bin 54321
  run_ok mreg register fraud model.bin
  local yaml
  yaml=$(git show fraud@v0.1.0:models/fraud/model.yaml)
  assert_contains "$yaml" "version: 0.1.0"
  assert_contains "$yaml" "name: fraud"
  assert_contains "$yaml" "path: model.bin"
  assert_contains "$yaml" "size: 54321"
  local digest
  digest=$(xxh128_of model.bin)
  if [ -n "$digest" ]; then
    assert_contains "$yaml" "digest: $digest" "digest computed by xxhsum -H2"
  else
    note "xxhsum not installed (apt-get install xxhash): digest not cross-checked"
    assert_matches "$yaml" 'digest: xxh128:[0-9a-f]{32}'
  fi
  assert_eq "models/fraud/model.yaml" "$(git ls-tree -r --name-only fraud@v0.1.0 -- models/fraud)" \
    "only model.yaml is committed under models/fraud (weights go to the store)"
  assert_eq "$yaml" "$(cat models/fraud/model.yaml)" "work tree model.yaml equals the committed one"
}

test_default_bump_is_minor_from_the_latest() {
  new_registry
  random_file a.bin 1000
  run_ok mreg register fraud a.bin
  random_file a.bin 1001
  run_ok mreg register fraud a.bin
  assert_contains "$OUT" "fraud v0.2.0"
  assert_contains "$(git show fraud@v0.2.0:models/fraud/model.yaml)" "version: 0.2.0"
  run_ok mreg register fraud --bump patch
  assert_contains "$OUT" "v0.2.1"
  run_ok mreg register fraud --bump major
  assert_contains "$OUT" "v1.0.0"
  run_ok mreg register fraud
  assert_contains "$OUT" "v1.1.0"
  assert_eq "$(printf '%s\n' fraud@v0.1.0 fraud@v0.2.0 fraud@v0.2.1 fraud@v1.0.0 fraud@v1.1.0)" \
    "$(git tag -l 'fraud@*' --sort=version:refname)"
}

test_explicit_version_accepts_v_prefix() {
  new_registry
  random_file a.bin 1000
  run_ok mreg register fraud a.bin --version v2.3.4
  assert_eq "tag" "$(git cat-file -t fraud@v2.3.4)"
  run_ok mreg register fraud --version 2.4.0-rc.1
  assert_eq "tag" "$(git cat-file -t fraud@v2.4.0-rc.1)"
}

test_version_lower_than_latest_is_allowed_and_noted() {
  new_registry
  random_file a.bin 1000
  run_ok mreg register fraud a.bin --version 1.0.0
  run_ok mreg register fraud --version 0.9.1
  assert_eq "tag" "$(git cat-file -t fraud@v0.9.1)"
  assert_contains "$ERR" "lower than the latest"
  assert_contains "$ERR" "1.0.0"
  run_ok mreg register fraud --version 0.9.2 --json
  assert_json "$OUT" 'd["previous_latest"] == "1.0.0"' 'd["version"] == "0.9.2"'
}

test_existing_version_is_refused() {
  new_registry
  random_file a.bin 1000
  run_ok mreg register fraud a.bin
  local head tag
  head=$(git rev-parse HEAD)
  tag=$(git rev-parse fraud@v0.1.0)
  random_file a.bin 1001
  assert_fails 1 mreg register fraud a.bin --version 0.1.0
  assert_contains "$ERR" "mreg: error:"
  assert_contains "$ERR" "0.1.0"
  assert_eq "$tag" "$(git rev-parse fraud@v0.1.0)" "the tag did not move"
  assert_eq "$head" "$(git rev-parse HEAD)" "no commit was made"
}

test_register_in_a_repository_without_commits_makes_the_root_commit() {
  git init -q repo
  cd repo
  run_ok mreg init
  random_file model.bin 1000
  run_ok mreg register fraud model.bin
  assert_eq "1" "$(git rev-list --count HEAD)" "one commit"
  assert_eq "" "$(git rev-list --parents -n1 HEAD | cut -s -d' ' -f2)" "the root commit has no parent"
  assert_eq "tag" "$(git cat-file -t fraud@v0.1.0)"
  assert_eq "main" "$(git symbolic-ref --short HEAD)" "the commit is on the unborn branch"
  assert_eq "mreg.yaml" "$(git diff --cached --name-only)" "mreg.yaml is still staged, not committed"
}

test_hand_edited_model_yaml_is_the_base_of_the_next_version() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register fraud model.bin
  echo "owner: alice@example.com" >>models/fraud/model.yaml
  run_ok mreg register fraud
  local yaml
  yaml=$(git show fraud@v0.2.0:models/fraud/model.yaml)
  assert_contains "$yaml" "owner: alice@example.com"
  assert_contains "$yaml" "version: 0.2.0"
  assert_contains "$yaml" "path: model.bin" "the artifacts are kept when no PATH is given"
}

test_metadata_flags_are_recorded_and_carried_forward() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register fraud model.bin --owner risk@example.com --license apache-2.0 \
    --framework xgboost --task tabular-classification --tag fraud --tag payments \
    --metric auc=0.94 --metric f1=0.81 --param max_depth=8 --set team=risk \
    --dataset s3://data/tx.parquet --description "Gradient-boosted fraud model."
  run_ok mreg show fraud --json
  assert_json "$OUT" \
    'd["metadata"]["owner"] == "risk@example.com"' \
    'd["metadata"]["license"] == "apache-2.0"' \
    'd["metadata"]["framework"] == "xgboost"' \
    'd["metadata"]["task"] == "tabular-classification"' \
    'd["metadata"]["tags"] == ["fraud", "payments"]' \
    'd["metadata"]["metrics"]["auc"] == 0.94' \
    'd["metadata"]["metrics"]["f1"] == 0.81' \
    'str(d["metadata"]["params"]["max_depth"]) == "8"' \
    'd["metadata"]["custom"]["team"] == "risk"' \
    'd["metadata"]["datasets"] == ["s3://data/tx.parquet"]' \
    'd["metadata"]["description"].strip() == "Gradient-boosted fraud model."'
  run_ok mreg register fraud --metric auc=0.95
  run_ok mreg show fraud@0.2.0 --json
  assert_json "$OUT" \
    'd["metadata"]["owner"] == "risk@example.com"' \
    'd["metadata"]["metrics"]["auc"] == 0.95' \
    'd["metadata"]["metrics"]["f1"] == 0.81'
}

test_metrics_file_is_merged() {
  new_registry
  random_file model.bin 1000
  printf '{"auc": 0.91, "loss": 0.2}\n' >metrics.json
  printf 'auc: 0.93\n' >metrics.yaml
  run_ok mreg register fraud model.bin --metrics-file metrics.json
  run_ok mreg register fraud --metrics-file metrics.yaml
  run_ok mreg show fraud --json
  assert_json "$OUT" 'd["metadata"]["metrics"]["auc"] == 0.93' 'd["metadata"]["metrics"]["loss"] == 0.2'
}

test_tag_message_carries_the_m_text() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register fraud model.bin -m "retrained on November data"
  local message
  message=$(git tag -l --format='%(contents)' fraud@v0.1.0)
  assert_contains "$message" "register fraud v0.1.0"
  assert_contains "$message" "retrained on November data"
}

test_directory_path_contributes_its_files() {
  new_registry
  random_file weights/model.safetensors 2000
  random_file weights/tokenizer/vocab.txt 300
  run_ok mreg register llm weights
  local yaml
  yaml=$(git show llm@v0.1.0:models/llm/model.yaml)
  assert_contains "$yaml" "path: model.safetensors"
  assert_contains "$yaml" "path: tokenizer/vocab.txt"
}

test_temp_files_of_other_processes_are_neither_committed_nor_artifacts() {
  # What a concurrent register (model.yaml) or an interrupted get (an
  # artifact) leaves for a moment, or for good after a crash.
  new_registry
  random_file model.bin 1000
  run_ok mreg register llm model.bin
  random_file weights/model.bin 2000
  printf 'half' >weights/.model.bin.mreg-tmp-Ab12Cd
  printf 'name: llm\n' >models/llm/.model.yaml.mreg-tmp-Xy34Zw
  printf '# card\n' >models/llm/README.md
  run_ok mreg register llm weights
  assert_eq "README.md
model.yaml" "$(git ls-tree --name-only llm@v0.2.0:models/llm)"
  local yaml
  yaml=$(git show llm@v0.2.0:models/llm/model.yaml)
  assert_contains "$yaml" "path: model.bin"
  assert_not_contains "$yaml" "mreg-tmp"
}

test_namespaced_model_name() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register vision/resnet50 model.bin
  assert_eq "tag" "$(git cat-file -t vision/resnet50@v0.1.0)"
  assert_contains "$(git show vision/resnet50@v0.1.0:models/vision/resnet50/model.yaml)" "name: vision/resnet50"
}

test_invalid_name_is_refused_naming_the_rule() {
  new_registry
  random_file model.bin 1000
  local name
  for name in Fraud "fraud detector" fraud- fraud/ "a//b" "a/b.lock" "fraud@1"; do
    assert_fails 1 mreg register "$name" model.bin
    assert_contains "$ERR" "mreg: error:"
    assert_contains "$ERR" "name"
  done
  assert_fails 1 mreg register Fraud model.bin
  assert_contains "$ERR" "Fraud"
  assert_matches "$ERR" 'a-z0-9|lower'
  assert_eq "" "$(git tag -l)" "no tag was created"
}

test_missing_file_is_refused_naming_the_path() {
  new_registry
  local head
  head=$(git rev-parse HEAD)
  assert_fails 1 mreg register fraud does-not-exist.bin
  assert_contains "$ERR" "does-not-exist.bin"
  assert_eq "" "$(git tag -l)"
  assert_eq "$head" "$(git rev-parse HEAD)"
  assert_no_file models/fraud/model.yaml
}

test_no_artifacts_is_refused() {
  new_registry
  assert_fails 1 mreg register fraud
  assert_contains "$ERR" "mreg: error:"
  assert_contains "$ERR" "artifact"
  assert_eq "" "$(git tag -l)"
}

test_artifact_path_collision_is_refused() {
  new_registry
  random_file a/model.bin 1000
  random_file b/model.bin 1001
  assert_fails 1 mreg register fraud a/model.bin b/model.bin
  assert_contains "$ERR" "model.bin"
  assert_eq "" "$(git tag -l)"
}

test_missing_git_identity_is_refused_with_a_hint() {
  new_registry
  random_file model.bin 1000
  local head
  head=$(git rev-parse HEAD)
  mkdir empty-home
  assert_fails 1 env -u EMAIL -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL -u GIT_COMMITTER_NAME \
    -u GIT_COMMITTER_EMAIL HOME="$PWD/empty-home" XDG_CONFIG_HOME="$PWD/empty-home" "$MREG" register fraud model.bin
  assert_contains "$ERR" "git config"
  assert_contains "$ERR" "user.name"
  assert_eq "" "$(git tag -l)" "no tag without an identity"
  assert_eq "$head" "$(git rev-parse HEAD)" "no commit without an identity"
}

test_identical_content_is_stored_once() {
  new_registry
  random_file model.bin 300000
  run_ok mreg register fraud model.bin --json
  assert_json "$OUT" 'd["bytes_new"] == 300000' 'd["bytes_total"] == 300000'
  local objects
  objects=$(count_objects)
  [ "$objects" -ge 1 ] || fail "no object in .git/mreg/objects after register"
  cp model.bin copy.bin
  run_ok mreg register fraud-copy copy.bin --json
  assert_json "$OUT" 'd["bytes_new"] == 0' 'd["bytes_total"] == 300000'
  run_ok mreg register fraud model.bin --json
  assert_json "$OUT" 'd["bytes_new"] == 0'
  assert_eq "$objects" "$(count_objects)" "objects in .git/mreg/objects after registering the same bytes again"
}

test_register_json_has_the_documented_keys() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register fraud model.bin --json
  assert_json "$OUT" \
    'has_keys(d, ["name", "version", "tag", "commit", "previous_latest", "bytes_total", "bytes_new", "bytes_hashed", "warnings"])' \
    'd["name"] == "fraud" and d["version"] == "0.1.0" and d["tag"] == "fraud@v0.1.0"' \
    'd["previous_latest"] is None' \
    "d[\"commit\"] == \"$(git rev-parse HEAD)\""
}

test_quiet_register_prints_nothing() {
  new_registry
  random_file model.bin 1000
  run_ok mreg -q register fraud model.bin
  assert_eq "" "$OUT"
  assert_eq "" "$ERR"
}

test_no_progress_output_when_stderr_is_not_a_terminal() {
  new_registry
  random_file model.bin 3000000
  run_ok mreg register fraud model.bin
  assert_eq "" "$ERR" "stderr of a successful register, not on a terminal"
}

run_tests "$@"
