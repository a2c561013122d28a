// The dialer: one TCP connection to a multiaddr's ip4/ip6/dns4/dns6 + tcp part (resolution and
// connect under one timeout, the failure classified as a ConnectFail), and the bootstrap loop that
// re-dials the bootstrap peers with exponential backoff while none of them is connected.
#pragma once

#include <cstddef>  // before asio: see async.h

#include <functional>
#include <memory>
#include <variant>
#include <vector>

#include <asio/steady_timer.hpp>

#include "node/p2p/swarm/connection.h"
#include "node/p2p/swarm/options.h"
#include "node/p2p/transport/async.h"
#include "node/p2p/transport/tcp_stream.h"
#include "node/p2p/wire/multiaddr.h"
#include "store/base/status.h"

namespace sov::p2p {

struct DialFailure {
  ConnectFail reason;
  Status status;
};

// Resolves `target` (numeric hosts are not looked up; dns4/dns6 keep only their family) and connects
// to the first endpoint that answers, all within `timeout`.
Task<std::variant<std::shared_ptr<TcpStream>, DialFailure>> DialTcp(Executor ex, Multiaddr::TcpTarget target,
                                                                   Clock::duration timeout);

// The wait before the next bootstrap round: back to `initial` after a round that connected, else
// doubled up to `max`.
Clock::duration NextBootstrapBackoff(Clock::duration current, bool connected, Clock::duration initial,
                                     Clock::duration max);

// What the bootstrap loop asks of the swarm.
struct BootstrapHooks {
  std::function<bool()> stopping;
  std::function<bool()> connected;             // is any bootstrap peer connected?
  std::function<Task<void>(Multiaddr)> dial;   // connects, marking the peer as a bootstrap peer
};

// Runs until hooks.stopping(): while no bootstrap peer is connected, dials each of `peers` in turn,
// then waits on `timer` for the backoff (cancel the timer to wake it for stopping).
Task<void> RunBootstrap(asio::steady_timer& timer, std::vector<Multiaddr> peers, Clock::duration initial,
                        Clock::duration max, BootstrapHooks hooks);

}  // namespace sov::p2p
