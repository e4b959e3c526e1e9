// Reading and writing small files in the work tree (mreg.yaml, model.yaml).
//
// Writes are atomic (temp file beside the target, then rename), so a killed
// process leaves either the old file or the new one, never a torn one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mreg {

// The file's content; nullopt when it does not exist. Other failures throw Error(io).
std::optional<std::string> read_work_file(const std::filesystem::path& path);
void write_work_file(const std::filesystem::path& path, std::string_view content);

}  // namespace mreg
