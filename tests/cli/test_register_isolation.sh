#!/usr/bin/env bash
# mreg register touches only models/NAME/: the user's other staged,
# unstaged and untracked changes are exactly as they were, and the new
# commit contains nothing else.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# A registry with a committed file, then an unrelated staged change, an
# unrelated unstaged change and an untracked file.
registry_with_unrelated_changes() {
  new_registry
  mkdir -p src
  printf 'one\n' >src/train.py
  printf 'a\n' >notes.txt
  git add src/train.py notes.txt
  git commit -q -m "code"
  printf 'one\ntwo (staged)\n' >src/train.py
  git add src/train.py
  printf 'one\ntwo (staged)\nthree (unstaged)\n' >src/train.py
  printf 'a\nb (unstaged)\n' >notes.txt
  printf 'new, staged\n' >staged-new.txt
  git add staged-new.txt
  printf 'untracked\n' >scratch.txt
}

test_status_and_diffs_are_byte_identical_after_register() {
  registry_with_unrelated_changes
  random_file model.bin 5000
  local status_before cached_before unstaged_before
  status_before=$(git status --porcelain --untracked-files=all)
  cached_before=$(git diff --cached)
  unstaged_before=$(git diff)
  run_ok mreg register fraud model.bin
  # model.bin itself stays untracked: it is the user's file, not committed.
  assert_eq "$status_before" "$(git status --porcelain --untracked-files=all)" "git status --porcelain"
  assert_eq "$cached_before" "$(git diff --cached)" "staged changes"
  assert_eq "$unstaged_before" "$(git diff)" "unstaged changes"
  assert_eq "untracked" "$(cat scratch.txt)"
}

test_register_commit_contains_only_the_model_directory() {
  registry_with_unrelated_changes
  random_file model.bin 5000
  local parent
  parent=$(git rev-parse HEAD)
  run_ok mreg register fraud model.bin
  assert_eq "$parent" "$(git rev-parse HEAD~1)" "the register commit's parent is the previous HEAD"
  assert_eq "models/fraud/model.yaml" "$(git diff-tree --no-commit-id --name-only -r HEAD)" \
    "files changed by the register commit"
  assert_contains "$(git show --stat --format= HEAD)" "models/fraud/model.yaml"
  assert_eq "one" "$(git show HEAD:src/train.py)" "the staged change was not committed"
  if git cat-file -e HEAD:staged-new.txt 2>/dev/null; then
    fail "a staged new file was committed by register"
  fi
}

test_second_model_leaves_the_first_alone() {
  new_registry
  random_file a.bin 1000
  random_file b.bin 1000
  run_ok mreg register alpha a.bin
  local alpha_tree
  alpha_tree=$(git rev-parse HEAD:models/alpha)
  echo "owner: draft@example.com" >>models/alpha/model.yaml
  local alpha_draft
  alpha_draft=$(cat models/alpha/model.yaml)
  run_ok mreg register beta b.bin
  assert_eq "models/beta/model.yaml" "$(git diff-tree --no-commit-id --name-only -r HEAD)"
  assert_eq "$alpha_tree" "$(git rev-parse HEAD:models/alpha)" "alpha's committed tree"
  assert_eq "$alpha_draft" "$(cat models/alpha/model.yaml)" "alpha's draft in the work tree"
  assert_eq " M models/alpha/model.yaml" "$(git status --porcelain -- models/alpha)"
}

test_register_commits_on_the_current_branch() {
  new_registry
  random_file model.bin 1000
  git checkout -q -b experiments
  local main_before
  main_before=$(git rev-parse main)
  run_ok mreg register fraud model.bin
  assert_eq "$main_before" "$(git rev-parse main)" "main did not move"
  assert_eq "$(git rev-parse experiments)" "$(git rev-parse 'fraud@v0.1.0^{commit}')"
  assert_eq "experiments" "$(git symbolic-ref --short HEAD)"
}

test_register_leaves_the_index_entry_matching_the_commit() {
  new_registry
  random_file model.bin 1000
  run_ok mreg register fraud model.bin
  assert_eq "" "$(git status --porcelain -- models/fraud)" "models/fraud is clean after register"
  assert_eq "" "$(git diff --cached --name-only)" "nothing left staged"
}

run_tests "$@"
