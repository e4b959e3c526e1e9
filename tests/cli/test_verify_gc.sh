#!/usr/bin/env bash
# mreg verify and mreg gc: verify finds missing and corrupt objects; gc deletes
# exactly what no tag, branch or draft needs, and nothing young.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

# The digest of artifact PATH in the JSON document on stdin (show --json or add --json).
artifact_digest() {  # PATH
  python3 -c 'import json,sys
d = json.load(sys.stdin)
artifacts = d["metadata"]["artifacts"] if "metadata" in d else d["artifacts"]
print([a["digest"] for a in artifacts if a["path"] == sys.argv[1]][0])' "$1"
}

digest_of_version() {  # REF PATH
  run_ok mreg show "$1" --json
  printf '%s' "$OUT" | artifact_digest "$2"
}

object_file() {  # DIGEST
  local hex=${1#xxh128:}
  echo ".git/mreg/objects/${hex:0:2}/${hex:2}"
}

# Every file of the store that gc may delete, one relative path a line, sorted.
store_files() {
  find .git/mreg -path .git/mreg/corrupt -prune -o -type f \
    \( -path '.git/mreg/objects/*' -o -path '.git/mreg/manifests/*' -o -path '.git/mreg/tmp/*' \) -print | sort
}

# Python expression over the gc/verify JSON in $OUT, printed.
json_value() {  # EXPRESSION
  printf '%s' "$OUT" | python3 -c "import json,sys
d = json.load(sys.stdin)
print($1)"
}

# The paths that a `gc --json` run deleted (or would), relative to the work tree, sorted.
gc_deleted_paths() {
  printf '%s' "$OUT" | python3 -c 'import json,os,sys
d = json.load(sys.stdin)
for item in d["deleted"]["items"]:
    print(os.path.relpath(item["path"]))' | sort
}

flip_byte() {  # FILE OFFSET
  chmod u+w "$1"
  python3 - "$1" "$2" <<'PY'
import sys
path, offset = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(offset)
    byte = f.read(1)
    f.seek(offset)
    f.write(bytes([byte[0] ^ 0xFF]))
PY
}

# A registry where some stored files are needed and others are not:
#   needed:  fraud 0.1.0 (a.bin), 0.2.0 (b.bin, deprecated), 0.3.0 (big.bin,
#            70 MiB: chunked once the store chunks), vision/resnet 1.0.0
#            (r.bin), and f.bin, held only by stage/staging after its tag and
#            commit were thrown away;
#   not needed: d.bin (its tag deleted, its commit reset away) and e.bin
#            (a draft thrown away with git checkout).
# Sets NEEDED (digests, one a line) and UNNEEDED.
registry_with_garbage() {
  new_registry
  random_file in/a.bin 200000
  random_file in/b.bin 150000
  head -c 73400320 /dev/urandom >in/big.bin
  random_file in/r.bin 120000
  random_file in/d.bin 180000
  random_file in/e.bin 170000
  random_file in/f.bin 160000
  run_ok mreg register fraud in/a.bin
  run_ok mreg register fraud in/b.bin
  run_ok mreg register fraud in/big.bin
  run_ok mreg register vision/resnet in/r.bin --version 1.0.0
  run_ok mreg deprecate fraud@0.2.0 -m "leaks labels"
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg promote fraud@0.1.0 production
  run_ok mreg demote fraud production

  local a b big r d e f
  a=$(digest_of_version fraud@0.1.0 a.bin)
  b=$(digest_of_version fraud@0.2.0 b.bin)
  big=$(digest_of_version fraud@0.3.0 big.bin)
  r=$(digest_of_version vision/resnet@1.0.0 r.bin)

  run_ok mreg register fraud in/f.bin
  f=$(digest_of_version fraud@0.4.0 f.bin)
  run_ok mreg promote fraud@0.4.0 staging
  git tag -d fraud@v0.4.0 >/dev/null
  git reset -q --hard HEAD~1

  run_ok mreg register fraud in/d.bin
  d=$(digest_of_version fraud@0.4.0 d.bin)
  git tag -d fraud@v0.4.0 >/dev/null
  git reset -q --hard HEAD~1

  run_ok mreg add fraud in/e.bin --json
  e=$(printf '%s' "$OUT" | artifact_digest e.bin)
  git checkout -q HEAD -- models/fraud

  NEEDED=$(printf '%s\n' "$a" "$b" "$big" "$r" "$f")
  UNNEEDED=$(printf '%s\n' "$d" "$e")
}

test_gc_deletes_exactly_what_nothing_needs() {
  registry_with_garbage
  local before dry_paths after digest
  before=$(store_files)

  run_ok mreg gc --dry-run --grace 0 --json
  assert_eq "$before" "$(store_files)" "files deleted by a dry run"
  assert_json "$OUT" 'd["dry_run"] is True' 'd["young"]["count"] == 0' \
    'd["deleted"]["count"] >= 2' 'd["reachable"]["count"] >= 5' \
    "d[\"deleted\"][\"count\"] + d[\"reachable\"][\"count\"] == $(printf '%s\n' "$before" | wc -l)"
  for digest in $UNNEEDED; do
    assert_json "$OUT" "'$digest' in [i['id'] for i in d['deleted']['items']]"
  done
  for digest in $NEEDED; do
    assert_json "$OUT" "'$digest' not in [i['id'] for i in d['deleted']['items']]"
  done
  dry_paths=$(gc_deleted_paths)

  run_ok mreg gc --grace 0 --json
  assert_json "$OUT" 'd["dry_run"] is False'
  assert_eq "$dry_paths" "$(gc_deleted_paths)" "what gc deleted vs what the dry run listed"
  after=$(store_files)
  assert_eq "$dry_paths" "$(comm -23 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))" \
    "files gone from the store"
  assert_eq "" "$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))" "files new in the store"
  for digest in $UNNEEDED; do assert_no_file "$(object_file "$digest")"; done

  run_ok mreg get fraud@0.1.0 -o out1
  assert_file_eq in/a.bin out1/a.bin
  run_ok mreg get fraud@0.2.0 -o out2
  assert_file_eq in/b.bin out2/b.bin
  run_ok mreg get fraud@0.3.0 -o out3
  assert_file_eq in/big.bin out3/big.bin
  run_ok mreg get vision/resnet@1.0.0 -o outr
  assert_file_eq in/r.bin outr/r.bin
  # Only stage/staging still names f.bin (its tag is gone, so the stage's
  # copy is no registered version any more, but the branch holds it).
  assert_file_exists "$(object_file "$(printf '%s\n' "$NEEDED" | tail -1)")"
  run_ok mreg verify

  run_ok mreg gc --grace 0 --json
  assert_json "$OUT" 'd["deleted"]["count"] == 0'
}

test_gc_text_output_counts_and_lists_with_verbose() {
  registry_with_garbage
  local d_object
  d_object=$(object_file "$(printf '%s\n' "$UNNEEDED" | head -1)")
  run_ok mreg gc --dry-run --grace 0
  assert_matches "$OUT" '^would delete [0-9]+ objects?.*: [0-9.]+ [KMG]?i?B$'
  assert_matches "$OUT" '^kept [0-9]+ needed'
  assert_not_contains "$OUT" "$d_object"
  assert_file_exists "$d_object"
  run_ok mreg -v gc --dry-run --grace 0
  assert_matches "$OUT" "^would delete /.*/$d_object \("
  run_ok mreg gc --grace 0 -v
  assert_matches "$OUT" "^deleted /.*/$d_object \("
  assert_no_file "$d_object"
  run_ok mreg -q gc --grace 0
  assert_eq "" "$OUT"
}

test_unneeded_objects_younger_than_the_grace_period_survive() {
  new_registry
  random_file in/a.bin 100000
  random_file in/b.bin 110000
  run_ok mreg register fraud in/a.bin
  run_ok mreg register fraud in/b.bin
  local b
  b=$(digest_of_version fraud@0.2.0 b.bin)
  git tag -d fraud@v0.2.0 >/dev/null
  git reset -q --hard HEAD~1

  run_ok mreg gc --json
  assert_json "$OUT" 'd["grace_seconds"] == 86400' 'd["deleted"]["count"] == 0' \
    "'$b' in [i['id'] for i in d['young']['items']]"
  assert_file_exists "$(object_file "$b")"
  run_ok mreg gc
  assert_matches "$OUT" 'younger than the grace period \(1d\)'

  touch -d '2 days ago' "$(object_file "$b")"
  run_ok mreg gc --grace 3d --json
  assert_json "$OUT" 'd["deleted"]["count"] == 0'
  run_ok mreg gc --json
  assert_json "$OUT" "[i['id'] for i in d['deleted']['items']] == ['$b']"
  assert_no_file "$(object_file "$b")"
  run_ok mreg verify
}

test_leftover_temp_files_go_once_old() {
  new_registry
  random_file in/a.bin 100000
  run_ok mreg register fraud in/a.bin
  mkdir -p .git/mreg/tmp
  printf 'half a crashed write' >.git/mreg/tmp/object-Xy12Zw
  printf 'a write in progress' >.git/mreg/tmp/object-Ab34Cd
  touch -d '3 days ago' .git/mreg/tmp/object-Xy12Zw
  run_ok mreg gc --json
  assert_json "$OUT" "[(i['kind'], i['id']) for i in d['deleted']['items']] == [('temp', None)]" \
    "[i['kind'] for i in d['young']['items']] == ['temp']"
  assert_no_file .git/mreg/tmp/object-Xy12Zw
  assert_file_exists .git/mreg/tmp/object-Ab34Cd
}

test_drafts_written_by_add_survive_gc() {
  new_registry
  random_file in/a.bin 100000
  random_file in/staged.bin 120000
  random_file in/unstaged.bin 130000
  run_ok mreg register fraud in/a.bin
  run_ok mreg add fraud in/staged.bin --json
  local staged
  staged=$(printf '%s' "$OUT" | artifact_digest staged.bin)

  run_ok mreg gc --grace 0 --json
  assert_json "$OUT" 'd["deleted"]["count"] == 0'
  assert_file_exists "$(object_file "$staged")"

  # A draft in a second model, written and then unstaged: the work tree still has it.
  run_ok mreg add other in/unstaged.bin --json
  local unstaged
  unstaged=$(printf '%s' "$OUT" | artifact_digest unstaged.bin)
  git reset -q -- models/other
  run_ok mreg gc --grace 0 --json
  assert_json "$OUT" 'd["deleted"]["count"] == 0'
  assert_file_exists "$(object_file "$unstaged")"

  # A staged draft whose work-tree file was then deleted: the index still names it.
  random_file in/index-only.bin 140000
  run_ok mreg add third in/index-only.bin --json
  local index_only
  index_only=$(printf '%s' "$OUT" | artifact_digest index-only.bin)
  rm models/third/model.yaml
  run_ok mreg gc --grace 0 --json
  assert_json "$OUT" 'd["deleted"]["count"] == 0'
  assert_file_exists "$(object_file "$index_only")"

  run_ok mreg register fraud
  run_ok mreg get fraud -o out
  assert_file_eq in/staged.bin out/staged.bin
}

test_drafts_in_other_worktrees_and_the_stash_survive_gc() {
  new_registry
  random_file in/a.bin 100000
  random_file "$TEST_DIR/w.bin" 110000
  random_file in/s.bin 120000
  run_ok mreg register fraud in/a.bin
  git worktree add -q "$TEST_DIR/feature" -b feature
  (cd "$TEST_DIR/feature" && run_ok mreg add fraud "$TEST_DIR/w.bin")
  run_ok mreg add other in/s.bin
  git stash -q
  assert_no_file models/other/model.yaml

  run_ok mreg gc --grace 0 --json
  assert_json "$OUT" 'd["deleted"]["count"] == 0' 'd["reachable"]["count"] == 3'
  (cd "$TEST_DIR/feature" && run_ok mreg gc --grace 0 --json &&
    assert_json "$OUT" 'd["deleted"]["count"] == 0')

  git stash drop -q
  run_ok mreg gc --grace 0 --json
  assert_json "$OUT" 'd["deleted"]["count"] == 1' 'd["reachable"]["count"] == 2'
}

test_gc_deletes_nothing_while_a_model_yaml_cannot_be_read() {
  new_registry
  random_file in/a.bin 100000
  random_file in/b.bin 110000
  run_ok mreg register fraud in/a.bin
  run_ok mreg register fraud in/b.bin
  git tag -d fraud@v0.2.0 >/dev/null
  git reset -q --hard HEAD~1
  local before
  before=$(store_files)
  mkdir -p models/broken
  printf 'schema: 1\nname: broken\nartifacts: [\n' >models/broken/model.yaml

  assert_fails 1 mreg gc --grace 0
  assert_contains "$ERR" "gc deleted nothing"
  assert_contains "$ERR" "models/broken/model.yaml"
  assert_eq "$before" "$(store_files)" "files deleted despite an unreadable model.yaml"
  rm -r models/broken
  run_ok mreg gc --grace 0 --json
  assert_json "$OUT" 'd["deleted"]["count"] == 1'
}

test_gc_refuses_a_store_shared_through_mreg_cache_dir() {
  new_registry
  random_file in/a.bin 100000
  export MREG_CACHE_DIR="$TEST_DIR/shared"
  run_ok mreg register fraud in/a.bin
  assert_fails 1 mreg gc --grace 0
  assert_contains "$ERR" "MREG_CACHE_DIR"
  assert_eq 1 "$(find "$TEST_DIR/shared/objects" -type f | wc -l | tr -d ' ')"
}

test_grace_takes_durations_and_refuses_anything_else() {
  new_registry
  local grace
  for grace in 0 30s 10m 2h 1d 45; do
    run_ok mreg gc --dry-run --grace "$grace"
  done
  run_ok mreg gc --dry-run --grace 10m --json
  assert_json "$OUT" 'd["grace_seconds"] == 600'
  assert_fails 2 mreg gc --grace 5x
  assert_contains "$ERR" "--grace"
  assert_fails 2 mreg gc --grace -1d
}

test_verify_passes_on_an_intact_store() {
  new_registry
  random_file in/a.bin 100000
  random_file in/b.bin 110000
  run_ok mreg register fraud in/a.bin
  run_ok mreg register fraud in/b.bin
  run_ok mreg promote fraud@0.1.0 staging
  run_ok mreg verify
  assert_matches "$OUT" '^ok +fraud@0\.1\.0$'
  assert_matches "$OUT" '^ok +fraud@0\.2\.0$'
  assert_matches "$OUT" '^2 version\(s\) intact: 2 file\(s\)'
  run_ok mreg -v verify fraud@0.1.0
  assert_matches "$OUT" '^  ok +a\.bin xxh128:[0-9a-f]{32}$'
  assert_not_contains "$OUT" "fraud@0.2.0"
  run_ok mreg verify 'fraud#staging' --json
  assert_json "$OUT" 'd["ok"] is True' 'len(d["versions"]) == 1' 'd["versions"][0]["version"] == "0.1.0"' \
    'd["files_checked"] == 1' 'd["bytes_checked"] == 100000'
  assert_fails 1 mreg verify fraud@9.9.9
}

test_verify_reports_a_corrupt_object() {
  new_registry
  random_file in/model.bin 200000
  random_file in/config.json 300
  run_ok mreg register fraud in/model.bin in/config.json
  local digest object
  digest=$(digest_of_version fraud@0.1.0 model.bin)
  object=$(object_file "$digest")
  flip_byte "$object" 1000

  assert_fails 1 mreg verify
  assert_matches "$OUT" '^FAIL fraud@0\.1\.0$'
  assert_matches "$OUT" "^  corrupt +model\.bin $digest\$"
  assert_contains "$OUT" "$digest"
  assert_not_contains "$OUT" "config.json"
  assert_contains "$ERR" "1 corrupt in 1 version(s)"
  assert_contains "$ERR" "mreg fetch"
  # The corrupt object was moved aside, so it is now missing.
  assert_no_file "$object"
  assert_fails 1 mreg verify --json
  assert_json "$OUT" 'd["ok"] is False' \
    '[a["status"] for a in d["versions"][0]["artifacts"] if a["path"] == "model.bin"] == ["missing"]'
}

test_verify_reports_a_deleted_object_with_its_path() {
  new_registry
  random_file in/model.bin 200000
  random_file in/config.json 300
  run_ok mreg register fraud in/model.bin in/config.json
  local digest
  digest=$(digest_of_version fraud@0.1.0 model.bin)
  rm -f "$(object_file "$digest")"

  assert_fails 1 mreg verify fraud
  assert_matches "$OUT" "^  missing +model\.bin $digest\$"
  assert_contains "$ERR" "1 file(s) missing"
  assert_contains "$ERR" "mreg add"
  assert_fails 1 mreg verify --json
  assert_json "$OUT" 'd["ok"] is False' 'd["versions"][0]["ok"] is False' \
    '[a["status"] for a in d["versions"][0]["artifacts"]] == ["missing", "ok"] or [a["status"] for a in d["versions"][0]["artifacts"]] == ["ok", "missing"]'
}

test_verify_and_gc_json_have_the_documented_keys() {
  registry_with_garbage
  run_ok mreg verify --json
  assert_json "$OUT" \
    'has_keys(d, ["ok", "versions", "files_checked", "bytes_checked"])' \
    'all(has_keys(v, ["name", "version", "tag", "tag_checked", "ok", "problem", "artifacts"]) for v in d["versions"])' \
    'all(has_keys(a, ["path", "digest", "size", "status", "problem"]) for v in d["versions"] for a in v["artifacts"])' \
    'sorted(v["tag"] for v in d["versions"]) == ["fraud@v0.1.0", "fraud@v0.2.0", "fraud@v0.3.0", "vision/resnet@v1.0.0"]'
  run_ok mreg gc --dry-run --json
  assert_json "$OUT" \
    'has_keys(d, ["dry_run", "grace_seconds", "deleted", "young", "reachable", "metadata_files"])' \
    'has_keys(d["deleted"], ["count", "bytes", "items"])' 'has_keys(d["young"], ["count", "bytes", "items"])' \
    'has_keys(d["reachable"], ["count", "bytes"])' \
    'all(has_keys(i, ["kind", "id", "path", "size", "mtime"]) for i in d["young"]["items"])' \
    'd["young"]["count"] >= 2'
}

run_tests "$@"
