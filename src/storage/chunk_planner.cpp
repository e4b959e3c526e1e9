#include "storage/chunk_planner.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mreg/error.hpp"
#include "storage/chunker.hpp"

namespace mreg::chunking {

ChunkPlanner::ChunkPlanner(std::uint64_t file_size, std::optional<TensorLayout> layout)
    : m_file_size(file_size) {
  if (!layout) return;
  m_header_size = std::min(layout->header_size, file_size);
  std::vector<ByteRange> tensors;
  tensors.reserve(layout->tensors.size());
  for (const TensorRange& tensor : layout->tensors) tensors.push_back({tensor.begin, tensor.end});
  std::sort(tensors.begin(), tensors.end(), [](const ByteRange& a, const ByteRange& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  // parse() guarantees a clean tiling; whatever else a caller passes, a
  // tensor that is empty, overlaps an earlier one or lies outside the data
  // is dropped, so that the chunks still cover the file exactly once.
  std::uint64_t covered = m_header_size;
  for (const ByteRange& tensor : tensors) {
    if (tensor.begin < covered || tensor.end <= tensor.begin || tensor.end > file_size) continue;
    m_tensors.push_back(tensor);
    covered = tensor.end;
  }
}

std::uint64_t ChunkPlanner::next_chunk(std::uint64_t pos, std::span<const std::uint8_t> bytes) const {
  if (pos >= m_file_size) return 0;
  if (pos < m_header_size) return std::min<std::uint64_t>(max_size, m_header_size - pos);
  const std::size_t tensor = first_tensor_ending_after(pos);
  if (holds(tensor, pos)) return tensor_chunk(tensor, pos);

  const std::uint64_t needed = std::min<std::uint64_t>(max_size, uncovered_end(tensor) - pos);
  if (bytes.size() < needed) {
    throw Error(ErrorCode::invalid,
                fmt::format("chunk planner: {} bytes given at offset {}, the cut needs {}", bytes.size(), pos, needed));
  }
  // Only the stretch is shown, so that a cut never lands inside the next
  // tensor and the same bytes give the same cut however many follow them.
  return content_cut(bytes.first(static_cast<std::size_t>(needed)));
}

std::uint64_t ChunkPlanner::bytes_needed(std::uint64_t pos) const {
  if (pos >= m_file_size || pos < m_header_size) return 0;
  const std::size_t tensor = first_tensor_ending_after(pos);
  if (holds(tensor, pos)) return 0;
  return std::min<std::uint64_t>(max_size, uncovered_end(tensor) - pos);
}

std::size_t ChunkPlanner::first_tensor_ending_after(std::uint64_t pos) const {
  // The tensors are disjoint and sorted, so their ends are sorted too.
  const auto found =
      std::upper_bound(m_tensors.begin(), m_tensors.end(), pos,
                       [](std::uint64_t offset, const ByteRange& tensor) { return offset < tensor.end; });
  return static_cast<std::size_t>(found - m_tensors.begin());
}

bool ChunkPlanner::holds(std::size_t tensor, std::uint64_t pos) const {
  return tensor < m_tensors.size() && m_tensors[tensor].begin <= pos;
}

std::uint64_t ChunkPlanner::uncovered_end(std::size_t next_tensor) const {
  return next_tensor < m_tensors.size() ? m_tensors[next_tensor].begin : m_file_size;
}

std::uint64_t ChunkPlanner::tensor_chunk(std::size_t tensor, std::uint64_t pos) const {
  const ByteRange& holder = m_tensors[tensor];
  if (holder.end - holder.begin >= min_size) {
    // Fixed steps from the tensor's start, not a rolling hash: a changed
    // tensor is rewritten whole, so content-defined cuts would buy nothing
    // and cost a scan.
    const std::uint64_t into_piece = (pos - holder.begin) % max_size;
    return std::min<std::uint64_t>(holder.end - pos, max_size - into_piece);
  }
  std::uint64_t end = holder.end;
  for (std::size_t next = tensor + 1; next < m_tensors.size(); ++next) {
    const ByteRange& candidate = m_tensors[next];
    const bool tiny = candidate.end - candidate.begin < min_size;
    if (candidate.begin != end || !tiny || candidate.end - pos > normal_size) break;
    end = candidate.end;
  }
  return end - pos;
}

}  // namespace mreg::chunking
