#!/usr/bin/env bash
# mreg remote add|list|remove|default: blob remotes in mreg.yaml (staged,
# still valid), per-user overrides from git config, and refusals of bad
# names and of URLs that carry credentials.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

S3_URL='s3://ml-models/registry?endpoint=https://s3.example.com&region=eu-west-1'

test_first_remote_added_becomes_the_default() {
  new_registry
  run_ok mreg remote add origin "$S3_URL"
  assert_contains "$OUT" "added remote origin"
  assert_contains "$OUT" "git commit" "add says to commit mreg.yaml"
  run_ok mreg remote add nas /srv/mreg-store
  run_ok mreg remote list --json
  assert_json "$OUT" 'len(d) == 2' \
    'd[0] == {"name": "origin", "url": "'"$S3_URL"'", "default": True, "source": "mreg.yaml"}' \
    'has_keys(d[1], ["name", "url", "default", "source"])' \
    'd[1]["name"] == "nas" and d[1]["url"] == "/srv/mreg-store" and d[1]["default"] is False'
  run_ok mreg remote list
  assert_matches "$OUT" '^origin +s3://ml-models/registry\?endpoint=https://s3.example.com&region=eu-west-1 +default'
}

test_add_with_default_and_default_command_move_the_default() {
  new_registry
  run_ok mreg remote add origin "$S3_URL"
  run_ok mreg remote add web https://models.example.com/mreg --default
  assert_contains "$OUT" "(default)"
  run_ok mreg remote list --json
  assert_json "$OUT" '[r["name"] for r in d if r["default"]] == ["web"]'
  run_ok mreg remote default origin
  run_ok mreg remote list --json
  assert_json "$OUT" '[r["name"] for r in d if r["default"]] == ["origin"]'
  assert_contains "$(cat mreg.yaml)" "default_remote: origin"
}

test_remove_moves_the_default_to_the_first_remaining_remote() {
  new_registry
  run_ok mreg remote add origin "$S3_URL"
  run_ok mreg remote add nas /srv/a
  run_ok mreg remote add usb /media/usb/mreg
  run_ok mreg remote remove origin
  assert_contains "$OUT" "the default remote is now nas"
  run_ok mreg remote list --json
  assert_json "$OUT" '[(r["name"], r["default"]) for r in d] == [("nas", True), ("usb", False)]'
  run_ok mreg remote remove nas
  run_ok mreg remote remove usb
  assert_not_contains "$(cat mreg.yaml)" "remotes:"
  assert_not_contains "$(cat mreg.yaml)" "default_remote"
  run_ok mreg remote list --json
  assert_json "$OUT" 'd == []'
  run_ok mreg remote list
  assert_contains "$OUT" "mreg remote add"
  run_ok mreg validate
}

test_edited_mreg_yaml_is_valid_staged_and_otherwise_unchanged() {
  new_registry
  local before
  before=$(cat mreg.yaml)
  run_ok mreg remote add origin "$S3_URL"
  run_ok mreg validate
  assert_eq "mreg.yaml" "$(git diff --cached --name-only)" "mreg.yaml staged, alone"
  assert_eq "" "$(git diff --name-only)" "nothing left unstaged"
  assert_eq "" "$(git diff --cached -U0 | grep '^-[^-]' || true)" "init's mreg.yaml keeps every line"
  assert_contains "$(git diff --cached)" "+default_remote: origin"
  assert_eq "$before" "$(git show HEAD:mreg.yaml)"
  if python3 -c 'import yaml' 2>/dev/null; then
    assert_eq "$S3_URL" "$(python3 -c 'import yaml; print(yaml.safe_load(open("mreg.yaml"))["remotes"]["origin"])')" \
      "a YAML reader other than mreg's reads the same URL"
  fi
  git commit -q -m "Add blob remote origin"
  run_ok mreg remote remove origin
  assert_eq "$before" "$(cat mreg.yaml)" "add then remove restores init's mreg.yaml"
}

test_git_config_overrides_and_adds_remotes_for_one_user() {
  new_registry
  run_ok mreg remote add origin "$S3_URL"
  git config mreg.remote.origin.url /mnt/mirror
  git config mreg.remote.mine.url https://cache.example.com/mreg
  run_ok mreg remote list --json
  assert_json "$OUT" 'len(d) == 2' \
    'd[0] == {"name": "origin", "url": "/mnt/mirror", "default": True, "source": "git config"}' \
    'd[1] == {"name": "mine", "url": "https://cache.example.com/mreg", "default": False, "source": "git config"}'
  git config mreg.defaultRemote mine
  run_ok mreg remote list --json
  assert_json "$OUT" '[r["name"] for r in d if r["default"]] == ["mine"]'
  run_ok mreg remote list
  assert_contains "$OUT" "from git config"
  assert_contains "$(cat mreg.yaml)" "default_remote: origin" "git config never changes mreg.yaml"
  assert_not_contains "$(cat mreg.yaml)" "mirror"
}

test_git_config_only_remotes_cannot_be_removed_from_mreg_yaml() {
  new_registry
  git config mreg.remote.mine.url /srv/mine
  assert_fails 1 mreg remote remove mine
  assert_contains "$ERR" "git config --unset mreg.remote.mine.url"
  assert_fails 1 mreg remote default mine
  assert_contains "$ERR" "git config mreg.defaultRemote mine"
  git config mreg.remote.Bad.url /srv/bad
  assert_fails 1 mreg remote list
  assert_contains "$ERR" "mreg.remote.Bad.url"
}

test_relative_paths_are_stored_relative_to_the_top_of_the_work_tree() {
  new_registry
  mkdir -p models/sub
  run_ok mreg -C models/sub remote add nas ../../../store
  run_ok mreg remote list --json
  assert_json "$OUT" 'd[0]["url"] == "../store"'
}

test_bad_names_are_refused() {
  new_registry
  cp mreg.yaml before.yaml
  local name
  for name in Origin _origin origin- "my remote" a..b x.lock "o/x" "o@x"; do
    assert_fails 1 mreg remote add "$name" /srv/store
    assert_contains "$ERR" "invalid remote name"
  done
  assert_file_eq before.yaml mreg.yaml
  assert_eq "" "$(git diff --cached --name-only)" "nothing staged after refusals"
}

test_bad_urls_are_refused_naming_the_accepted_forms() {
  new_registry
  cp mreg.yaml before.yaml
  local url
  for url in ftp://host/x gs://bucket 's3://My_Bucket' 's3://models?endpoint=ftp://x' \
    's3://models?addressing=dns' 's3://models/a/../b' 'file://server/share' 's3:models' \
    'https://host/x?y=1'; do
    assert_fails 1 mreg remote add origin "$url"
    assert_contains "$ERR" "invalid remote URL"
  done
  assert_fails 1 mreg remote add origin ftp://host/x
  assert_contains "$ERR" "s3://bucket/prefix?endpoint=URL"
  assert_file_eq before.yaml mreg.yaml
}

test_urls_with_credentials_are_refused_without_echoing_them() {
  new_registry
  cp mreg.yaml before.yaml
  assert_fails 1 mreg remote add origin 's3://AKIDEXAMPLE:wJalrXUtnFEMI@ml-models/registry'
  assert_contains "$ERR" "credentials never live in URLs"
  assert_contains "$ERR" "AWS_ACCESS_KEY_ID"
  assert_not_contains "$ERR" "wJalrXUtnFEMI"
  assert_fails 1 mreg remote add origin 's3://ml-models?endpoint=http://127.0.0.1:7480&secret_key=wJalrXUtnFEMI'
  assert_contains "$ERR" "unknown setting \"secret_key\""
  assert_not_contains "$ERR" "wJalrXUtnFEMI"
  assert_fails 1 mreg remote add web 'https://alice:hunter2@models.example.com/mreg'
  assert_contains "$ERR" "MREG_HTTP_TOKEN"
  assert_not_contains "$ERR" "hunter2"
  assert_file_eq before.yaml mreg.yaml
}

test_adding_an_existing_name_or_removing_a_missing_one_fails() {
  new_registry
  run_ok mreg remote add origin "$S3_URL"
  cp mreg.yaml before.yaml
  assert_fails 1 mreg remote add origin /srv/other
  assert_contains "$ERR" "already exists"
  assert_fails 1 mreg remote remove nope
  assert_contains "$ERR" "origin" "the message lists the remotes there are"
  assert_fails 1 mreg remote default nope
  assert_file_eq before.yaml mreg.yaml
}

test_usage_errors_exit_2() {
  new_registry
  assert_fails 2 mreg remote
  assert_contains "$ERR" "add, list, remove or default"
  assert_fails 2 mreg remote frobnicate
  assert_fails 2 mreg remote add origin
  assert_contains "$ERR" "URL"
  assert_fails 2 mreg remote remove
  assert_fails 2 mreg remote list extra
  assert_fails 2 mreg remote add origin /srv/a --frobnicate
}

test_help_teaches_the_url_forms_and_where_credentials_come_from() {
  run_ok mreg remote --help
  assert_contains "$OUT" "Usage: mreg remote"
  assert_contains "$OUT" "Example"
  run_ok mreg remote add --help
  assert_contains "$OUT" "s3://"
  assert_contains "$OUT" "file:///"
  assert_contains "$OUT" "https://"
  assert_contains "$OUT" "AWS_ACCESS_KEY_ID"
  assert_contains "$OUT" "MREG_HTTP_TOKEN"
  run_ok mreg remote list --help
  assert_contains "$OUT" '"source"'
}

test_a_stage_branch_checkout_refuses_to_edit_remotes() {
  new_registry
  git checkout -q --orphan stage/production
  git rm -rq --cached . && rm -f mreg.yaml
  assert_fails 1 mreg remote add origin "$S3_URL"
  assert_contains "$ERR" "no mreg.yaml in the work tree"
  assert_no_file mreg.yaml
}

test_quiet_add_prints_nothing() {
  new_registry
  run_ok mreg -q remote add origin "$S3_URL"
  assert_eq "" "$OUT"
  assert_eq "" "$ERR"
}

run_tests "$@"
