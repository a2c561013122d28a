// The node's configuration: one `key = value` file in the home, every key with a default, validated
// on load with the offending key and line named. Also the layout of a home directory.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "store/event_log.h"
#include "store/status.h"

namespace sov::node {

struct Config {
  store::SyncPolicy log_sync = store::SyncPolicy::kAlways;
  uint64_t log_sync_interval_ms = 100;
  uint64_t log_checkpoint_interval = 10000;
  uint64_t store_write_buffer_mb = 64;

  // The file `sov init` writes: every key, its default and what it means.
  static std::string DefaultText();
  // Parses config text; errors name the file, line and key.
  static Result<Config> Parse(std::string_view text, const std::string& origin);
  static Result<Config> Load(const std::string& path);

  store::LogOptions ToLogOptions(const store::CheckpointSigner* signer) const;
};

// Paths inside a home directory.
struct HomeLayout {
  std::string home;
  std::string config() const { return home + "/config"; }
  std::string key() const { return home + "/node.key"; }
  std::string db() const { return home + "/db"; }
  std::string readers() const { return home + "/readers"; }
};

// --home, else $SOV_HOME, else ~/.sov.
std::string ResolveHome(const std::string& flag);

}  // namespace sov::node
