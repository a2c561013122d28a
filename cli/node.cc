// `sov node run`: the node in the foreground, logs on stderr, stopped by SIGINT/SIGTERM.
#include <CLI/CLI.hpp>

#include <filesystem>

#include "cli/context.h"
#include "cli/log_lines.h"
#include "node/node.h"

namespace sov::cli {

namespace {

struct RunFlags {
  std::string config_path;
  std::vector<std::string> listen;
  std::string log_level;
};

int Run(Context& ctx, const RunFlags& flags) {
  node::NodeOptions options;
  options.home = ctx.home();
  options.listen_override = flags.listen;
  options.create_if_missing = true;
  if (!flags.config_path.empty()) {
    if (!std::filesystem::exists(flags.config_path)) return Fail("no config at " + flags.config_path);
    auto config = node::Config::Load(flags.config_path);
    if (!config.ok()) return Fail(config.status());
    options.config = *config;
  } else {
    auto config = LoadHomeConfig(ctx);
    if (!config.ok()) return Fail(config.status());
    options.config = config->config;  // the registry's defaults when the home has no config
  }
  const std::string level = flags.log_level.empty() ? options.config.log_level : flags.log_level;
  InstallStderrLogger(level);
  auto node = node::Node::Open(std::move(options));
  if (!node.ok()) return Fail(node.status());
  Status s = (*node)->Run();
  if (!s.ok()) return Fail(s);
  return 0;
}

}  // namespace

void AddNodeCommands(CLI::App& app, Context& ctx) {
  auto* node = app.add_subcommand("node", "Run the node");
  node->require_subcommand(1);
  auto flags = std::make_shared<RunFlags>();
  auto* run = node->add_subcommand("run", "Run the node in the foreground until SIGINT/SIGTERM (creates the home if needed)");
  run->add_option("--config", flags->config_path, "TOML config file (default: <home>/config.toml, else the embedded defaults)");
  run->add_option("--listen", flags->listen, "Listen multiaddr, repeatable (replaces p2p.listen)");
  run->add_option("--log-level", flags->log_level, "trace, debug, info, warn, error or off (default: log.level)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  run->callback([&ctx, flags] { ctx.exit_code = Run(ctx, *flags); });
}

}  // namespace sov::cli
