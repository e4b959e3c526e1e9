#!/usr/bin/env bash
# promote, demote, stages, and the stage columns of list and show: promotion
# commits on stage branches, checked with git; rules and gates; the user's
# work tree, index and HEAD left alone; deploy clones of a stage branch.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# fraud 0.1.0 (auc 0.95) and 0.2.0 (auc 0.97) in a registry with the default
# stages: staging, then production (from: [staging]).
two_versions() {
  new_registry
  random_file model.bin 4096
  run_ok mreg register fraud model.bin --metric auc=0.95 --owner risk@example.com
  random_file model.bin 4096
  run_ok mreg register fraud model.bin --metric auc=0.97
}

# Replaces mreg.yaml's stages with a production gate on auc, committed.
gate_production_on_auc() {
  cat >mreg.yaml <<'EOF'
registry: 1
models_dir: models
stages:
  - name: staging
  - name: production
    from: [staging]
    require:
      metrics.auc: ">= 0.90"
EOF
  git add mreg.yaml
  git commit -q -m "gate production on auc"
}

test_promotion_is_a_commit_on_an_orphan_stage_branch() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  assert_contains "$OUT" "promoted fraud v0.1.0 to staging"
  assert_eq "$(git rev-parse 'fraud@v0.1.0^{commit}:models/fraud')" "$(git rev-parse stage/staging:models/fraud)" \
    "the stage holds the tagged subtree"
  assert_eq "1" "$(git rev-list --count stage/staging)" "the first promotion starts the branch"
  assert_eq "" "$(git log -1 --format=%P stage/staging)" "an orphan: no parent"
  assert_eq "fraud" "$(git ls-tree --name-only stage/staging:models)" "the stage holds only models/fraud"
  assert_eq "models" "$(git ls-tree --name-only stage/staging)" "no mreg.yaml or other files on the stage"
  assert_contains "$OUT" "commit $(git rev-parse --short=7 stage/staging) on stage/staging"
}

test_promotion_message_has_the_trailers() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  local expected
  expected=$(printf '%s\n' "promote fraud v0.1.0 to staging" "" "Mreg-Model: fraud" "Mreg-Version: 0.1.0" \
    "Mreg-Tag: fraud@v0.1.0")
  assert_eq "$expected" "$(git log -1 --format=%B stage/staging | sed -e '${/^$/d;}')" "first promotion: no Mreg-Previous"
  run_ok mreg promote fraud@0.2.0 staging -m "retrained on November data"
  expected=$(printf '%s\n' "promote fraud v0.2.0 to staging" "" "retrained on November data" "" \
    "Mreg-Model: fraud" "Mreg-Version: 0.2.0" "Mreg-Previous: 0.1.0" "Mreg-Tag: fraud@v0.2.0")
  assert_eq "$expected" "$(git log -1 --format=%B stage/staging | sed -e '${/^$/d;}')"
  assert_eq "fraud@v0.2.0" "$(git log -1 --format='%(trailers:key=Mreg-Tag,valueonly)' stage/staging | sed '/^$/d')" \
    "git parses the trailers"
  assert_eq "$(git rev-parse 'stage/staging~1')" "$(git log -1 --format=%P stage/staging)" "parent = previous tip"
  assert_eq "Test User <test@example.com>" "$(git log -1 --format='%cn <%ce>' stage/staging)"
}

test_promotion_chain_staging_then_production() {
  two_versions
  run_ok mreg promote fraud@0.2.0 staging
  run_ok mreg promote 'fraud#staging' production
  assert_contains "$OUT" "promoted fraud v0.2.0 to production"
  assert_contains "$OUT" "from: [staging]: fraud v0.2.0 is in staging"
  run_ok mreg show 'fraud#production' --json
  assert_json "$OUT" 'd["version"] == "0.2.0"' 'd["verified"] is True' 'd["stages"] == ["staging", "production"]' \
    "d[\"stage_commit\"] == \"$(git rev-parse stage/production)\"" \
    "d[\"commit\"] == \"$(git rev-parse 'fraud@v0.2.0^{commit}')\""
  run_ok mreg show 'fraud#staging'
  assert_contains "$OUT" "fraud v0.2.0"
  assert_matches "$OUT" '^stages: +staging, production$'
  run_ok mreg show fraud@0.1.0
  assert_matches "$OUT" '^stages: +none$'
}

test_list_has_a_column_per_stage() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg list
  assert_matches "$OUT" '^NAME +LATEST +VERSIONS +DEPRECATED +STAGING +PRODUCTION$'
  assert_matches "$OUT" '^fraud +0\.2\.0 +2 +0 +0\.1\.0 +-$'
  run_ok mreg list --json
  assert_json "$OUT" 'd[0]["stages"] == {"staging": "0.1.0", "production": None}'
}

test_stages_lists_what_each_stage_holds() {
  two_versions
  random_file churn.onnx 1024
  run_ok mreg register churn churn.onnx --version 1.0.0
  run_ok mreg promote fraud@0.2.0 staging
  run_ok mreg promote churn@1.0.0 staging
  run_ok mreg stages
  assert_contains "$OUT" "staging  stage/staging at $(git rev-parse --short=7 stage/staging)"
  assert_contains "$OUT" "production  stage/production (no branch yet)  [from: [staging]]"
  assert_matches "$OUT" '^  churn +1\.0\.0'
  assert_matches "$OUT" '^  fraud +0\.2\.0'
  assert_contains "$OUT" "(holds no model)"
  run_ok mreg stages --json
  assert_json "$OUT" '[s["stage"] for s in d] == ["staging", "production"]' \
    '[(m["name"], m["version"], m["status"]) for m in d[0]["models"]] == [("churn", "1.0.0", "verified"), ("fraud", "0.2.0", "verified")]' \
    'd[1]["tip"] is None and d[1]["from"] == ["staging"] and d[1]["models"] == []' \
    "d[0][\"tip\"] == \"$(git rev-parse stage/staging)\""
}

test_promoting_what_the_stage_holds_is_a_no_op() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  local tip
  tip=$(git rev-parse stage/staging)
  run_ok mreg promote fraud@0.1.0 staging
  assert_contains "$OUT" "staging already holds fraud v0.1.0: nothing to do"
  assert_eq "$tip" "$(git rev-parse stage/staging)" "no new commit"
  run_ok mreg promote fraud@0.1.0 staging --json
  assert_json "$OUT" 'd["no_op"] is True' 'd["commit"] is None' 'd["previous"] == "0.1.0"'
}

test_unknown_stage_is_refused_listing_the_stages() {
  two_versions
  assert_fails 1 mreg promote fraud qa
  assert_contains "$ERR" 'unknown stage "qa": the configured stages are staging, production'
  assert_contains "$ERR" "mreg.yaml"
  assert_fails 1 mreg show 'fraud#qa'
  assert_contains "$ERR" "unknown stage"
  assert_eq "" "$(git for-each-ref refs/heads/stage)" "no stage branch was made"
}

test_from_rule_refuses_and_force_overrides() {
  two_versions
  assert_fails 1 mreg promote fraud@0.2.0 production
  assert_contains "$ERR" "cannot promote fraud v0.2.0 to production"
  assert_contains "$ERR" "from: [staging]: fraud v0.2.0 is not in staging (staging does not hold fraud)"
  assert_contains "$ERR" "mreg promote fraud@0.2.0 staging"
  assert_contains "$ERR" "--force"
  assert_fails 1 git rev-parse --verify -q stage/production
  run_ok mreg promote fraud@0.1.0 staging
  assert_fails 1 mreg promote fraud@0.2.0 production
  assert_contains "$ERR" "staging holds fraud v0.1.0"
  run_ok mreg promote fraud@0.2.0 production --force
  assert_contains "$OUT" "forced  from: [staging]"
  run_ok mreg show 'fraud#production' --json
  assert_json "$OUT" 'd["version"] == "0.2.0"'
}

test_gates_refuse_with_the_metric_and_the_fix() {
  two_versions
  gate_production_on_auc
  random_file model.bin 4096
  run_ok mreg register fraud model.bin --metric auc=0.87
  run_ok mreg promote fraud@0.3.0 staging
  assert_fails 1 mreg promote fraud@0.3.0 production
  assert_contains "$ERR" "require: metrics.auc >= 0.90: auc is 0.87"
  assert_not_contains "$ERR" "from: [staging]:" "the passing rule is not listed as broken"
  assert_contains "$ERR" "register a version whose metrics pass the gates"
  run_ok mreg promote fraud@0.2.0 staging
  run_ok mreg promote fraud@0.2.0 production --json
  assert_json "$OUT" '[(c["rule"], c["passed"]) for c in d["checks"]] == [("from: [staging]", True), ("require: metrics.auc >= 0.90", True)]' \
    'd["checks"][1]["detail"] == "auc is 0.97"'
  # A model without the metric fails the gate too.
  random_file other.bin 1024
  run_ok mreg register plain other.bin --version 1.0.0
  run_ok mreg promote plain@1.0.0 staging
  assert_fails 1 mreg promote plain@1.0.0 production
  assert_contains "$ERR" "plain has no metric auc"
  run_ok mreg promote plain@1.0.0 production --force
}

test_promote_leaves_work_tree_index_and_head_alone() {
  two_versions
  echo "notes" >notes.txt
  git add notes.txt
  git commit -q -m "notes"
  echo "staged" >staged.txt
  git add staged.txt
  echo "unstaged" >>notes.txt
  echo "untracked" >untracked.txt
  local status head branch index
  status=$(git status --porcelain)
  head=$(git rev-parse HEAD)
  branch=$(git symbolic-ref HEAD)
  index=$(git ls-files --stage | git hash-object --stdin)
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg promote fraud@0.1.0 production
  run_ok mreg demote fraud staging
  run_ok mreg promote fraud@0.2.0 staging --branch pr-1
  assert_eq "$status" "$(git status --porcelain)" "git status"
  assert_eq "$head" "$(git rev-parse HEAD)" "HEAD commit"
  assert_eq "$branch" "$(git symbolic-ref HEAD)" "current branch"
  assert_eq "$index" "$(git ls-files --stage | git hash-object --stdin)" "index entries"
  # A detached HEAD stays detached and where it was.
  git checkout -q --detach HEAD
  run_ok mreg promote fraud@0.2.0 staging
  assert_eq "$head" "$(git rev-parse HEAD)"
  assert_fails 1 git symbolic-ref -q HEAD
}

test_demote_removes_the_model_from_the_stage() {
  two_versions
  random_file churn.onnx 1024
  run_ok mreg register churn churn.onnx --version 1.0.0
  run_ok mreg promote fraud@0.2.0 staging
  run_ok mreg promote churn@1.0.0 staging
  run_ok mreg demote fraud staging -m "incident 4711"
  assert_contains "$OUT" "demoted fraud v0.2.0 from staging"
  assert_eq "churn" "$(git ls-tree --name-only stage/staging:models)" "only churn is left"
  local expected
  expected=$(printf '%s\n' "demote fraud v0.2.0 from staging" "" "incident 4711" "" "Mreg-Model: fraud" \
    "Mreg-Previous: 0.2.0")
  assert_eq "$expected" "$(git log -1 --format=%B stage/staging | sed -e '${/^$/d;}')"
  assert_fails 1 mreg show 'fraud#staging'
  assert_contains "$ERR" "stage staging does not hold fraud"
  assert_fails 1 mreg demote fraud staging
  assert_contains "$ERR" "does not hold fraud"
  run_ok mreg demote churn staging --json
  assert_json "$OUT" 'd["previous"] == "1.0.0"' 'd["version"] is None'
  assert_eq "" "$(git ls-tree stage/staging)" "an empty stage is an empty tree"
  run_ok mreg stages --json
  assert_json "$OUT" 'd[0]["models"] == []'
}

test_hand_edited_stage_is_reported_never_trusted() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  # Reading the stage once fills the cache of verified stage copies
  # (.git/mreg/cache.sqlite); the edit below must not be hidden by it.
  run_ok mreg list
  assert_contains "$OUT" "0.1.0"
  assert_file_exists .git/mreg/cache.sqlite
  git worktree add -q ../stage-wt stage/staging
  (
    cd ../stage-wt
    sed -i 's/^owner: .*/owner: mallory@example.com/' models/fraud/model.yaml
    git commit -q -am "tweak owner"
  )
  git worktree remove ../stage-wt
  assert_fails 1 mreg show 'fraud#staging'
  assert_contains "$ERR" "fraud#staging"
  assert_contains "$ERR" "edited by hand"
  assert_contains "$ERR" "mreg promote fraud@VERSION staging"
  assert_contains "$ERR" "git revert"
  assert_fails 1 mreg get 'fraud#staging' -o out
  assert_no_file out
  run_ok mreg stages
  assert_matches "$OUT" '^  fraud +0\.1\.0 +modified: '
  run_ok mreg list
  assert_contains "$OUT" "0.1.0 (modified)"
  # The from: rule does not accept the edited copy.
  assert_fails 1 mreg promote fraud@0.1.0 production
  assert_contains "$ERR" "staging holds fraud v0.1.0, modified"
  # Promoting the registered version again repairs it.
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg show 'fraud#staging' --json
  assert_json "$OUT" 'd["version"] == "0.1.0"' 'd["metadata"]["owner"] == "risk@example.com"'
}

test_unusable_cache_changes_nothing_but_speed() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg list
  local expected=$OUT
  head -c 8192 /dev/urandom >.git/mreg/cache.sqlite
  run_ok mreg list
  assert_eq "$expected" "$OUT" "list with a garbage cache file"
  run_ok mreg show 'fraud#staging' --json
  assert_json "$OUT" 'd["version"] == "0.1.0"'
  # A directory where the database should be: it cannot even be created.
  rm -f .git/mreg/cache.sqlite
  mkdir .git/mreg/cache.sqlite
  run_ok mreg list
  assert_eq "$expected" "$OUT" "list when the cache cannot be opened"
}

test_stage_copy_naming_an_unregistered_version_is_refused() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  git worktree add -q ../stage-wt stage/staging
  (
    cd ../stage-wt
    sed -i 's/^version: .*/version: 9.9.9/' models/fraud/model.yaml
    git commit -q -am "bump by hand"
  )
  git worktree remove ../stage-wt
  assert_fails 1 mreg show 'fraud#staging'
  assert_contains "$ERR" "9.9.9"
  assert_contains "$ERR" "not a registered version"
}

test_promote_by_latest_and_by_stage_ref() {
  two_versions
  run_ok mreg promote fraud staging --json
  assert_json "$OUT" 'd["version"] == "0.2.0"' 'd["branch"] == "stage/staging"'
  run_ok mreg promote 'fraud#staging' production --json
  assert_json "$OUT" 'd["version"] == "0.2.0"' 'd["stage"] == "production"'
  run_ok mreg promote 'fraud#production' production
  assert_contains "$OUT" "production already holds fraud v0.2.0: nothing to do"
  assert_fails 1 mreg promote 'fraud#nowhere' production
  assert_contains "$ERR" "unknown stage"
}

test_push_sends_the_stage_branch_and_the_tag() {
  two_versions
  git init -q --bare ../remote.git
  git remote add origin ../remote.git
  run_ok mreg promote fraud@0.1.0 staging --push
  assert_contains "$OUT" "pushed to origin"
  assert_eq "$(git rev-parse stage/staging)" "$(git --git-dir=../remote.git rev-parse stage/staging)"
  assert_eq "$(git rev-parse fraud@v0.1.0)" "$(git --git-dir=../remote.git rev-parse fraud@v0.1.0)"
  # git config mreg.gitRemote names another remote.
  git init -q --bare ../other.git
  git remote add upstream ../other.git
  git config mreg.gitRemote upstream
  run_ok mreg promote fraud@0.1.0 production --push --json
  assert_json "$OUT" 'd["pushed"] is True'
  assert_eq "$(git rev-parse stage/production)" "$(git --git-dir=../other.git rev-parse stage/production)"
  assert_fails 1 git --git-dir=../remote.git rev-parse --verify -q stage/production
  # A failing push keeps the local promotion and says how to retry.
  git config mreg.gitRemote nosuchremote
  assert_fails 1 mreg demote fraud production --push
  assert_contains "$ERR" "git push nosuchremote refs/heads/stage/production"
  assert_eq "" "$(git ls-tree stage/production)" "the local demotion is kept"
}

test_a_clone_reads_stages_from_the_remote_tracking_branches() {
  two_versions
  run_ok mreg promote fraud@0.1.0 staging
  cd ..
  git clone -q "file://$PWD/repo" clone
  cd clone
  assert_fails 1 git rev-parse --verify -q refs/heads/stage/staging
  run_ok mreg show 'fraud#staging' --json
  assert_json "$OUT" 'd["version"] == "0.1.0"' 'd["verified"] is True'
  # A promotion there continues the stage's history instead of starting another.
  run_ok mreg promote fraud@0.2.0 staging
  assert_eq "$(git rev-parse origin/stage/staging)" "$(git log -1 --format=%P stage/staging)"
}

test_deploy_clone_of_a_stage_branch_reads_it_unverified() {
  two_versions
  run_ok mreg promote fraud@0.2.0 staging
  run_ok mreg promote fraud@0.2.0 production
  cd ..
  git clone -q --depth 1 --branch stage/production "file://$PWD/repo" deploy
  cd deploy
  assert_no_file mreg.yaml
  assert_eq "" "$(git tag)" "the clone has no version tags"
  run_ok mreg show 'fraud#production'
  assert_contains "$OUT" "fraud v0.2.0"
  assert_contains "$OUT" "the version tag could not be checked"
  assert_contains "$OUT" "risk@example.com"
  run_ok mreg show 'fraud#production' --json
  assert_json "$OUT" 'd["verified"] is False' 'd["version"] == "0.2.0"' 'd["commit"] is None' \
    'd["metadata"]["metrics"]["auc"] == 0.97' 'd["stages"] == ["production"]'
  run_ok mreg stages --json
  assert_json "$OUT" '[s["stage"] for s in d] == ["production"]' 'd[0]["models"][0]["status"] == "unverified"'
  run_ok mreg list --json
  assert_json "$OUT" 'd[0]["name"] == "fraud" and d[0]["latest"] is None and d[0]["stages"] == {"production": "0.2.0"}'
  # The blobs come from a shared store; the stage tree is enough to get them.
  MREG_CACHE_DIR=../repo/.git/mreg run_ok mreg get 'fraud#production' -o served
  assert_file_eq ../repo/model.bin served/model.bin
  assert_contains "$ERR" "could not be checked"
  # Changing stages needs the registry's rules: refused here.
  assert_fails 1 mreg promote 'fraud#production' production
  assert_contains "$ERR" "no mreg.yaml"
  assert_fails 1 mreg register fraud ../repo/model.bin
  assert_contains "$ERR" "no mreg.yaml"
}

test_help_teaches_with_examples() {
  local command
  for command in promote demote deprecate stages history; do
    run_ok mreg "$command" --help
    assert_contains "$OUT" "mreg $command" "$command --help has an example"
  done
}

run_tests "$@"
