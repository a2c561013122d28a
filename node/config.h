// The node's configuration: `$SOV_HOME/config.toml`, every key declared once in the registry
// (node/config_registry.cc) with its type, default, range and meaning; validated on load with the
// file, line and key named. Also the layout of a home directory, and the conversion of a home made
// by an earlier build (a flat `key = value` file named `config`) on its first open.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "node/config_spec.h"
#include "store/event_log.h"
#include "store/base/status.h"

namespace sov::node {

// Every key of the registry as a typed field; a default-constructed Config holds the registry's
// defaults. The mapping into each room's options is ToLogOptions here and the host options built in
// node/node.cc.
struct Config {
  Config();

  // log.sync: when an append is durable (store::LogOptions::sync).
  store::SyncPolicy log_sync;
  // log.sync_interval_ms: with kBatch, the longest time between two fsyncs, in ms.
  uint64_t log_sync_interval_ms;
  // log.checkpoint_interval: records between two signed checkpoints (0 = only at clean shutdown).
  uint64_t log_checkpoint_interval;
  // store.write_buffer_mb: each column family's write buffer, in MiB (StoreOptions::write_buffer_bytes).
  uint64_t store_write_buffer_mb;
  // log.level: spdlog level of `sov node run`: trace, debug, info, warn, error or off.
  std::string log_level;
  // p2p.listen: multiaddrs to listen on (HostOptions::listen_addrs).
  std::vector<std::string> p2p_listen;
  // p2p.bootstrap: multiaddrs with /p2p/<id>, dialled at start (HostOptions::bootstrap_peers).
  std::vector<std::string> p2p_bootstrap;
  // p2p.max_peers: most connections at once (HostOptions::max_peers).
  uint64_t p2p_max_peers;
  // p2p.low_watermark: connections kept when idle ones are trimmed; <= p2p_max_peers.
  uint64_t p2p_low_watermark;
  // p2p.max_pending_upgrades: inbound connections still upgrading at once (HostOptions::max_pending_upgrades).
  uint64_t p2p_max_pending_upgrades;
  // p2p.max_pending_upgrades_per_ip: of those, from one IP address (HostOptions::max_pending_upgrades_per_ip).
  uint64_t p2p_max_pending_upgrades_per_ip;
  // p2p.max_peers_per_ip: established inbound connections from one IP (0 = no limit) (HostOptions::max_peers_per_ip).
  uint64_t p2p_max_peers_per_ip;
  // p2p.max_peers_per_subnet: established inbound connections from one /24 or /64 (0 = no limit) (HostOptions::max_peers_per_subnet).
  uint64_t p2p_max_peers_per_subnet;
  // p2p.dial_timeout_ms: DNS + TCP connect, in ms.
  uint64_t p2p_dial_timeout_ms;
  // p2p.negotiation_timeout_ms: each multistream-select negotiation, in ms.
  uint64_t p2p_negotiation_timeout_ms;
  // p2p.upgrade_timeout_ms: the whole upgrade of a new connection (mss, Noise, mss), in ms.
  uint64_t p2p_upgrade_timeout_ms;
  // p2p.idle_timeout_s: a connection idle this long is closed, in seconds (0 = never).
  uint64_t p2p_idle_timeout_s;
  // p2p.max_streams: streams a peer may have open on one connection (yamux inbound limit).
  uint64_t p2p_max_streams;
  // p2p.echo: serve /echo/1.0.0.
  bool p2p_echo;

  // The file `sov init` writes: every key with its default and meaning, grouped by table.
  static std::string DefaultText();
  // Parses TOML config text; errors name the file (`origin`), the line and the key.
  static Result<Config> Parse(std::string_view text, const std::string& origin);
  static Result<Config> Load(const std::string& path);
  // Values checked against the registry (ParseToml or the legacy parser) as typed fields.
  static Config FromValues(const Values& values);
  // Every key of the registry with this config's value (line 0).
  Values ToValues() const;

  store::LogOptions ToLogOptions(const Signer* signer) const;

 private:
  void Assign(const Values& values);
};

// Paths inside a home directory.
struct HomeLayout {
  std::string home;
  std::string config() const { return home + "/config.toml"; }
  // The flat `key = value` file of earlier builds; converted to config() on first open.
  std::string legacy_config() const { return home + "/config"; }
  // Where a converted legacy_config() is kept.
  std::string legacy_config_backup() const { return home + "/config.old"; }
  std::string key() const { return home + "/node.key"; }
  std::string db() const { return home + "/db"; }
  std::string readers() const { return home + "/readers"; }
  std::string control_socket() const { return home + "/node.sock"; }
};

// The config of a home, as found on open.
struct HomeConfig {
  Config config;       // the registry's defaults when !found
  bool found = false;  // config.toml existed, or a legacy config was converted to it
  std::string notice;  // one line for stderr (a conversion, an ignored old file), or empty
};

// Loads <home>/config.toml. When it is missing and the home has a legacy flat `config`, converts it:
// every old key to its TOML key, written as config.toml (0600) with the old file renamed to
// config.old, and a one-line notice. An old file with an unknown key or a bad value is refused
// (file, line, key and how to fix it) and nothing is written.
Result<HomeConfig> LoadHomeConfig(const HomeLayout& home);

// Writes `text` to a new file at `path` with mode 0600 (through a temporary file and a rename, so a
// reader never sees half a file). Fails if `path` exists.
Status WriteConfigFile(const std::string& path, std::string_view text);

// --home, else $SOV_HOME, else ~/.sov.
std::string ResolveHome(const std::string& flag);

}  // namespace sov::node
