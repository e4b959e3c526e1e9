// Sizes as people read them: "512 B", "1.5 KiB", "12.3 MiB". One formatter
// for the CLI's messages and the library's reports, so they always agree.
#pragma once

#include <cstdint>
#include <string>

namespace mreg {

std::string human_bytes(std::uint64_t bytes);

}  // namespace mreg
