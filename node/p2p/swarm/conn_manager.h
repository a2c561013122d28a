// The connection manager: the limits on how many connections the swarm keeps. It decides, without
// touching any connection, which ones to close; the swarm applies the decisions.
//   - Idle past idle_timeout (no open stream, no traffic): closed at any time.
//   - Once max_peers is reached, or when room is needed for a new connection, connections are
//     trimmed down to low_watermark, least valuable first:
//       1. idle ones (no open stream) before ones that hold a stream open without traffic for
//          trim_grace (a stream held open silently does not protect a connection);
//       2. within each, the lowest value first (ConnLoad::value: what the node's PeerValuer says a
//          peer is worth, e.g. a session and its reputation; 0 when nobody said);
//       3. then the least recently active first.
//     Never trimmed: bootstrap peers, connections younger than trim_grace, connections with traffic
//     within trim_grace.
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
  int64_t value = 0;                // higher is kept longer (PeerValuer)
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
