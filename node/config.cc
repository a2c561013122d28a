#include "node/config.h"

#include "node/p2p/wire/multiaddr.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
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

struct UnsignedKey {
  uint64_t* value;
  uint64_t min, max;
};

std::optional<UnsignedKey> UnsignedField(Config& c, const std::string& key) {
  UnsignedKey k;
  if (key == "p2p.max_peers") k = {&c.p2p_max_peers, 1, 100000};
  else if (key == "p2p.low_watermark") k = {&c.p2p_low_watermark, 0, 100000};
  else if (key == "p2p.dial_timeout_ms") k = {&c.p2p_dial_timeout_ms, 100, 600000};
  else if (key == "p2p.negotiation_timeout_ms") k = {&c.p2p_negotiation_timeout_ms, 100, 600000};
  else if (key == "p2p.handshake_timeout_ms") k = {&c.p2p_handshake_timeout_ms, 100, 600000};
  else if (key == "p2p.idle_timeout_s") k = {&c.p2p_idle_timeout_s, 0, 86400 * 30};
  else if (key == "p2p.max_streams") k = {&c.p2p_max_streams, 1, 100000};
  else return std::nullopt;
  return k;
}

// Multiaddrs separated by spaces or commas; each must parse (bootstrap ones must name a /p2p/ id).
Result<std::vector<std::string>> ParseMultiaddrList(std::string_view value, const std::string& where, bool need_peer) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == ',' || value[i] == '\t')) ++i;
    size_t j = i;
    while (j < value.size() && value[j] != ' ' && value[j] != ',' && value[j] != '\t') ++j;
    if (j > i) {
      std::string_view text = value.substr(i, j - i);
      auto ma = p2p::Multiaddr::Parse(text);
      if (!ma.ok()) return ma.status().WithContext(where);
      if (auto tcp = ma->Tcp(); !tcp.ok()) return tcp.status().WithContext(where);
      if (need_peer && !ma->peer_id()) {
        return Status::InvalidArgument(where + ": " + std::string(text) + " does not end in /p2p/<peer id>");
      }
      out.emplace_back(text);
    }
    i = j;
  }
  return out;
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

# Log level of `sov node run`: trace, debug, info, warn, error or off.
log.level = info

# Addresses to listen on (multiaddrs, separated by spaces or commas).
p2p.listen = /ip4/0.0.0.0/tcp/9000

# Peers dialled at start and re-dialled with backoff while none is connected
# (multiaddrs ending in /p2p/<peer id>, separated by spaces or commas).
p2p.bootstrap =

# At most this many connections; when reached, idle ones are trimmed down to the low watermark.
p2p.max_peers = 50
p2p.low_watermark = 40

# Timeouts per phase: DNS + TCP connect, each protocol negotiation, the Noise handshake, in ms.
p2p.dial_timeout_ms = 10000
p2p.negotiation_timeout_ms = 10000
p2p.handshake_timeout_ms = 10000

# A connection with no open stream and no traffic for this long is closed (0 = never), in seconds.
p2p.idle_timeout_s = 300

# Streams a peer may have open on one connection; more are reset.
p2p.max_streams = 1000

# Serve /echo/1.0.0 (everything a peer writes is written back): for interop checks and diagnostics.
p2p.echo = false
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
    } else if (key == "log.level") {
      static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
      if (std::find(std::begin(kLevels), std::end(kLevels), value) == std::end(kLevels)) {
        return Status::InvalidArgument(where + ": '" + std::string(value) + "' is not one of trace, debug, info, warn, error, off");
      }
      c.log_level = std::string(value);
    } else if (key == "p2p.echo") {
      if (value != "true" && value != "false") return Status::InvalidArgument(where + ": expected true or false");
      c.p2p_echo = value == "true";
    } else if (key == "p2p.listen" || key == "p2p.bootstrap") {
      auto list = ParseMultiaddrList(value, where, key == "p2p.bootstrap");
      if (!list.ok()) return list.status();
      (key == "p2p.listen" ? c.p2p_listen : c.p2p_bootstrap) = std::move(*list);
    } else if (auto field = UnsignedField(c, key)) {
      auto v = ParseUnsigned(value, field->min, field->max, where);
      if (!v.ok()) return v.status();
      *field->value = *v;
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

store::LogOptions Config::ToLogOptions(const Signer* signer) const {
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
