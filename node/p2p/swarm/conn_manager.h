// The connection manager: the limits on how many connections the swarm keeps. It decides, without
// touching any connection, which ones to close: those idle past idle_timeout, and (once max_peers is
// reached, or when room is needed for a new one) the least recently active idle ones past their
// trim grace, down to low_watermark. Connections with an open stream and protected (bootstrap) ones
// are never chosen. The swarm applies the decisions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "node/p2p/swarm/connection.h"
#include "node/p2p/swarm/options.h"
#include "node/p2p/transport/async.h"

namespace sov::p2p {

// What the manager needs to know of one live (not closing) connection.
struct ConnLoad {
  uint64_t id = 0;
  Clock::time_point opened;
  Clock::time_point last_activity;  // the yamux session's last frame either way
  size_t open_streams = 0;
  bool protected_peer = false;      // a bootstrap peer
};

// One connection to close, with the cause and the detail to report.
struct Closure {
  uint64_t id = 0;
  DisconnectCause cause = DisconnectCause::kUnknown;
  std::string detail;
};

class ConnManager {
 public:
  explicit ConnManager(const SwarmOptions& options)
      : max_peers_(options.max_peers),
        low_watermark_(std::min(options.low_watermark, options.max_peers)),
        idle_timeout_(options.idle_timeout),
        trim_grace_(options.trim_grace) {}

  // Which of the `live` connections to close now. With `force_to_low_watermark` the trim runs even
  // below max_peers (room is wanted for a new connection).
  std::vector<Closure> PlanTrim(std::vector<ConnLoad> live, Clock::time_point now, bool force_to_low_watermark) const;
  // Whether `live` connections leave no room for another one.
  bool Full(size_t live) const { return live >= max_peers_; }
  size_t max_peers() const { return max_peers_; }

 private:
  size_t max_peers_;
  size_t low_watermark_;
  Clock::duration idle_timeout_;
  Clock::duration trim_grace_;
};

}  // namespace sov::p2p
