#include "node/config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "node/config_legacy.h"
#include "node/config_registry.h"

namespace sov::node {

namespace {

// A config file is a few KiB; anything far larger is not one (and is not read into memory).
constexpr uintmax_t kMaxConfigBytes = 1u << 20;

Result<std::string> ReadConfigText(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::NotFound("no config at " + path + " (run `sov init` first)");
  if (size > kMaxConfigBytes) {
    return Status::InvalidArgument(path + ": " + std::to_string(size) + " bytes is too large for a config file (at most " +
                                   std::to_string(kMaxConfigBytes) + ")");
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IOError("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Status Errno(const std::string& what) { return Status::IOError(what + ": " + std::strerror(errno)); }

// How to get past a refused legacy config, appended to its one-line error.
constexpr const char* kLegacyFix =
    "; fix that line of the old file and run again to convert it to config.toml, or remove the old file to use "
    "the defaults";

}  // namespace

Config::Config() { Assign(Values::Defaults(NodeConfigKeys())); }

void Config::Assign(const Values& v) {
  auto sync = store::ParseSyncPolicy(v.Text("log.sync"));  // one of the registry's choices
  log_sync = sync.ok() ? *sync : store::SyncPolicy::kAlways;
  log_sync_interval_ms = v.Unsigned("log.sync_interval_ms");
  log_checkpoint_interval = v.Unsigned("log.checkpoint_interval");
  store_write_buffer_mb = v.Unsigned("store.write_buffer_mb");
  log_level = v.Text("log.level");
  p2p_listen = v.List("p2p.listen");
  p2p_bootstrap = v.List("p2p.bootstrap");
  p2p_max_peers = v.Unsigned("p2p.max_peers");
  p2p_low_watermark = v.Unsigned("p2p.low_watermark");
  p2p_max_pending_upgrades = v.Unsigned("p2p.max_pending_upgrades");
  p2p_max_pending_upgrades_per_ip = v.Unsigned("p2p.max_pending_upgrades_per_ip");
  p2p_max_peers_per_ip = v.Unsigned("p2p.max_peers_per_ip");
  p2p_max_peers_per_subnet = v.Unsigned("p2p.max_peers_per_subnet");
  p2p_dial_timeout_ms = v.Unsigned("p2p.dial_timeout_ms");
  p2p_negotiation_timeout_ms = v.Unsigned("p2p.negotiation_timeout_ms");
  p2p_upgrade_timeout_ms = v.Unsigned("p2p.upgrade_timeout_ms");
  p2p_idle_timeout_s = v.Unsigned("p2p.idle_timeout_s");
  p2p_max_streams = v.Unsigned("p2p.max_streams");
  p2p_echo = v.Bool("p2p.echo");
}

Values Config::ToValues() const {
  Values v = Values::Defaults(NodeConfigKeys());
  v.Set("log.sync", std::string(store::SyncPolicyName(log_sync)), 0);
  v.Set("log.sync_interval_ms", log_sync_interval_ms, 0);
  v.Set("log.checkpoint_interval", log_checkpoint_interval, 0);
  v.Set("store.write_buffer_mb", store_write_buffer_mb, 0);
  v.Set("log.level", log_level, 0);
  v.Set("p2p.listen", p2p_listen, 0);
  v.Set("p2p.bootstrap", p2p_bootstrap, 0);
  v.Set("p2p.max_peers", p2p_max_peers, 0);
  v.Set("p2p.low_watermark", p2p_low_watermark, 0);
  v.Set("p2p.max_pending_upgrades", p2p_max_pending_upgrades, 0);
  v.Set("p2p.max_pending_upgrades_per_ip", p2p_max_pending_upgrades_per_ip, 0);
  v.Set("p2p.max_peers_per_ip", p2p_max_peers_per_ip, 0);
  v.Set("p2p.max_peers_per_subnet", p2p_max_peers_per_subnet, 0);
  v.Set("p2p.dial_timeout_ms", p2p_dial_timeout_ms, 0);
  v.Set("p2p.negotiation_timeout_ms", p2p_negotiation_timeout_ms, 0);
  v.Set("p2p.upgrade_timeout_ms", p2p_upgrade_timeout_ms, 0);
  v.Set("p2p.idle_timeout_s", p2p_idle_timeout_s, 0);
  v.Set("p2p.max_streams", p2p_max_streams, 0);
  v.Set("p2p.echo", p2p_echo, 0);
  return v;
}

Config Config::FromValues(const Values& values) {
  Config c;
  c.Assign(values);
  return c;
}

std::string Config::DefaultText() {
  return RenderToml(NodeConfigKeys(), Values::Defaults(NodeConfigKeys()),
                    "# sov node configuration (TOML). Every key is listed with its default and meaning;\n"
                    "# `sov config keys` lists them too.\n");
}

Result<Config> Config::Parse(std::string_view text, const std::string& origin) {
  auto values = ParseToml(text, origin, NodeConfigKeys());
  if (!values.ok()) return values.status();
  return FromValues(*values);
}

Result<Config> Config::Load(const std::string& path) {
  auto text = ReadConfigText(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

store::LogOptions Config::ToLogOptions(const Signer* signer) const {
  store::LogOptions o;
  o.sync = log_sync;
  o.sync_interval = std::chrono::milliseconds(log_sync_interval_ms);
  o.checkpoint_interval = log_checkpoint_interval;
  o.signer = signer;
  return o;
}

Result<HomeConfig> LoadHomeConfig(const HomeLayout& home) {
  namespace fs = std::filesystem;
  HomeConfig out;
  if (fs::exists(home.config())) {
    auto config = Config::Load(home.config());
    if (!config.ok()) return config.status();
    out.config = std::move(*config);
    out.found = true;
    if (fs::exists(home.legacy_config())) {
      out.notice = home.legacy_config() + " is ignored: " + home.config() + " is the config (remove the old file)";
    }
    return out;
  }
  if (!fs::exists(home.legacy_config())) return out;

  auto text = ReadConfigText(home.legacy_config());
  if (!text.ok()) return text.status();
  auto values = ParseLegacyConfig(*text, home.legacy_config(), NodeConfigKeys());
  if (!values.ok()) return Status::InvalidArgument(values.status().message() + kLegacyFix);
  if (fs::exists(home.legacy_config_backup())) {
    return Status::InvalidArgument("cannot convert " + home.legacy_config() + " to " + home.config() + ": " +
                                   home.legacy_config_backup() + " exists (move it away and run again)");
  }
  const std::string toml = RenderToml(NodeConfigKeys(), *values,
                                      "# sov node configuration (TOML), converted from the flat file " +
                                          home.legacy_config() + "\n# (kept as " + home.legacy_config_backup() +
                                          "). Every key is listed with its value and meaning.\n");
  auto converted = Config::Parse(toml, home.config());
  if (!converted.ok()) return converted.status().WithContext("converting " + home.legacy_config());
  if (Status s = WriteConfigFile(home.config(), toml); !s.ok()) return s;
  std::error_code ec;
  fs::rename(home.legacy_config(), home.legacy_config_backup(), ec);
  if (ec) {
    return Status::IOError("wrote " + home.config() + " but could not rename " + home.legacy_config() + " to " +
                           home.legacy_config_backup() + ": " + ec.message());
  }
  out.config = std::move(*converted);
  out.found = true;
  out.notice = "converted " + home.legacy_config() + " to " + home.config() + " (old file kept as config.old)";
  return out;
}

Status WriteConfigFile(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("creating " + tmp);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = Errno("writing " + tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const int sync_errno = errno;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    if (!synced) errno = sync_errno;
    Status s = Errno("writing " + tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  // link() fails if `path` exists, so an existing config is never replaced.
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("creating " + path);
    ::unlink(tmp.c_str());
    return s;
  }
  ::unlink(tmp.c_str());
  return Status::OK();
}

std::string ResolveHome(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("SOV_HOME"); env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.sov";
}

}  // namespace sov::node
