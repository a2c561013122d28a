#include "node/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sov::node {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Result<uint64_t> ParseUnsigned(std::string_view value, uint64_t min, uint64_t max, const std::string& where) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size()) {
    return Status::InvalidArgument(where + ": '" + std::string(value) + "' is not a whole number");
  }
  if (v < min || v > max) {
    return Status::InvalidArgument(where + ": " + std::to_string(v) + " is outside " + std::to_string(min) + ".." +
                                   std::to_string(max));
  }
  return v;
}

}  // namespace

std::string Config::DefaultText() {
  return R"(# sov node configuration. Every key is listed with its default.

# When an append is durable: always (fsync before it returns), batch (fsync every
# log.sync_interval_ms) or none (leave it to the OS).
log.sync = always

# With log.sync = batch: the longest time between two fsyncs of the log, in milliseconds.
log.sync_interval_ms = 100

# Records between two signed checkpoints of the hash chain (0 = only at clean shutdown).
log.checkpoint_interval = 10000

# Memory budget of each column family's write buffer, in MiB.
store.write_buffer_mb = 64
)";
}

Result<Config> Config::Parse(std::string_view text, const std::string& origin) {
  Config c;
  std::istringstream in{std::string(text)};
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    const std::string at = origin + ":" + std::to_string(line_no);
    if (eq == std::string_view::npos) return Status::InvalidArgument(at + ": expected `key = value`");
    std::string key(Trim(line.substr(0, eq)));
    std::string_view value = Trim(line.substr(eq + 1));
    const std::string where = at + ": " + key;
    if (key == "log.sync") {
      auto p = store::ParseSyncPolicy(value);
      if (!p.ok()) return p.status().WithContext(where);
      c.log_sync = *p;
    } else if (key == "log.sync_interval_ms") {
      auto v = ParseUnsigned(value, 1, 60000, where);
      if (!v.ok()) return v.status();
      c.log_sync_interval_ms = *v;
    } else if (key == "log.checkpoint_interval") {
      auto v = ParseUnsigned(value, 0, 1u << 30, where);
      if (!v.ok()) return v.status();
      c.log_checkpoint_interval = *v;
    } else if (key == "store.write_buffer_mb") {
      auto v = ParseUnsigned(value, 1, 4096, where);
      if (!v.ok()) return v.status();
      c.store_write_buffer_mb = *v;
    } else {
      return Status::InvalidArgument(at + ": unknown key '" + key + "'");
    }
  }
  return c;
}

Result<Config> Config::Load(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::NotFound("no config at " + path + " (run `sov init` first)");
  std::stringstream ss;
  ss << f.rdbuf();
  return Parse(ss.str(), path);
}

store::LogOptions Config::ToLogOptions(const store::CheckpointSigner* signer) const {
  store::LogOptions o;
  o.sync = log_sync;
  o.sync_interval = std::chrono::milliseconds(log_sync_interval_ms);
  o.checkpoint_interval = log_checkpoint_interval;
  o.signer = signer;
  return o;
}

std::string ResolveHome(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("SOV_HOME"); env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.sov";
}

}  // namespace sov::node
