// SwarmOptions: what the swarm's parts (upgrader, dialer, conn_manager, swarm) are configured with.
// Each field is documented where it is declared; node/config_registry.cc maps config.toml onto them.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

#include "node/p2p/transport/async.h"
#include "node/p2p/transport/yamux.h"
#include "node/p2p/wire/multiaddr.h"

namespace sov::p2p {

inline constexpr std::string_view kNoiseProtocol = "/noise";
inline constexpr std::string_view kYamuxProtocol = "/yamux/1.0.0";

using namespace std::chrono_literals;

struct SwarmOptions {
  // Addresses to listen on (ip4/ip6 + tcp; port 0 picks one; 0.0.0.0 / :: listen on every interface).
  std::vector<Multiaddr> listen_addrs;
  // Peers (with /p2p/<id>) dialled at start and re-dialled with backoff while none is connected.
  // Their connections are never trimmed or closed for idleness.
  std::vector<Multiaddr> bootstrap_peers;
  // Most connections at once, inbound and outbound together; an upgrade in progress counts.
  size_t max_peers = 50;
  // Trimming (when max_peers is reached) closes idle connections down to this many. At most max_peers.
  size_t low_watermark = 40;
  // Inbound connections still upgrading at once; more are refused as they are accepted. They do not
  // count towards max_peers, and never hold back the node's own dials.
  size_t max_pending_upgrades = 32;
  // Of those, from one remote IP address (a host that opens silent sockets holds at most this many).
  size_t max_pending_upgrades_per_ip = 4;
  // Established inbound connections from one IP address (0 = no limit).
  size_t max_peers_per_ip = 8;
  // Established inbound connections from one /24 (IPv4) or /64 (IPv6) network (0 = no limit).
  size_t max_peers_per_subnet = 16;
  // DNS resolution plus TCP connect of one dial.
  Clock::duration dial_timeout = 10s;
  // The whole upgrade of a new connection: multistream-select, the Noise XX handshake and the
  // muxer's multistream-select, together.
  Clock::duration upgrade_timeout = 10s;
  // Each stream's multistream-select negotiation.
  Clock::duration negotiation_timeout = 10s;
  // A connection with no open stream and no traffic for this long is closed (0 = never).
  Clock::duration idle_timeout = 300s;
  // Connections younger than this are never trimmed.
  Clock::duration trim_grace = 20s;
  // How often idle closing and trimming run.
  Clock::duration maintenance_interval = 1s;
  // First wait before re-dialling the bootstrap peers; doubles after each round without success.
  Clock::duration bootstrap_backoff_initial = 1s;
  // The longest wait between two bootstrap rounds.
  Clock::duration bootstrap_backoff_max = 60s;
  // The yamux session of every connection (windows, stream limits, keepalive).
  YamuxOptions yamux;
};

}  // namespace sov::p2p
