// Model references and the git ref names mreg reads and writes.
//
// This is the one place where tag and branch names are built and parsed
// (DESIGN §2):
//   version tag       refs/tags/<name>@v<version>
//   deprecation tag   refs/tags/<name>@v<version>!
//   stage branch      refs/heads/<prefix><stage>   (prefix "stage/" by default)
// and where the user-facing reference syntax is parsed:
//   NAME | NAME@latest | NAME@1.3.0 | NAME@v1.3.0 | NAME#STAGE
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mreg/version.hpp"

namespace mreg {

struct ModelRef {
  enum class Kind { latest, version, stage };

  std::string name;
  Kind kind = Kind::latest;
  std::optional<Version> version;  // set when kind == version
  std::string stage;               // set when kind == stage

  // Throws Error(invalid) naming the argument and the accepted forms.
  static ModelRef parse(std::string_view text);
  std::string str() const;  // canonical: "name", "name@1.3.0", "name#production"
};

// Stage names follow the model-name segment rule (no '/').
std::optional<std::string> stage_name_problem(std::string_view stage);

std::string version_tag_name(std::string_view model, const Version& version);      // "m@v1.3.0"
std::string deprecation_tag_name(std::string_view model, const Version& version);  // "m@v1.3.0!"
std::string tag_ref(std::string_view tag_name);                                    // "refs/tags/..."
std::string stage_branch_name(std::string_view prefix, std::string_view stage);    // "stage/production"
std::string branch_ref(std::string_view branch_name);                              // "refs/heads/..."

struct ParsedTag {
  std::string model;
  Version version;
  bool deprecation = false;  // the "<name>@v<version>!" form
};

// Parses a tag's short name (without "refs/tags/"). Returns nullopt for tags
// that are not mreg's (release tags of the code, malformed names); never throws.
std::optional<ParsedTag> parse_tag_name(std::string_view tag_name);

}  // namespace mreg
