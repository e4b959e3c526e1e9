// File helpers that turn failing system calls into mreg::Error.
//
// Every error names the file and what was being done to it. A file that does
// not exist is Error(not_found); any other refusal by the operating system is
// Error(io). Reads and writes restart after EINTR, and write_all() loops over
// short writes, so a caller sees either the whole request done or an
// exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/unique_fd.hpp"

namespace mreg {

// Throws Error(not_found) for ENOENT/ENOTDIR, else Error(io):
// "cannot <action> <path>: <reason>".
[[noreturn]] void throw_system_error(int error_number, std::string_view action,
                                     const std::filesystem::path& path);

// Opens an existing regular file for reading. A directory, device or FIFO is
// refused with Error(io) rather than read (or, for a FIFO, waited on).
UniqueFd open_regular_file(const std::filesystem::path& path);

std::uint64_t file_size(int fd, const std::filesystem::path& path);

// Up to `size` bytes from the current offset (read) or from `offset`
// (pread); 0 only at the end of the file.
std::size_t read_some(int fd, void* buffer, std::size_t size, const std::filesystem::path& path);
std::size_t pread_some(int fd, void* buffer, std::size_t size, std::uint64_t offset,
                       const std::filesystem::path& path);

// The whole content of a regular file; nullopt when it does not exist.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

void write_all(int fd, const void* data, std::size_t size, const std::filesystem::path& path);

// Closes now and reports the failure that a network filesystem may only
// deliver at close time.
void close_checked(UniqueFd& fd, const std::filesystem::path& path);

// Creates `directory` and its missing parents; an existing one is fine.
void ensure_directory(const std::filesystem::path& directory);

bool regular_file_exists(const std::filesystem::path& path) noexcept;

// Whether `path` still names the file open as `fd` (same device and inode),
// so that a file is never acted on after someone else replaced it.
bool names_same_file(const std::filesystem::path& path, int fd) noexcept;

}  // namespace mreg
