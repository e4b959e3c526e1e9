// What push and fetch print: one line for people, or their --json.
#pragma once

#include <string_view>

#include "mreg/registry.hpp"

namespace mreg::cli {

// "pushed 12 objects (1.0 GiB) to origin, 3 already there, in 2.1 s (480 MiB/s)"
void print_transfer(const TransferReport& report, std::string_view verb, bool json);

}  // namespace mreg::cli
