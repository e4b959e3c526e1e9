#include "cli/transfer_output.hpp"

#include <iostream>

#include <fmt/format.h>

#include "cli/output.hpp"

namespace mreg::cli {

void print_transfer(const TransferReport& report, std::string_view verb, bool json) {
  if (json) {
    nlohmann::ordered_json out;
    out["remote"] = report.remote;
    out["files"] = report.files;
    out["objects_sent"] = report.objects_sent;
    out["objects_skipped"] = report.objects_skipped;
    out["bytes_sent"] = report.bytes_sent;
    out["seconds"] = report.seconds;
    print_json(std::cout, out);
    return;
  }
  const double rate = report.seconds > 0 ? static_cast<double>(report.bytes_sent) / report.seconds : 0;
  fmt::print("{} {} object{} ({}) {} {}, {} already there, in {:.1f} s ({}/s)\n", verb, report.objects_sent,
             report.objects_sent == 1 ? "" : "s", human_bytes(report.bytes_sent), verb == "pushed" ? "to" : "from",
             report.remote.empty() ? "the remote" : report.remote, report.objects_skipped, report.seconds,
             human_bytes(static_cast<std::uint64_t>(rate)));
}

}  // namespace mreg::cli
