#include "core/tensor_diff.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mreg/error.hpp"
#include "storage/gguf.hpp"
#include "storage/safetensors.hpp"

namespace mreg {
namespace {

enum class TensorFormat { safetensors, gguf };

std::optional<TensorFormat> tensor_format(const Artifact& artifact) {
  if (artifact.format == "safetensors" || artifact.path.ends_with(".safetensors")) return TensorFormat::safetensors;
  if (artifact.format == "gguf" || artifact.path.ends_with(".gguf")) return TensorFormat::gguf;
  return std::nullopt;
}

// Byte ranges of one stored file, read through the store (so verified): a
// single object is read once; a chunked file one chunk at a time, keeping
// the last one, since the tiny tensors that need reading sit side by side.
class StoredFile {
 public:
  StoredFile(const BlobStore& store, const Artifact& artifact)
      : m_store(store), m_digest(artifact.digest), m_size(artifact.size), m_manifest(store.read_manifest(m_digest)) {
    if (!m_manifest) return;
    std::uint64_t offset = 0;
    for (const auto& chunk : m_manifest->chunks) {
      m_chunk_starts.push_back(offset);
      offset += chunk.size;
    }
  }

  std::uint64_t size() const { return m_size; }

  std::string read(std::uint64_t begin, std::uint64_t end) {
    if (!m_manifest) {
      if (!m_whole) m_whole = m_store.read(m_digest);
      return m_whole->substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin));
    }
    std::string bytes;
    for (std::size_t index = chunk_at(begin); index < m_chunk_starts.size() && m_chunk_starts[index] < end; ++index) {
      const std::string& chunk = chunk_bytes(index);
      const std::uint64_t start = m_chunk_starts[index];
      const std::uint64_t from = std::max(begin, start) - start;
      const std::uint64_t to = std::min<std::uint64_t>(end, start + chunk.size()) - start;
      bytes.append(chunk, static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
    }
    return bytes;
  }

  // The digests of the chunks that hold exactly [begin, end), or nullopt
  // when the range does not start and end on chunk boundaries.
  std::optional<std::string> chunks_of(std::uint64_t begin, std::uint64_t end) const {
    if (!m_manifest || begin == end) return std::nullopt;
    const std::size_t first = chunk_at(begin);
    if (m_chunk_starts[first] != begin) return std::nullopt;
    std::string digests;
    for (std::size_t index = first; index < m_chunk_starts.size(); ++index) {
      const std::uint64_t chunk_end = m_chunk_starts[index] + m_manifest->chunks[index].size;
      if (chunk_end > end) return std::nullopt;
      digests += m_manifest->chunks[index].digest.hex();
      if (chunk_end == end) return digests;
    }
    return std::nullopt;
  }

 private:
  std::size_t chunk_at(std::uint64_t offset) const {
    const auto after = std::upper_bound(m_chunk_starts.begin(), m_chunk_starts.end(), offset);
    return static_cast<std::size_t>(std::distance(m_chunk_starts.begin(), after)) - 1;
  }

  const std::string& chunk_bytes(std::size_t index) {
    if (m_cached_index != index) {
      m_cached = m_store.read(m_manifest->chunks[index].digest);
      m_cached_index = index;
    }
    return m_cached;
  }

  const BlobStore& m_store;
  Digest m_digest;
  std::uint64_t m_size;
  std::optional<Manifest> m_manifest;
  std::vector<std::uint64_t> m_chunk_starts;
  std::optional<std::string> m_whole;
  std::size_t m_cached_index = static_cast<std::size_t>(-1);
  std::string m_cached;
};

struct ReadHeader {
  TensorLayout layout;
  std::string metadata;  // safetensors: __metadata__ as JSON ("" when absent); GGUF: the key/values' bytes
};

ReadHeader read_safetensors_header(StoredFile& file, const Artifact& artifact) {
  const std::string start = file.read(0, std::min<std::uint64_t>(8, file.size()));
  const auto* start_bytes = reinterpret_cast<const std::uint8_t*>(start.data());
  const auto header_size = safetensors::header_size({start_bytes, start.size()}, file.size());
  if (!header_size.value) throw Error(ErrorCode::invalid, fmt::format("{}: {}", artifact.path, header_size.error));
  const std::string header = file.read(0, *header_size.value);
  const auto* header_bytes = reinterpret_cast<const std::uint8_t*>(header.data());
  auto parsed = safetensors::parse({header_bytes, header.size()}, file.size());
  if (!parsed.value) throw Error(ErrorCode::invalid, fmt::format("{}: {}", artifact.path, parsed.error));
  ReadHeader result{std::move(*parsed.value), ""};
  // parse() has checked the JSON already; this only picks out __metadata__
  // (nlohmann's objects are sorted, so equal metadata dumps equal text).
  const auto json = nlohmann::json::parse(header.begin() + 8, header.end(), nullptr, false);
  if (json.is_object() && json.contains("__metadata__")) result.metadata = json["__metadata__"].dump();
  return result;
}

ReadHeader read_gguf_header(StoredFile& file, const Artifact& artifact) {
  const auto parsed = gguf::parse_file(
      [&](std::uint64_t want) {
        const std::string bytes = file.read(0, want);
        return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
      },
      file.size());
  if (!parsed.layout.value) throw Error(ErrorCode::invalid, fmt::format("{}: {}", artifact.path, parsed.layout.error));
  return {*parsed.layout.value, file.read(gguf::HeaderParse::key_values_begin, parsed.key_values_end)};
}

ReadHeader read_header(StoredFile& file, const Artifact& artifact, TensorFormat format) {
  return format == TensorFormat::gguf ? read_gguf_header(file, artifact) : read_safetensors_header(file, artifact);
}

std::map<std::string, const TensorRange*> by_name(const TensorLayout& layout) {
  std::map<std::string, const TensorRange*> tensors;
  for (const auto& tensor : layout.tensors) tensors.emplace(tensor.name, &tensor);
  return tensors;
}

bool same_bytes(StoredFile& a, const TensorRange& ta, StoredFile& b, const TensorRange& tb) {
  const auto chunks_a = a.chunks_of(ta.begin, ta.end);
  const auto chunks_b = b.chunks_of(tb.begin, tb.end);
  if (chunks_a && chunks_b) return *chunks_a == *chunks_b;
  return digest_of(a.read(ta.begin, ta.end)) == digest_of(b.read(tb.begin, tb.end));
}

TensorDiff diff_files(StoredFile& a, const Artifact& artifact_a, StoredFile& b, const Artifact& artifact_b,
                      TensorFormat format) {
  const ReadHeader header_a = read_header(a, artifact_a, format);
  const ReadHeader header_b = read_header(b, artifact_b, format);
  const auto tensors_a = by_name(header_a.layout);
  const auto tensors_b = by_name(header_b.layout);
  TensorDiff diff;
  diff.metadata_changed = header_a.metadata != header_b.metadata;
  const auto describe = [](TensorChange& change, const TensorRange* before, const TensorRange* after) {
    if (before) {
      change.dtype_before = before->dtype;
      change.shape_before = before->shape;
      change.bytes_before = before->end - before->begin;
    }
    if (after) {
      change.dtype_after = after->dtype;
      change.shape_after = after->shape;
      change.bytes_after = after->end - after->begin;
    }
  };
  for (const auto& [name, before] : tensors_a) {
    const auto found = tensors_b.find(name);
    const TensorRange* after = found == tensors_b.end() ? nullptr : found->second;
    TensorChange change;
    change.name = name;
    change.kind = after ? TensorChange::Kind::changed : TensorChange::Kind::removed;
    if (after && before->dtype == after->dtype && before->shape == after->shape && same_bytes(a, *before, b, *after)) {
      ++diff.unchanged;
      continue;
    }
    describe(change, before, after);
    diff.changes.push_back(std::move(change));
  }
  for (const auto& [name, after] : tensors_b) {
    if (tensors_a.contains(name)) continue;
    TensorChange change;
    change.name = name;
    change.kind = TensorChange::Kind::added;
    describe(change, nullptr, after);
    diff.changes.push_back(std::move(change));
  }
  std::sort(diff.changes.begin(), diff.changes.end(),
            [](const TensorChange& x, const TensorChange& y) { return x.name < y.name; });
  return diff;
}

}  // namespace

void compare_tensors(const BlobStore& store, const Artifact& before, const Artifact& after, ArtifactChange& change) {
  const auto format = tensor_format(before);
  if (change.kind != ArtifactChange::Kind::changed || !format || tensor_format(after) != format) return;
  if (!store.contains(before.digest) || !store.contains(after.digest)) {
    change.tensors_note = "tensors not compared: the files are not in the local store (`mreg fetch` brings them)";
    return;
  }
  try {
    StoredFile a(store, before);
    StoredFile b(store, after);
    change.tensors = diff_files(a, before, b, after, *format);
  } catch (const Error& error) {
    change.tensors_note = fmt::format("tensors not compared: {}", error.what());
  }
}

}  // namespace mreg
