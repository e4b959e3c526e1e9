#!/usr/bin/env bash
# Git hooks (DESIGN §7): the server guard in a bare repository pushed to over
# file://, pre-push uploading blobs before the refs, pre-commit validating the
# staged files, chaining a user's own hook, MREG_SKIP_PUSH.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"


# Installed hooks find mreg on PATH, as on a user's machine.
PATH="$(dirname "$MREG"):$PATH"
export PATH

# A bare server with the guard, and a clone "work" (the current directory)
# with fraud@0.1.0 and 0.2.0 registered, production requiring staging first,
# everything pushed.
server_and_clone() {
  BASE=$PWD
  git init -q --bare server.git
  (cd server.git && run_ok mreg install-hooks --server)
  git clone -q "file://$BASE/server.git" work 2>/dev/null
  cd work
  run_ok mreg init --stages staging,production --no-hooks
  cat >mreg.yaml <<'YAML'
registry: 1
models_dir: models
stages:
  - name: staging
  - name: production
    from: [staging]
YAML
  git add mreg.yaml
  git commit -qm "registry"
  random_file in/w.bin 3000
  run_ok mreg register fraud in/w.bin
  random_file in/w.bin 4000
  run_ok mreg register fraud in/w.bin
  run_ok git push -q origin main --tags
}

test_the_guard_is_installed_in_the_bare_repository() {
  git init -q --bare server.git
  cd server.git
  run_ok mreg install-hooks --server
  assert_file_exists hooks/pre-receive
  assert_contains "$(cat hooks/pre-receive)" '"$mreg" hook' "the installed script calls mreg hook"
}

test_a_moved_version_tag_is_refused() {
  server_and_clone
  git tag -f -a -m "register fraud v0.1.0" "fraud@v0.1.0" HEAD >/dev/null
  assert_fails 1 git push -f origin "refs/tags/fraud@v0.1.0"
  assert_contains "$ERR" "refusing refs/tags/fraud@v0.1.0: a version tag never moves"
  assert_contains "$ERR" "fix:"
}

test_a_deleted_version_tag_is_refused() {
  server_and_clone
  assert_fails 1 git push origin ":refs/tags/fraud@v0.1.0"
  assert_contains "$ERR" "a version tag is never deleted"
  assert_contains "$ERR" "mreg deprecate"
  git -C "$BASE/server.git" rev-parse -q --verify "refs/tags/fraud@v0.1.0" >/dev/null ||
    fail "the tag is gone from the server"
}

test_a_version_tag_without_a_matching_model_yaml_is_refused() {
  server_and_clone
  git tag -a -m "register fraud v9.0.0" "fraud@v9.0.0" HEAD
  assert_fails 1 git push origin "refs/tags/fraud@v9.0.0"
  assert_contains "$ERR" "has version 0.2.0, not 9.0.0"
}

test_a_valid_promotion_passes() {
  server_and_clone
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg promote fraud@0.1.0 production
  run_ok git push origin stage/staging
  run_ok git push origin stage/production
  assert_eq "$(git rev-parse stage/production)" "$(git -C "$BASE/server.git" rev-parse stage/production)"
}

test_a_stage_and_its_new_tag_pushed_together_pass() {
  server_and_clone
  random_file in/w.bin 5000
  run_ok mreg register fraud in/w.bin
  run_ok mreg promote fraud@0.3.0 staging
  run_ok git push origin main stage/staging "refs/tags/fraud@v0.3.0"
}

test_a_promotion_that_breaks_from_is_refused() {
  server_and_clone
  run_ok mreg promote fraud@0.2.0 production --force
  assert_fails 1 git push origin stage/production
  assert_contains "$ERR" "breaks the rule \`from: [staging]\`"
}

test_a_hand_edited_stage_tree_is_refused() {
  server_and_clone
  run_ok mreg promote fraud@0.1.0 staging
  git checkout -q stage/staging
  echo "tampered" >>models/fraud/model.yaml
  git commit -qam "edit by hand"
  assert_fails 1 git push origin stage/staging
  assert_contains "$ERR" "refusing refs/heads/stage/staging"
  assert_contains "$ERR" "mreg promote"
  echo stray >notes.txt
  git add notes.txt
  git commit -qm "stray file"
  assert_fails 1 git push origin stage/staging
  assert_contains "$ERR" "the tip has notes.txt"
}

test_a_deprecated_version_pushed_to_a_stage_is_refused() {
  server_and_clone
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg deprecate fraud@0.1.0 -m "leaks labels"
  run_ok git push origin "refs/tags/fraud@v0.1.0!"
  assert_fails 1 git push origin stage/staging
  assert_contains "$ERR" "fraud v0.1.0 is deprecated"
}

test_pre_push_uploads_blobs_before_the_refs_and_a_fresh_clone_gets_them() {
  server_and_clone
  run_ok mreg install-hooks
  run_ok mreg remote add shared "$BASE/store"
  git commit -qm "remote" mreg.yaml
  random_file in/w.bin 6000
  run_ok mreg register fraud in/w.bin
  run_ok mreg promote fraud@0.3.0 staging
  run_ok git push origin main stage/staging "refs/tags/fraud@v0.3.0"
  assert_contains "$ERR" "mreg: uploaded"
  [ -n "$(find "$BASE/store/objects" -type f 2>/dev/null)" ] || fail "nothing was uploaded"
  git clone -q "file://$BASE/server.git" "$BASE/fresh"
  cd "$BASE/fresh"
  git fetch -q origin "refs/heads/stage/*:refs/heads/stage/*"
  run_ok mreg get fraud@0.3.0 -o out
  assert_file_eq "$BASE/work/in/w.bin" out/w.bin
  run_ok mreg get "fraud#staging" -o staged
}

# git daemon on 127.0.0.1 serving $BASE, pushes enabled, stopped by its PID
# when the test ends. Sets GIT_URL to the server repository's git:// URL.
start_git_daemon() {
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --base-path="$BASE" --export-all \
    --enable=receive-pack "$BASE" >"$BASE/daemon.log" 2>&1 &
  DAEMON_PID=$!
  trap 'kill "$DAEMON_PID" 2>/dev/null || true' EXIT
  GIT_URL="git://127.0.0.1:$port/server.git"
  local tries=0
  until git ls-remote "$GIT_URL" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ $tries -lt 100 ] || { cat "$BASE/daemon.log" >&2; fail "git daemon did not start"; }
    sleep 0.05
  done
}

test_the_guard_works_over_git_daemon() {
  server_and_clone
  start_git_daemon
  git remote set-url origin "$GIT_URL"
  # A rewritten version tag is refused by the server's pre-receive hook...
  git tag -f -a "fraud@v0.1.0" -m "register fraud v0.1.0" HEAD >/dev/null
  assert_fails 1 git push -f origin "refs/tags/fraud@v0.1.0"
  assert_contains "$ERR" "remote:"
  assert_contains "$ERR" "fraud@v0.1.0"
  # ...and a valid promotion passes.
  run_ok mreg promote fraud@0.2.0 staging
  run_ok git push origin stage/staging
  assert_eq "$(git rev-parse stage/staging)" "$(git --git-dir="$BASE/server.git" rev-parse stage/staging)" \
    "the server's stage/staging"
  kill "$DAEMON_PID"
}

test_pre_push_uploads_to_s3_before_the_refs() {
  start_test_server ceph-rgw
  server_and_clone
  run_ok mreg install-hooks
  run_ok mreg remote add team "$MREG_TEST_S3_REMOTE"
  git commit -qm "remote" mreg.yaml
  random_file in/w.bin 7000
  run_ok mreg register fraud in/w.bin
  run_ok git push origin main "refs/tags/fraud@v0.3.0"
  assert_contains "$ERR" "mreg: uploaded"
  run_ok mreg verify --remote team fraud@0.3.0
  git clone -q "file://$BASE/server.git" "$BASE/fresh"
  cd "$BASE/fresh"
  run_ok mreg get fraud@0.3.0 -o out
  assert_file_eq "$BASE/work/in/w.bin" out/w.bin
}

test_a_push_of_code_only_makes_no_upload() {
  server_and_clone
  run_ok mreg install-hooks
  run_ok mreg remote add shared "$BASE/unreachable/store"
  git commit -qm "remote" mreg.yaml
  echo code >code.txt
  git add code.txt
  git commit -qm code
  run_ok git push origin main
  assert_not_contains "$ERR" "uploaded"
  assert_no_file "$BASE/unreachable"
}

test_mreg_skip_push_skips_uploading() {
  server_and_clone
  run_ok mreg install-hooks
  run_ok mreg remote add shared "$BASE/store"
  git commit -qm "remote" mreg.yaml
  random_file in/w.bin 7000
  run_ok mreg register fraud in/w.bin
  MREG_SKIP_PUSH=1 run_ok git push origin "refs/tags/fraud@v0.3.0"
  assert_contains "$ERR" "MREG_SKIP_PUSH=1"
  assert_no_file "$BASE/store/objects"
}

test_pre_push_without_a_remote_prints_a_note() {
  server_and_clone
  run_ok mreg install-hooks
  random_file in/w.bin 7000
  run_ok mreg register fraud in/w.bin
  run_ok git push origin "refs/tags/fraud@v0.3.0"
  assert_contains "$ERR" "no blob remote is configured"
}

test_an_invalid_staged_model_yaml_blocks_the_commit_with_its_position() {
  new_registry
  random_file in/w.bin 3000
  run_ok mreg add fraud in/w.bin
  git commit -qm "draft"
  # The staged copy is broken; the work tree's copy is fixed again afterwards.
  cp models/fraud/model.yaml good.yaml
  printf 'bogus_key: 1\n' >>models/fraud/model.yaml
  git add models/fraud/model.yaml
  cp good.yaml models/fraud/model.yaml
  assert_fails 1 git commit -qm "broken"
  assert_matches "$ERR" "^models/fraud/model.yaml:[0-9]+:1: .*bogus_key"
  assert_contains "$ERR" "commit refused"
}

test_an_artifact_missing_everywhere_blocks_the_commit() {
  new_registry
  random_file in/w.bin 3000
  run_ok mreg add fraud in/w.bin
  rm -rf .git/mreg/objects
  assert_fails 1 git commit -qm "draft"
  assert_contains "$ERR" "is not in the local store"
}

test_an_existing_user_hook_still_runs_after_install_hooks() {
  git init -q repo
  cd repo
  printf '#!/bin/sh\necho "user hook ran" >&2\n' >.git/hooks/pre-commit
  chmod +x .git/hooks/pre-commit
  run_ok mreg init
  assert_file_exists .git/hooks/pre-commit.local
  run_ok git commit -qm "registry"
  assert_contains "$ERR" "user hook ran"
  # Installing again keeps one chain.
  run_ok mreg install-hooks
  assert_eq "user hook ran" "$(git commit -q --allow-empty -m again 2>&1)"
}

test_install_hooks_honours_core_hooks_path() {
  new_registry
  git config core.hooksPath myhooks
  run_ok mreg install-hooks
  assert_file_exists myhooks/pre-commit
  assert_file_exists myhooks/pre-push
}

test_installed_scripts_are_the_ones_in_hooks() {
  local source_hooks
  source_hooks="$(dirname "${MREG_TEST_LIB:-$0}")/../../hooks"
  [ -d "$source_hooks" ] || { note "no hooks/ directory next to the tests"; return 0; }
  git init -q --bare server.git
  new_registry
  run_ok mreg install-hooks --server
  local hook
  for hook in pre-commit pre-push pre-receive; do
    assert_eq "$(cat "$source_hooks/$hook")" "$(sed -e "s|^fallback='.*'|fallback=''|" .git/hooks/$hook)" "hooks/$hook"
  done
}

run_tests "$@"
