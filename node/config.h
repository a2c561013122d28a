// The node's configuration: one `key = value` file in the home, every key with a default, validated
// on load with the offending key and line named. Also the layout of a home directory.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "store/event_log.h"
#include "store/base/status.h"

namespace sov::node {

struct Config {
  store::SyncPolicy log_sync = store::SyncPolicy::kAlways;
  uint64_t log_sync_interval_ms = 100;
  uint64_t log_checkpoint_interval = 10000;
  uint64_t store_write_buffer_mb = 64;

  std::string log_level = "info";  // trace, debug, info, warn, error, off
  std::vector<std::string> p2p_listen = {"/ip4/0.0.0.0/tcp/9000"};
  std::vector<std::string> p2p_bootstrap;
  uint64_t p2p_max_peers = 50;
  uint64_t p2p_low_watermark = 40;
  uint64_t p2p_dial_timeout_ms = 10000;
  uint64_t p2p_negotiation_timeout_ms = 10000;
  uint64_t p2p_handshake_timeout_ms = 10000;
  uint64_t p2p_idle_timeout_s = 300;
  uint64_t p2p_max_streams = 1000;
  bool p2p_echo = false;

  // The file `sov init` writes: every key, its default and what it means.
  static std::string DefaultText();
  // Parses config text; errors name the file, line and key.
  static Result<Config> Parse(std::string_view text, const std::string& origin);
  static Result<Config> Load(const std::string& path);

  store::LogOptions ToLogOptions(const Signer* signer) const;
};

// Paths inside a home directory.
struct HomeLayout {
  std::string home;
  std::string config() const { return home + "/config"; }
  std::string key() const { return home + "/node.key"; }
  std::string db() const { return home + "/db"; }
  std::string readers() const { return home + "/readers"; }
  std::string control_socket() const { return home + "/node.sock"; }
};

// --home, else $SOV_HOME, else ~/.sov.
std::string ResolveHome(const std::string& flag);

}  // namespace sov::node
