#!/usr/bin/env bash
# mreg get: byte-identical files, idempotent, never overwrites by surprise,
# refuses corrupt store objects.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# fraud 0.1.0 = v1/, fraud 0.2.0 = v2/ (two files, one in a subdirectory).
registry_with_versions() {
  new_registry
  random_file v1/model.bin 200000
  random_file v1/config/params.json 300
  random_file v2/model.bin 250000
  mkdir -p v2/config && cp v1/config/params.json v2/config/params.json
  run_ok mreg register fraud v1
  run_ok mreg register fraud v2
}

test_get_writes_byte_identical_files() {
  registry_with_versions
  run_ok mreg get fraud -o out
  assert_file_eq v2/model.bin out/model.bin
  assert_file_eq v2/config/params.json out/config/params.json
  assert_matches "$OUT" '^written +out/model\.bin$'
  assert_matches "$OUT" '^written +out/config/params\.json$'
  run_ok mreg get fraud@0.1.0 -o old
  assert_file_eq v1/model.bin old/model.bin
  assert_file_eq v1/config/params.json old/config/params.json
}

test_get_defaults_to_a_directory_named_after_the_model() {
  registry_with_versions
  run_ok mreg get fraud@v0.1.0
  assert_file_eq v1/model.bin fraud/model.bin
}

test_get_twice_leaves_identical_files_alone() {
  registry_with_versions
  run_ok mreg get fraud -o out
  local inode mtime
  inode=$(stat -c %i out/model.bin)
  mtime=$(stat -c %Y.%y out/model.bin)
  sleep 1
  run_ok mreg get fraud -o out
  assert_matches "$OUT" '^unchanged +out/model\.bin$'
  assert_eq "$inode" "$(stat -c %i out/model.bin)" "inode of an unchanged file"
  assert_eq "$mtime" "$(stat -c %Y.%y out/model.bin)" "mtime of an unchanged file"
  run_ok mreg get fraud -o out --json
  assert_json "$OUT" 'd["bytes_written"] == 0' 'all(f["status"] == "unchanged" for f in d["files"])'
}

test_a_different_existing_file_is_kept_without_force() {
  registry_with_versions
  mkdir out
  printf 'my own file\n' >out/model.bin
  cp out/model.bin expected.bin
  assert_fails 1 mreg get fraud -o out
  assert_contains "$ERR" "model.bin"
  assert_contains "$ERR" "--force"
  assert_file_eq expected.bin out/model.bin
  assert_no_file out/config/params.json
  run_ok mreg get fraud -o out --force
  assert_matches "$OUT" '^replaced +out/model\.bin$'
  assert_file_eq v2/model.bin out/model.bin
  assert_file_eq v2/config/params.json out/config/params.json
}

test_a_corrupt_store_object_fails_and_writes_nothing() {
  registry_with_versions
  local digest object
  run_ok mreg show fraud --json
  digest=$(printf '%s' "$OUT" | python3 -c 'import json,sys
d = json.load(sys.stdin)
print([a["digest"] for a in d["metadata"]["artifacts"] if a["path"] == "model.bin"][0])')
  digest=${digest#xxh128:}
  object=".git/mreg/objects/${digest:0:2}/${digest:2}"
  assert_file_exists "$object"
  chmod u+w "$object"
  python3 - "$object" <<'PY'
import sys
path = sys.argv[1]
with open(path, "r+b") as f:
    f.seek(1000)
    byte = f.read(1)
    f.seek(1000)
    f.write(bytes([byte[0] ^ 0xFF]))
PY
  assert_fails 1 mreg get fraud -o out
  assert_contains "$ERR" "corrupt"
  if [ -d out ]; then
    assert_eq "" "$(find out -type f)" "files written despite a corrupt object"
  fi
}

test_get_json_has_the_documented_keys() {
  registry_with_versions
  run_ok mreg get fraud -o out --json
  assert_json "$OUT" \
    'has_keys(d, ["directory", "files", "bytes_written"])' \
    'sorted(f["path"] for f in d["files"]) == ["config/params.json", "model.bin"]' \
    'all(has_keys(f, ["path", "status"]) and f["status"] == "written" for f in d["files"])' \
    'd["bytes_written"] == 250300' \
    'd["directory"].endswith("out")'
}

test_quiet_get_prints_nothing() {
  registry_with_versions
  run_ok mreg -q get fraud -o out
  assert_eq "" "$OUT"
  assert_eq "" "$ERR"
  assert_file_eq v2/model.bin out/model.bin
}

test_get_works_after_the_inputs_are_gone() {
  registry_with_versions
  cp v2/model.bin saved.bin
  rm -rf v1 v2
  run_ok mreg get fraud -o out
  assert_file_eq saved.bin out/model.bin
}

test_get_refuses_symlinks_inside_the_output_directory() {
  registry_with_versions
  mkdir -p out ../elsewhere
  ln -s "$(cd ../elsewhere && pwd)" out/config
  assert_fails 1 mreg get fraud@0.1.0 -o out
  assert_contains "$ERR" "symbolic link"
  assert_no_file ../elsewhere/params.json
  assert_no_file out/model.bin
  # A link standing where a file goes is refused too, and its target is left alone.
  rm out/config
  echo "keep me" >../elsewhere/target
  ln -s "$(cd ../elsewhere && pwd)/target" out/model.bin
  assert_fails 1 mreg get fraud@0.1.0 -o out --force
  assert_eq "keep me" "$(cat ../elsewhere/target)" "the link's target"
}

test_get_refuses_a_committed_path_that_escapes_the_output_directory() {
  registry_with_versions
  # A model.yaml edited by hand to point outside, committed and tagged with git alone.
  sed -i 's|path: model.bin|path: ../escape.bin|' models/fraud/model.yaml
  sed -i 's|^version: .*|version: 9.0.0|' models/fraud/model.yaml
  git add models/fraud/model.yaml
  git -c core.hooksPath=/dev/null commit -qm "hand edit"
  git tag -a "fraud@v9.0.0" -m "register fraud v9.0.0"
  assert_fails 1 mreg get fraud@9.0.0 -o out
  assert_contains "$ERR" "../escape.bin"
  assert_no_file escape.bin
  assert_no_file out
}

run_tests "$@"
