// Registry::validate: schema and rule checks of mreg.yaml and model.yaml files.
#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "core/registry_impl.hpp"
#include "core/work_tree.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

// Every models/**/model.yaml in the work tree, sorted.
std::vector<fs::path> model_files(const fs::path& models_root) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(models_root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().filename() == "model.yaml") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<Diagnostic> Registry::validate(const std::vector<fs::path>& paths) const {
  const auto& impl = *m_impl;
  std::vector<fs::path> targets = paths;
  if (targets.empty()) {
    targets.push_back(impl.workdir / config_file_name);
    auto models = model_files(impl.workdir / impl.config.models_dir);
    targets.insert(targets.end(), models.begin(), models.end());
  }
  const fs::path models_root = fs::weakly_canonical(impl.workdir / impl.config.models_dir);
  std::vector<Diagnostic> diagnostics;
  for (const auto& target : targets) {
    const fs::path absolute = fs::weakly_canonical(fs::absolute(target));
    // Name files as the user would: relative to the work tree when inside it.
    const auto relative = absolute.lexically_relative(fs::weakly_canonical(impl.workdir));
    const std::string label = relative.empty() || relative.begin()->string() == ".." ? target.string()
                                                                                      : relative.generic_string();
    const auto text = read_work_file(absolute);
    if (!text) {
      diagnostics.push_back({label, 0, 0, "no such file"});
      continue;
    }
    std::vector<Diagnostic> found;
    if (absolute.filename() == config_file_name) {
      found = parse_registry_config(*text, label).diagnostics;
    } else {
      MetadataRules rules;
      rules.required_fields = impl.config.require;
      rules.require_sha256 = impl.config.integrity == Integrity::sha256;
      rules.allow_draft = true;
      // A model's name is its directory below models_dir.
      const auto below_models = absolute.parent_path().lexically_relative(models_root);
      if (!below_models.empty() && below_models.begin()->string() != "..") {
        rules.expected_name = below_models.generic_string();
      }
      found = parse_model_metadata(*text, label, rules).diagnostics;
    }
    diagnostics.insert(diagnostics.end(), found.begin(), found.end());
  }
  return diagnostics;
}

}  // namespace mreg
