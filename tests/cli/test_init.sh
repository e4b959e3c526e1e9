#!/usr/bin/env bash
# mreg init: creates mreg.yaml and models/, runs git init where needed,
# stages (or commits) mreg.yaml, never clobbers an existing registry.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

test_init_in_a_plain_directory_runs_git_init() {
  mkdir fresh
  cd fresh
  run_ok mreg init
  [ -d .git ] || fail "no .git directory after mreg init" "in $(pwd)"
  assert_file_exists mreg.yaml
  [ -d models ] || fail "no models/ directory after mreg init"
  assert_contains "$OUT" "mreg register NAME PATH" "init should say what to do next"
  assert_eq "$(pwd -P)" "$(git rev-parse --show-toplevel)" "the repository should be created right here"
}

test_init_stages_mreg_yaml_without_committing() {
  git init -q
  run_ok mreg init
  assert_eq "mreg.yaml" "$(git diff --cached --name-only)" "mreg.yaml should be staged, alone"
  if git rev-parse -q --verify HEAD >/dev/null; then fail "init without --commit made a commit"; fi
}

test_init_commit_commits_mreg_yaml() {
  git init -q
  run_ok mreg init --commit
  assert_eq "1" "$(git rev-list --count HEAD)" "one commit"
  assert_contains "$(git show --name-only --format= HEAD)" "mreg.yaml"
  assert_eq "" "$(git status --porcelain -- mreg.yaml)" "mreg.yaml committed, nothing left to stage"
  assert_eq "$(cat mreg.yaml)" "$(git show HEAD:mreg.yaml)" "committed content equals the file"
}

test_init_in_an_existing_repository_keeps_its_history() {
  git init -q
  echo "hello" >README.md
  git add README.md && git commit -q -m "first"
  local before
  before=$(git rev-parse HEAD)
  run_ok mreg init
  assert_eq "$before" "$(git rev-parse HEAD)" "init without --commit does not commit"
  assert_eq "mreg.yaml" "$(git diff --cached --name-only)"
  assert_not_contains "$OUT" "created a git repository" "no git init in an existing repository"
}

test_init_refuses_to_clobber_mreg_yaml() {
  git init -q
  run_ok mreg init --stages dev,prod
  echo "# my edits" >>mreg.yaml
  cp mreg.yaml expected.yaml
  assert_fails 1 mreg init
  assert_contains "$ERR" "mreg: error:"
  assert_contains "$ERR" "mreg.yaml"
  assert_file_eq expected.yaml mreg.yaml
}

test_init_with_custom_stages() {
  git init -q
  run_ok mreg init --stages dev,qa,prod
  local config
  config=$(cat mreg.yaml)
  assert_contains "$config" "dev"
  assert_contains "$config" "qa"
  assert_contains "$config" "prod"
  assert_contains "$OUT" "dev, qa, prod"
  run_ok mreg validate
}

test_init_accepts_no_hooks() {
  git init -q
  run_ok mreg init --no-hooks
  assert_file_exists mreg.yaml
}

test_init_in_another_directory_with_C() {
  mkdir -p elsewhere/project
  run_ok mreg -C elsewhere/project init
  assert_file_exists elsewhere/project/mreg.yaml
  assert_file_exists elsewhere/project/.git
  assert_no_file mreg.yaml
}

test_init_quiet_prints_nothing() {
  git init -q
  run_ok mreg -q init
  assert_eq "" "$OUT" "stdout with -q"
  assert_eq "" "$ERR" "stderr with -q"
}

test_init_then_register_works_in_a_fresh_directory() {
  mkdir fresh
  cd fresh
  run_ok mreg init
  random_file model.bin 1000
  run_ok mreg register demo model.bin
  assert_eq "tag" "$(git cat-file -t demo@v0.1.0)"
}

run_tests "$@"
