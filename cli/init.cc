// `sov init`: creates a home: the directory (0700), the node key (0600), the default config.toml
// (0600) with every key, and an empty log with all its views.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "cli/context.h"
#include "node/identity/peer_id.h"
#include "store/base/crypto.h"

namespace sov::cli {

namespace {

int Run(Context& ctx) {
  auto layout = ctx.home();
  namespace fs = std::filesystem;
  if (fs::exists(layout.key()) || fs::exists(layout.db())) {
    return Fail("a sov home already exists at " + layout.home + " (remove it or pick another --home)");
  }
  // An existing config is kept (a legacy flat one is converted); a bad one stops init here.
  auto config = LoadHomeConfig(ctx);
  if (!config.ok()) return Fail(config.status());
  std::error_code ec;
  fs::create_directories(layout.home, ec);
  if (ec) return Fail("creating " + layout.home + ": " + ec.message());
  ::chmod(layout.home.c_str(), 0700);
  auto key = identity::Keystore::Create(layout.key());
  if (!key.ok()) return Fail(key.status());
  if (!config->found) {
    Status written = node::WriteConfigFile(layout.config(), node::Config::DefaultText());
    if (!written.ok()) return Fail(written);
  }
  pipeline::StoreOptions o;
  o.create_if_missing = true;
  o.log.signer = key->get();
  auto store = pipeline::EventStore::Open(layout.db(), o);
  if (!store.ok()) return Fail(store.status());
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail(closed);
  const std::string peer_id = identity::PeerId::FromEd25519((*key)->public_key()).ToString();
  if (ctx.json) {
    PrintJson({{"home", layout.home}, {"did", (*key)->did()}, {"peerId", peer_id}, {"config", layout.config()},
               {"key", layout.key()}, {"log", layout.db()}});
  } else {
    std::cout << "initialised " << layout.home << "\n  did:     " << (*key)->did() << "\n  peer id: " << peer_id
              << "\n  key:     " << layout.key() << " (0600)\n  config:  " << layout.config() << "\n  log:     "
              << layout.db() << std::endl;
  }
  return 0;
}

}  // namespace

void AddInitCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Create a home: node key, default config, empty log and views");
  cmd->callback([&ctx] { ctx.exit_code = Run(ctx); });
}

}  // namespace sov::cli
