// `sov`: the command tree. Thin: each group parses its flags and calls library functions; see the
// Add*Command functions in cli/context.h for where each command lives.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.h"

int main(int argc, char** argv) {
  sov::cli::Context ctx;
  CLI::App app{"sov: a node for a sovereign agent network; its event log, views and triples"};
  app.set_version_flag("--version", "sov 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--home", ctx.home_flag, "Home directory (default: $SOV_HOME, else ~/.sov)");
  app.add_flag("--json", ctx.json, "Print machine-readable JSON instead of a table");

  sov::cli::AddInitCommand(app, ctx);
  sov::cli::AddConfigCommands(app, ctx);
  sov::cli::AddLogCommands(app, ctx);
  sov::cli::AddViewsCommands(app, ctx);
  sov::cli::AddSimCommand(app, ctx);
  sov::cli::AddTriplesCommands(app, ctx);
  sov::cli::AddNodeCommands(app, ctx);
  auto* p2p = app.add_subcommand("p2p", "Peer-to-peer: the running node, and state answered from the views");
  p2p->require_subcommand(1);
  p2p->fallthrough();
  sov::cli::AddP2pReputationCommand(*p2p, ctx);
  sov::cli::AddP2pTeamCommands(*p2p, ctx);
  sov::cli::AddP2pWorkspaceCommands(*p2p, ctx);
  sov::cli::AddP2pSessionCommands(*p2p, ctx);
  sov::cli::AddP2pFirewallCommands(*p2p, ctx);
  sov::cli::AddP2pPeersCommand(*p2p, ctx);
  sov::cli::AddP2pPricingCommands(*p2p, ctx);
  sov::cli::AddP2pNodeCommands(*p2p, ctx);
  // (register p2p command groups above this line)

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "sov: " << e.what() << " (see sov --help)" << std::endl;
    return e.get_exit_code() != 0 ? e.get_exit_code() : 2;
  } catch (const std::exception& e) {
    // A library that throws (the filesystem on a home we may not read, say) still ends in one
    // clear line and a non-zero exit, never an abort.
    std::cerr << "sov: " << e.what() << std::endl;
    return 1;
  }
  return ctx.exit_code;
}
