// Registry::add and Registry::register_version.
//
// Both start from the same base metadata (the draft in the work tree, else
// the highest registered version's model.yaml, else a fresh one), store the
// given files, apply the metadata flags, and write models/<name>/model.yaml.
// register_version then commits models/<name>/ alone on the current branch
// (the tree is HEAD's with that directory replaced, so the user's other
// staged and unstaged changes stay exactly as they were), tags the commit,
// and updates the index for that directory only.
#include <array>
#include <chrono>
#include <thread>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "core/artifact_sources.hpp"
#include "core/branch_commit.hpp"
#include "core/metadata_edits.hpp"
#include "core/registry_impl.hpp"
#include "core/tag_index.hpp"
#include "core/version_reader.hpp"
#include "core/work_tree.hpp"
#include "mreg/error.hpp"
#include "mreg/names.hpp"
#include "mreg/refs.hpp"
#include "storage/store_layout.hpp"
#include "util/progress_scope.hpp"

namespace fs = std::filesystem;

namespace mreg {
namespace {

// Files above this size in a model's directory are weights, not metadata:
// they belong in the blob store, not in git.
constexpr std::uintmax_t max_committed_file_size = 10 * 1024 * 1024;

struct Ingested {
  std::vector<Artifact> artifacts;
  std::vector<fs::path> sources;
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_new = 0;
  std::uint64_t bytes_hashed = 0;
  std::vector<std::string> warnings;
};

std::string read_head_bytes(const fs::path& path) {
  std::array<char, 64> buffer{};
  std::ifstream in(path, std::ios::binary);
  in.read(buffer.data(), buffer.size());
  return std::string(buffer.data(), static_cast<std::size_t>(in.gcount()));
}

Ingested ingest(BlobStore& store, const std::vector<fs::path>& paths, Integrity integrity, Progress& progress) {
  Ingested result;
  auto sources = collect_artifact_sources(paths);
  for (const auto& source : sources) result.bytes_total += source.size;
  const ProgressScope scope(progress, "storing", result.bytes_total);
  const PutOptions options{integrity == Integrity::sha256};
  for (const auto& source : sources) {
    const auto stored = store.put_file(source.source, progress, options);
    result.bytes_new += stored.new_bytes;
    if (!stored.unchanged) result.bytes_hashed += stored.size;
    if (stored.warning) result.warnings.push_back(fmt::format("{}: {}", source.artifact_path, *stored.warning));
    result.artifacts.push_back(
        {source.artifact_path, stored.size, stored.digest, stored.sha256,
         detect_artifact_format(source.artifact_path, read_head_bytes(source.source))});
    result.sources.push_back(fs::weakly_canonical(source.source));
  }
  return result;
}

// "vision" and "vision/resnet" cannot both be models: the first one's
// directory would swallow the second's.
void check_namespace(const TagIndex& tags, std::string_view name) {
  for (const auto& other : tags.names()) {
    const bool nested = other.size() > name.size() ? other.starts_with(std::string(name) + "/")
                                                   : name.starts_with(other + "/");
    if (nested) {
      throw Error(ErrorCode::invalid,
                  fmt::format("model name \"{}\" clashes with the registered model \"{}\": one would live inside "
                              "the other's directory",
                              name, other),
                  "choose a name that is not a namespace prefix of another model");
    }
  }
}

ModelMetadata base_metadata(const Registry::Impl& impl, const TagIndex& tags, std::string_view name) {
  const std::string file = impl.model_file(name);
  MetadataRules rules;
  rules.expected_name = std::string(name);
  rules.allow_draft = true;
  if (auto draft = read_work_file(impl.workdir / file)) return load_model_metadata(*draft, file, rules);
  const auto& versions = tags.versions_of(name);
  if (!versions.empty()) {
    const auto info = read_version_info(impl.repo, name, versions.back());
    return read_committed_metadata(impl, name, *git::Oid::from_hex(info.commit));
  }
  ModelMetadata fresh;
  fresh.name = std::string(name);
  return fresh;
}

// Applies the PATHs and flags to the base metadata; returns what was stored.
Ingested prepare_metadata(Registry::Impl& impl, ModelMetadata& metadata, const AddOptions& options,
                          Progress& progress) {
  Ingested ingested;
  if (!options.paths.empty()) {
    ingested = ingest(impl.store, options.paths, impl.config.integrity, progress);
    metadata.artifacts = ingested.artifacts;
  }
  apply_metadata_edits(metadata, options.edits);
  metadata.name = options.name;
  return ingested;
}

void check_artifacts_stored(const BlobStore& store, const ModelMetadata& metadata, std::string_view file) {
  for (const auto& artifact : metadata.artifacts) {
    if (!store.contains(artifact.digest)) {
      throw Error(ErrorCode::not_found,
                  fmt::format("{}: artifact \"{}\" ({}) is not in the local store", file, artifact.path,
                              artifact.digest.id()),
                  "add its file again with `mreg add NAME PATH...`, or pass the PATHs to register");
    }
  }
}

// Makes models/<name>/ in the work tree and the index what HEAD holds now.
// Registrations of one model running at once finish in any order, so each
// copies HEAD's version (not its own) and checks afterwards that HEAD did not
// move meanwhile: whoever writes last writes the newest. The index lock is
// waited for (another mreg, or git, holds it briefly), for up to ~10 s.
void follow_head(Registry::Impl& impl, std::string_view name, std::string_view tag) {
  const std::string directory = impl.model_dir(name);
  const std::string file = impl.model_file(name);
  for (int attempt = 0;; ++attempt) {
    const auto head = impl.repo.head_commit();
    const auto subtree = head ? impl.repo.subtree_at(*head, directory) : std::nullopt;
    const auto text = head ? impl.repo.read_file_at(*head, file) : std::nullopt;
    if (!subtree || !text) return;  // HEAD moved to a commit without the model: nothing to follow
    try {
      write_work_file(impl.workdir / file, *text);
      impl.repo.stage_tree_at(directory, *subtree);
    } catch (const Error& error) {
      if (error.code() != ErrorCode::conflict) throw;
      if (attempt == 200) {
        throw Error(ErrorCode::conflict,
                    fmt::format("{} is registered (commit and tag are written), but the index could not be updated: {}",
                                tag, error.what()),
                    fmt::format("run `git reset -q -- {}` once the other git process has finished", directory));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    const auto now = impl.repo.head_commit();
    if (now == head || (now && impl.repo.subtree_at(*now, directory) == subtree)) return;
  }
}

Version choose_version(const RegisterOptions& options, const TagIndex& tags, std::string_view name) {
  if (options.version && options.bump) {
    throw Error(ErrorCode::usage, "--version and --bump cannot be used together");
  }
  if (options.version) return *options.version;
  const auto highest = tags.highest(name);
  if (!highest) return options.bump ? Version{}.bumped(*options.bump) : Version{0, 1, 0, {}};
  return highest->bumped(options.bump.value_or(Bump::minor));
}

// The files of models/<name>/ as they will be committed: model.yaml with the
// new content, plus the other small files the user keeps there (README.md,
// model card). Artifact sources that live in the directory are not committed.
std::vector<git::TreeFile> model_directory_files(const Registry::Impl& impl, std::string_view name,
                                                 const std::string& model_yaml, const std::vector<fs::path>& sources) {
  std::vector<git::TreeFile> files{{"model.yaml", model_yaml, false}};
  const fs::path directory = impl.workdir / impl.model_dir(name);
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(directory, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& path = it->path();
    // Another registration of this model may be writing model.yaml through a
    // temp file right now: never commit one, and skip any file that vanishes
    // while we look at it.
    if (store_layout::is_materialize_temp(path)) continue;
    const std::string relative = path.lexically_relative(directory).generic_string();
    const std::string from_root = path.lexically_relative(impl.workdir).generic_string();
    std::error_code entry_error;
    if (it->is_directory(entry_error)) {
      // A nested draft of another model, or an ignored directory, is not ours to commit.
      if (fs::exists(path / "model.yaml") || impl.repo.is_ignored(from_root + "/")) it.disable_recursion_pending();
      continue;
    }
    if (relative == "model.yaml" || !it->is_regular_file(entry_error) || impl.repo.is_ignored(from_root)) continue;
    if (std::find(sources.begin(), sources.end(), fs::weakly_canonical(path)) != sources.end()) continue;
    const std::uintmax_t size = it->file_size(entry_error);
    if (entry_error) continue;
    if (size > max_committed_file_size) {
      throw Error(ErrorCode::invalid,
                  fmt::format("{} is {} bytes: files in a model's directory are committed to git, and this one is "
                              "too large for that",
                              from_root, size),
                  "pass it as an artifact PATH (it then goes to the blob store) and add it to .gitignore");
    }
    std::ifstream in(path, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) throw Error(ErrorCode::io, fmt::format("cannot read {}", path.string()));
    const bool executable = (it->status(entry_error).permissions() & fs::perms::owner_exec) != fs::perms::none;
    files.push_back({relative, std::move(content), executable});
  }
  if (ec) throw Error(ErrorCode::io, fmt::format("cannot read directory {}: {}", directory.string(), ec.message()));
  return files;
}

std::string tag_message(std::string_view name, const Version& version, std::string_view text) {
  std::string message = fmt::format("register {} v{}\n", name, version.str());
  if (!text.empty()) message += fmt::format("\n{}\n", text);
  return message;
}

}  // namespace

AddResult Registry::add(const AddOptions& options, Progress& progress) {
  auto& impl = *m_impl;
  impl.require_work_tree_config("add");
  check_model_name(options.name);
  const auto tags = TagIndex::read(impl.repo);
  check_namespace(tags, options.name);

  const std::string file = impl.model_file(options.name);
  ModelMetadata metadata = base_metadata(impl, tags, options.name);
  const auto ingested = prepare_metadata(impl, metadata, options, progress);
  metadata.version.reset();
  MetadataRules rules;
  rules.expected_name = options.name;
  rules.allow_draft = true;
  if (auto problems = check_model_metadata(metadata, file, rules); !problems.empty()) throw_diagnostics(problems);

  write_work_file(impl.workdir / file, emit_model_metadata(metadata));
  impl.repo.stage_file(file);
  return {std::move(metadata), impl.workdir / file, ingested.bytes_total, ingested.bytes_new, ingested.bytes_hashed,
          ingested.warnings};
}

RegisterResult Registry::register_version(const RegisterOptions& options, Progress& progress) {
  auto& impl = *m_impl;
  const std::string& name = options.add.name;
  impl.require_work_tree_config("register");
  check_model_name(name);
  // Fail on a missing identity before hashing gigabytes.
  const auto signature = impl.repo.default_signature();
  const auto tags = TagIndex::read(impl.repo);
  check_namespace(tags, name);

  const Version version = choose_version(options, tags, name);
  if (const auto* existing = tags.find(name, version)) {
    const auto next = tags.highest(name)->bumped(Bump::patch);
    throw Error(ErrorCode::already_exists,
                fmt::format("{} already exists{}: versions are never reused", version_tag_name(name, version),
                            existing->deprecated ? " (deprecated)" : ""),
                fmt::format("register it as another version, e.g. --version {}", next.str()));
  }

  const std::string file = impl.model_file(name);
  ModelMetadata metadata = base_metadata(impl, tags, name);
  const auto ingested = prepare_metadata(impl, metadata, options.add, progress);
  metadata.version = version;
  if (auto head = impl.repo.head_commit()) metadata.source["commit"] = head->hex();

  MetadataRules rules;
  rules.expected_name = name;
  rules.required_fields = impl.config.require;
  rules.require_sha256 = impl.config.integrity == Integrity::sha256;
  if (auto problems = check_model_metadata(metadata, file, rules); !problems.empty()) throw_diagnostics(problems);
  check_artifacts_stored(impl.store, metadata, file);

  const std::string model_yaml = emit_model_metadata(metadata);
  const auto subtree = impl.repo.write_tree(model_directory_files(impl, name, model_yaml, ingested.sources));
  const std::string message = tag_message(name, version, options.message);
  const std::string directory = impl.model_dir(name);
  const auto commit = commit_on_head(
      impl.repo,
      [&](const std::optional<git::Oid>& head) { return impl.repo.replace_subtree(head, directory, subtree); },
      signature, message);

  const std::string tag = version_tag_name(name, version);
  if (!impl.repo.create_annotated_tag(tag, commit, signature, message)) {
    throw Error(ErrorCode::conflict,
                fmt::format("{} was created by another process while this one registered it; commit {} is on the "
                            "branch without a tag",
                            tag, commit.hex().substr(0, 12)),
                "check `mreg versions " + name + "` and register again with another version");
  }

  // The commit and tag are the record; the work tree and index follow them.
  follow_head(impl, name, tag);

  RegisterResult result;
  result.version = {name,   version,         tag, commit.hex(), signature.name, signature.email, signature.time,
                    signature.offset_minutes, options.message, false, {}};
  result.metadata = std::move(metadata);
  result.previous_latest = tags.latest(name);
  result.bytes_total = ingested.bytes_total;
  result.bytes_new = ingested.bytes_new;
  result.bytes_hashed = ingested.bytes_hashed;
  result.warnings = ingested.warnings;
  return result;
}

}  // namespace mreg
