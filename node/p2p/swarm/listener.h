// Binding the swarm's listen addresses: one TCP acceptor per ip4/ip6 + tcp multiaddr, and the
// addresses it is reachable at (the port resolved; a wildcard address expanded to this machine's
// interface addresses, loopback included, IPv6 link-local left out).
#pragma once

#include <cstddef>  // before asio: see async.h

#include <memory>
#include <vector>

#include <asio/ip/tcp.hpp>

#include "node/p2p/transport/async.h"
#include "node/p2p/wire/multiaddr.h"
#include "store/base/status.h"

namespace sov::p2p {

struct BoundListener {
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor;
  std::vector<Multiaddr> addrs;  // where peers can reach it
  Multiaddr bound;               // the socket's own address (0.0.0.0 stays as is)
};

// Binds and listens on `addr` (reuse_address; an IPv6 socket is v6-only). Errors name the address.
Result<BoundListener> BindListener(Executor ex, const Multiaddr& addr);

// The ip4|ip6/tcp multiaddr of an endpoint (empty if it cannot be expressed).
Multiaddr AddrOf(const asio::ip::tcp::endpoint& endpoint);

}  // namespace sov::p2p
