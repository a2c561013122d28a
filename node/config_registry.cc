#include "node/config_registry.h"

#include <string>
#include <vector>

#include "node/p2p/wire/multiaddr.h"
#include "store/base/text.h"

namespace sov::node {

namespace {

// Longest multiaddr text accepted (a /dns/ name plus /tcp/ and /p2p/ fits well within it).
constexpr size_t kMaxMultiaddrText = 512;
// Longest part of a multiaddr parse error kept (it may quote the text).
constexpr size_t kMaxMessage = 160;

Status CheckTcpMultiaddr(std::string_view text, bool need_peer) {
  if (text.size() > kMaxMultiaddrText) {
    return Status::InvalidArgument(Quote(text) + " is longer than " + std::to_string(kMaxMultiaddrText) + " bytes");
  }
  auto ma = p2p::Multiaddr::Parse(text);
  if (!ma.ok()) return Status::InvalidArgument(Printable(Clip(ma.status().message(), kMaxMessage)));
  if (auto tcp = ma->Tcp(); !tcp.ok()) return Status::InvalidArgument(Printable(Clip(tcp.status().message(), kMaxMessage)));
  if (need_peer && !ma->peer_id()) {
    return Status::InvalidArgument(Quote(text) + " does not end in /p2p/<peer id>");
  }
  return Status::OK();
}

Status CheckListenAddr(std::string_view text) { return CheckTcpMultiaddr(text, false); }
Status CheckPeerAddr(std::string_view text) { return CheckTcpMultiaddr(text, true); }

constexpr uint64_t kTimeoutMinMs = 100, kTimeoutMaxMs = 600000;

KeySpec AtMost(KeySpec spec, std::string other_key) {
  spec.at_most = std::move(other_key);
  return spec;
}

// The keys in the order of the default file and the README table, grouped by table.
std::vector<KeySpec> MakeKeys() {
  std::vector<KeySpec> keys = {
      ChoiceKey("log.sync", "always", {"always", "batch", "none"},
                "When an append is durable: always (fsync before it returns), batch (fsync every "
                "log.sync_interval_ms) or none (left to the OS)."),
      UnsignedKey("log.sync_interval_ms", 100, 1, 60000,
                  "With log.sync = \"batch\": the longest time between two fsyncs of the log, in milliseconds."),
      UnsignedKey("log.checkpoint_interval", 10000, 0, uint64_t{1} << 30,
                  "Records between two signed checkpoints of the hash chain (0 = only at clean shutdown)."),
      ChoiceKey("log.level", "info", {"trace", "debug", "info", "warn", "error", "off"},
                "Log level of `sov node run` (--log-level overrides it)."),
      UnsignedKey("store.write_buffer_mb", 64, 1, 4096, "Memory budget of each column family's write buffer, in MiB."),
      StringListKey("p2p.listen", {"/ip4/0.0.0.0/tcp/9000"}, "multiaddrs <ip4|ip6|dns|dns4|dns6>/tcp/<port>",
                    CheckListenAddr, {"/ip4/127.0.0.1/tcp/9001", "/ip6/::1/tcp/9001"},
                    "Addresses to listen on (--listen replaces them)."),
      StringListKey("p2p.bootstrap", {}, "multiaddrs ending in /p2p/<peer id>", CheckPeerAddr,
                    {"/dns4/boot.example.org/tcp/9000/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"},
                    "Peers dialled at start and re-dialled with backoff while none is connected."),
      UnsignedKey("p2p.max_peers", 50, 1, 100000,
                  "At most this many connections; when reached, idle ones are trimmed down to p2p.low_watermark."),
      AtMost(UnsignedKey("p2p.low_watermark", 40, 0, 100000, "Connections kept when idle ones are trimmed."),
             "p2p.max_peers"),
      UnsignedKey("p2p.max_pending_upgrades", 32, 1, 100000,
                  "Inbound connections still upgrading at once; more are refused as accepted (they do not count towards p2p.max_peers)."),
      AtMost(UnsignedKey("p2p.max_pending_upgrades_per_ip", 4, 1, 100000, "Of those, from one remote IP address."),
             "p2p.max_pending_upgrades"),
      UnsignedKey("p2p.max_peers_per_ip", 8, 0, 100000,
                  "Established inbound connections from one IP address (0 = no limit)."),
      UnsignedKey("p2p.max_peers_per_subnet", 16, 0, 100000,
                  "Established inbound connections from one /24 (IPv4) or /64 (IPv6) network (0 = no limit)."),
      UnsignedKey("p2p.dial_timeout_ms", 10000, kTimeoutMinMs, kTimeoutMaxMs,
                  "Timeout of a dial (DNS + TCP connect), in milliseconds."),
      UnsignedKey("p2p.negotiation_timeout_ms", 10000, kTimeoutMinMs, kTimeoutMaxMs,
                  "Timeout of each multistream-select protocol negotiation, in milliseconds."),
      UnsignedKey("p2p.upgrade_timeout_ms", 10000, kTimeoutMinMs, kTimeoutMaxMs,
                  "Timeout of the whole upgrade of a new connection (multistream-select, Noise handshake, muxer selection), in milliseconds."),
      UnsignedKey("p2p.idle_timeout_s", 300, 0, 86400 * 30,
                  "A connection with no open stream and no traffic for this long is closed, in seconds (0 = never)."),
      UnsignedKey("p2p.max_streams", 1000, 1, 100000, "Streams a peer may have open on one connection; more are reset."),
      BoolKey("p2p.echo", false,
              "Serve /echo/1.0.0 (everything a peer writes is written back): for interop checks and diagnostics."),
  };
  return keys;
}

}  // namespace

std::span<const KeySpec> NodeConfigKeys() {
  static const std::vector<KeySpec> keys = MakeKeys();
  return keys;
}

}  // namespace sov::node
