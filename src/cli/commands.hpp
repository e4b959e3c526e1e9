// One setup function per subcommand, each in its own cmd_<name>.cpp.
//
// setup_<name>() adds the subcommand to `app` with its options and help text
// and sets its callback, which calls one library operation and prints the
// result. `global` outlives parsing; commands read it when they run.
#pragma once

namespace CLI {
class App;
}

namespace mreg::cli {

struct GlobalOptions;

void setup_init(CLI::App& app, const GlobalOptions& global);
void setup_add(CLI::App& app, const GlobalOptions& global);
void setup_register(CLI::App& app, const GlobalOptions& global);
void setup_list(CLI::App& app, const GlobalOptions& global);
void setup_show(CLI::App& app, const GlobalOptions& global);
void setup_versions(CLI::App& app, const GlobalOptions& global);
void setup_get(CLI::App& app, const GlobalOptions& global);
void setup_validate(CLI::App& app, const GlobalOptions& global);
void setup_diff(CLI::App& app, const GlobalOptions& global);
void setup_review(CLI::App& app, const GlobalOptions& global);
void setup_stages(CLI::App& app, const GlobalOptions& global);
void setup_promote(CLI::App& app, const GlobalOptions& global);
void setup_demote(CLI::App& app, const GlobalOptions& global);
void setup_deprecate(CLI::App& app, const GlobalOptions& global);
void setup_history(CLI::App& app, const GlobalOptions& global);
void setup_verify(CLI::App& app, const GlobalOptions& global);
void setup_gc(CLI::App& app, const GlobalOptions& global);
void setup_remote(CLI::App& app, const GlobalOptions& global);
void setup_push(CLI::App& app, const GlobalOptions& global);
void setup_fetch(CLI::App& app, const GlobalOptions& global);
void setup_install_hooks(CLI::App& app, const GlobalOptions& global);
void setup_hook(CLI::App& app, const GlobalOptions& global);

}  // namespace mreg::cli
