// The segment rule shared by model names, stage names and remote names
// (DESIGN §2): [a-z0-9]([a-z0-9._-]*[a-z0-9])?, no "..", not ending in
// ".lock". Keeping it in one place keeps every name mreg puts into a git ref
// name valid for git.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mreg {

// Why `segment` breaks the rule, as a clause that quotes it
// ("segment \"Fraud\" must be lowercase ..."), or nullopt when it is valid.
std::optional<std::string> name_segment_problem(std::string_view segment);

}  // namespace mreg
