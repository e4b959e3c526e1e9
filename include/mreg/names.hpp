// Model names (DESIGN §2).
//
// A name is one or more '/'-separated segments, each matching
// [a-z0-9]([a-z0-9._-]*[a-z0-9])?, at most 128 characters in all, no segment
// ending in ".lock". Every valid name is also a valid part of a git ref
// name, so tags "<name>@v<version>" built from it are always well formed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mreg {

inline constexpr std::size_t max_model_name_length = 128;

// Why `name` is not a valid model name (a sentence naming the broken rule
// and quoting the offending part), or nullopt when it is valid.
std::optional<std::string> model_name_problem(std::string_view name);

// Throws Error(invalid) with model_name_problem()'s explanation.
void check_model_name(std::string_view name);

// Why `path` is not an acceptable artifact path (relative, '/'-separated,
// normalized: no empty, "." or ".." segments, no leading '/', no '\\' or NUL
// or control characters, at most 4096 bytes), or nullopt when it is.
std::optional<std::string> artifact_path_problem(std::string_view path);

}  // namespace mreg
