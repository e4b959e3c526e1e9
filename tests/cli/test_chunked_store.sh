#!/usr/bin/env bash
# The storage engine end to end: files over 64 MiB stored as chunks and a
# manifest, deduplicated across versions, tensor-aware for safetensors,
# verified on the way out, skipped when unchanged (stat cache), and
# SHA-256 recorded and checked with `integrity: sha256`.
# shellcheck source=lib.sh
source "${MREG_TEST_LIB:-$(dirname "$0")/lib.sh}"

MIB=1048576
MAKE_SAFETENSORS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/make_safetensors.py"
MAKE_GGUF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/make_gguf.py"

bytes_new_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_new"])' <<<"$1"; }

test_large_file_is_stored_as_chunks_and_comes_back_identical() {
  new_registry
  random_file model.bin $((100 * MIB + 12345))
  run_ok mreg register big model.bin --json
  assert_json "$OUT" 'd["bytes_total"] == 100 * 1048576 + 12345' 'd["bytes_new"] == d["bytes_total"]'
  local digest
  digest=$(xxh128_of model.bin)
  if [ -n "$digest" ]; then
    assert_file_exists ".git/mreg/manifests/${digest#xxh128:}"
  fi
  assert_eq 1 "$(find .git/mreg/manifests -type f | wc -l | tr -d ' ')" "one manifest"
  # No object is larger than 64 MiB, and the chunks are the file's bytes.
  assert_eq "" "$(find .git/mreg/objects -type f -size +65536k)" "objects over 64 MiB"
  [ "$(count_objects)" -ge 7 ] || fail "expected at least 7 chunks of at most 16 MiB, found $(count_objects)"
  assert_eq $((100 * MIB + 12345)) "$(find .git/mreg/objects -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')" \
    "chunk bytes"
  run_ok mreg get big -o out
  assert_file_eq model.bin out/model.bin
  run_ok mreg verify big
}

test_a_small_edit_stores_only_nearby_chunks() {
  new_registry
  random_file model.bin $((120 * MIB))
  run_ok mreg register big model.bin
  # Overwrite one byte near the start...
  printf 'X' | dd of=model.bin bs=1 seek=1000 conv=notrunc status=none
  run_ok mreg register big model.bin --json
  local new
  new=$(bytes_new_of "$OUT")
  [ "$new" -le $((32 * MIB)) ] || fail "a 1-byte change stored $new new bytes"
  # ...then insert 7 bytes near the start: every later byte moves.
  { head -c 5000 model.bin; printf 'INSERTD'; tail -c +5001 model.bin; } >shifted.bin
  run_ok mreg register big shifted.bin --json
  new=$(bytes_new_of "$OUT")
  [ "$new" -le $((32 * MIB)) ] || fail "a 7-byte insertion stored $new new bytes of 120 MiB"
  run_ok mreg get big@0.3.0 -o v3
  assert_file_eq shifted.bin v3/shifted.bin
  run_ok mreg get big@0.2.0 -o v2
  assert_file_eq model.bin v2/model.bin
}

# Registers llm from FILE made by MAKER (MIB, TENSORS), then again after a
# "fine-tune" rewrote 10 % of the tensors: more than 5 % and at most 12 % of
# the bytes may be new (chunked by content alone, about half would be).
register_a_fine_tune() {  # MAKER FILE MIB TENSORS
  python3 "$1" "$2" "$3" "$4"
  run_ok mreg register llm "$2"
  python3 "$1" "$2" "$3" "$4" --changed 0.1
  run_ok mreg register llm "$2" --json
  local new total
  new=$(bytes_new_of "$OUT")
  total=$(stat -c %s "$2")
  [ "$new" -le $((total * 12 / 100)) ] || fail "fine-tune of $2 stored $new new bytes of $total"
  [ "$new" -gt $((total * 5 / 100)) ] || fail "the changed tensors of $2 were not stored ($new bytes)"
}

test_fine_tuned_safetensors_store_only_the_changed_tensors() {
  new_registry
  register_a_fine_tune "$MAKE_SAFETENSORS" model.safetensors 160 80
  run_ok mreg get llm -o out
  assert_file_eq model.safetensors out/model.safetensors
  run_ok mreg diff llm@0.1.0 llm@0.2.0 --format json
  assert_json "$OUT" \
    'len([t for a in d["artifacts"] for t in a.get("tensors", {}).get("changes", [])]) == 8' \
    'all(t["change"] == "changed" for a in d["artifacts"] for t in a.get("tensors", {}).get("changes", []))' \
    'd["artifacts"][0]["tensors"]["unchanged"] == 72'
  run_ok mreg diff llm@0.1.0 llm@0.2.0
  assert_contains "$OUT" "layers.0005.weight"
  assert_contains "$OUT" "8 tensors changed"
}

test_malformed_safetensors_header_is_chunked_by_content_with_a_warning() {
  new_registry
  { printf '\x00\x10\x00\x00\x00\x00\x00\x00{"a": [1, 2'; head -c $((70 * MIB)) /dev/urandom; } >bad.safetensors
  run_ok mreg register bad bad.safetensors
  assert_contains "$ERR" "warning: bad.safetensors"
  assert_contains "$ERR" "chunked by content"
  run_ok mreg get bad -o out
  assert_file_eq bad.safetensors out/bad.safetensors
}

test_fine_tuned_gguf_stores_only_the_changed_tensors() {
  new_registry
  register_a_fine_tune "$MAKE_GGUF" model.gguf 100 50
  run_ok mreg get llm -o out
  assert_file_eq model.gguf out/model.gguf
  run_ok mreg get llm@0.1.0 -o v1
  python3 "$MAKE_GGUF" expected.gguf 100 50
  assert_file_eq expected.gguf v1/model.gguf
  # diff names the 5 rewritten tensors (every 10th, from blk.5) from the headers and chunk digests.
  run_ok mreg diff llm@0.1.0 llm@0.2.0 --format json
  assert_json "$OUT" \
    'sorted(t["name"] for t in d["artifacts"][0]["tensors"]["changes"]) == ["blk.15.weight", "blk.25.weight", "blk.35.weight", "blk.45.weight", "blk.5.weight"]' \
    'all(t["change"] == "changed" and t["before"] == t["after"] for t in d["artifacts"][0]["tensors"]["changes"])' \
    'd["artifacts"][0]["tensors"]["unchanged"] == 45' \
    'd["artifacts"][0]["tensors"]["metadata_changed"] is False'
  # Same tensors, another vocabulary: only the key/values changed.
  python3 "$MAKE_GGUF" model.gguf 100 50 --changed 0.1 --vocab 20001
  run_ok mreg register llm model.gguf
  run_ok mreg diff llm@0.2.0 llm@0.3.0
  assert_contains "$OUT" "no tensor changed, 50 unchanged; header metadata changed"
}

test_malformed_gguf_header_is_chunked_by_content_with_a_warning() {
  new_registry
  # Claims 2^40 tensors.
  { printf 'GGUF\x03\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00';
    head -c $((70 * MIB)) /dev/urandom; } >bad.gguf
  run_ok mreg register bad bad.gguf
  assert_contains "$ERR" "warning: bad.gguf"
  assert_contains "$ERR" "not a valid GGUF file"
  assert_contains "$ERR" "tensors declared"
  run_ok mreg get bad -o out
  assert_file_eq bad.gguf out/bad.gguf
}

test_corrupt_or_missing_chunk_fails_get_and_writes_nothing() {
  new_registry
  random_file model.bin $((80 * MIB))
  run_ok mreg register big model.bin
  local chunk
  chunk=$(find .git/mreg/objects -type f | sort | head -n 1)
  chmod u+w "$chunk"
  printf 'Z' | dd of="$chunk" bs=1 seek=100 conv=notrunc status=none
  assert_fails 1 mreg get big -o out
  assert_contains "$ERR" "corrupt"
  assert_no_file out/model.bin
  assert_no_file "$chunk"
  assert_file_exists ".git/mreg/corrupt/$(basename "$(dirname "$chunk")")$(basename "$chunk")"
  # Now the chunk is missing altogether.
  assert_fails 1 mreg get big -o out
  assert_contains "$ERR" "not in the local store"
  assert_no_file out/model.bin
  # Adding the file again restores it.
  run_ok mreg add big model.bin
  run_ok mreg get big -o out
  assert_file_eq model.bin out/model.bin
}

test_unchanged_file_is_not_read_again() {
  new_registry
  random_file model.bin $((70 * MIB))
  # The stat cache trusts only files whose mtime and ctime are 2 s old.
  sleep 2.2
  run_ok mreg add big model.bin --json
  assert_json "$OUT" 'd["bytes_hashed"] == 70 * 1048576'
  run_ok mreg add big model.bin --json
  assert_json "$OUT" 'd["bytes_hashed"] == 0' 'd["bytes_total"] == 70 * 1048576'
  # Same size, same mtime, new content: ctime gives it away.
  local mtime
  mtime=$(stat -c %y model.bin)
  printf 'Q' | dd of=model.bin bs=1 seek=10 conv=notrunc status=none
  touch -d "$mtime" model.bin
  run_ok mreg register big model.bin --json
  assert_json "$OUT" 'd["bytes_hashed"] == 70 * 1048576'
  run_ok mreg get big -o out
  assert_file_eq model.bin out/model.bin
}

test_sha256_integrity_is_recorded_and_checked() {
  new_registry
  sed -i 's/^integrity: .*//' mreg.yaml
  echo "integrity: sha256" >>mreg.yaml
  git commit -qam "integrity: sha256"
  random_file small.bin 5000
  random_file large.bin $((66 * MIB))
  run_ok mreg register secure small.bin large.bin
  run_ok mreg show secure --json
  assert_json "$OUT" \
    "{a['path']: a['sha256'] for a in d['metadata']['artifacts']} == {'small.bin': '$(sha256sum small.bin | cut -d' ' -f1)', 'large.bin': '$(sha256sum large.bin | cut -d' ' -f1)'}"
  run_ok mreg get secure -o out
  assert_file_eq large.bin out/large.bin
  # A recorded SHA-256 that the bytes do not have is refused, though xxh128 matches.
  run_ok mreg add secure small.bin
  sed -i "s/sha256: $(sha256sum small.bin | cut -d' ' -f1)/sha256: $(printf '0%.0s' $(seq 64))/" models/secure/model.yaml
  run_ok mreg register secure
  assert_fails 1 mreg get secure -o forged
  assert_contains "$ERR" "SHA-256"
  assert_no_file forged/small.bin
  # A draft without SHA-256 is refused while integrity: sha256 is set.
  sed -i '/sha256:/d' models/secure/model.yaml
  assert_fails 1 mreg register secure
  assert_contains "$ERR" "sha256"
}

run_tests "$@"
