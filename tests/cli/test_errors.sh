#!/usr/bin/env bash
# The command line itself: help, usage errors (exit 2), error format,
# global options.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

COMMANDS="init add register list show versions get validate promote demote deprecate stages history diff review verify gc push fetch remote"

test_help_works_for_every_command() {
  run_ok mreg --help
  assert_contains "$OUT" "Usage: mreg"
  local command
  for command in $COMMANDS; do
    run_ok mreg "$command" --help
    assert_contains "$OUT" "Usage: mreg $command" "mreg $command --help"
    assert_contains "$OUT" "Example" "mreg $command --help shows an example"
  done
}

test_help_footers_document_json_keys() {
  run_ok mreg list --help
  assert_contains "$OUT" '"latest"'
  run_ok mreg show --help
  assert_contains "$OUT" '"registered_by"'
  run_ok mreg versions --help
  assert_contains "$OUT" '"registered_at"'
  run_ok mreg register --help
  assert_contains "$OUT" '"previous_latest"'
  run_ok mreg get --help
  assert_contains "$OUT" '"bytes_written"'
  run_ok mreg validate --help
  assert_contains "$OUT" '"diagnostics"'
  run_ok mreg add --help
  assert_contains "$OUT" '"metadata_file"'
}

test_version_flag() {
  run_ok mreg --version
  assert_matches "$OUT" '^mreg [0-9]+\.[0-9]+\.[0-9]+'
}

test_bad_usage_exits_2() {
  assert_fails 2 mreg
  assert_contains "$ERR" "mreg: error:"
  assert_fails 2 mreg frobnicate
  assert_contains "$ERR" "unknown command 'frobnicate'"
  assert_fails 2 mreg list --frobnicate
  assert_contains "$ERR" "--frobnicate"
  assert_fails 2 mreg register
  assert_contains "$ERR" "NAME"
  assert_fails 2 mreg show
  assert_fails 2 mreg get
  assert_fails 2 mreg versions
  assert_fails 2 mreg add fraud
  assert_contains "$ERR" "PATH"
  assert_fails 2 mreg list extra-argument
  assert_fails 2 mreg --color sometimes list
  assert_contains "$ERR" "--color"
  assert_fails 2 mreg register fraud m.bin --bump huge
  assert_contains "$ERR" "--bump"
  assert_fails 2 mreg register fraud m.bin --version 1.0.0 --bump patch
  assert_fails 2 mreg -q -v list
}

test_key_value_flags_name_the_flag_and_the_form() {
  new_registry
  random_file m.bin 100
  assert_fails 2 mreg register fraud m.bin --metric auc
  assert_contains "$ERR" "--metric"
  assert_contains "$ERR" "KEY=VALUE"
  assert_fails 2 mreg register fraud m.bin --metric auc=high
  assert_contains "$ERR" "--metric"
  assert_contains "$ERR" "number"
  assert_fails 2 mreg register fraud m.bin --param =3
  assert_contains "$ERR" "--param"
  assert_fails 2 mreg add fraud m.bin --set novalue
  assert_contains "$ERR" "--set"
  assert_eq "" "$(git tag -l)" "nothing registered after usage errors"
}

test_invalid_version_value_names_the_flag() {
  new_registry
  random_file m.bin 100
  assert_fails 1 mreg register fraud m.bin --version 1.2
  assert_contains "$ERR" "--version"
  assert_fails 1 mreg register fraud m.bin --version 01.2.3
  assert_eq "" "$(git tag -l)"
}

test_errors_go_to_stderr_with_the_mreg_prefix() {
  assert_fails 1 mreg list
  assert_eq "" "$OUT" "nothing on stdout for a failure"
  assert_matches "$ERR" '^mreg: error: '
  assert_matches "$ERR" '^hint: '
}

test_C_changes_directory_first() {
  new_registry
  random_file m.bin 100
  cd ..
  run_ok mreg -C repo register fraud m.bin
  assert_eq "tag" "$(git -C repo cat-file -t fraud@v0.1.0)"
  assert_fails 1 mreg -C does-not-exist list
  assert_contains "$ERR" "does-not-exist"
}

test_color_only_when_asked_or_on_a_terminal() {
  new_registry
  random_file m.bin 100
  run_ok mreg register fraud m.bin
  local esc=$'\033['
  run_ok mreg list
  assert_not_contains "$OUT" "$esc" "no color when stdout is not a terminal"
  run_ok mreg --color always list
  assert_contains "$OUT" "$esc" "--color always"
  run_ok mreg --color never list
  assert_not_contains "$OUT" "$esc" "--color never"
  run_ok env NO_COLOR=1 "$MREG" --color auto list
  assert_not_contains "$OUT" "$esc" "NO_COLOR"
}

test_global_options_may_follow_the_command() {
  new_registry
  random_file m.bin 100
  run_ok mreg register fraud m.bin -q
  assert_eq "" "$OUT"
  run_ok mreg list --color never
  assert_contains "$OUT" "fraud"
}

test_no_progress_is_accepted() {
  new_registry
  random_file m.bin 100
  run_ok mreg --no-progress register fraud m.bin
  assert_eq "" "$ERR"
  run_ok mreg --no-progress get fraud -o out
  assert_file_eq m.bin out/m.bin
}

run_tests "$@"
