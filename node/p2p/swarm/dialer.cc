#include "node/p2p/swarm/dialer.h"

#include <algorithm>

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <spdlog/spdlog.h>

namespace sov::p2p {

using asio::ip::tcp;

Task<std::variant<std::shared_ptr<TcpStream>, DialFailure>> DialTcp(Executor ex, Multiaddr::TcpTarget target,
                                                                   Clock::duration timeout) {
  tcp::socket socket(ex);
  bool timed_out = false;
  tcp::resolver resolver(ex);
  Deadline deadline(ex, timeout, [&] {
    timed_out = true;
    resolver.cancel();
    std::error_code ignored;
    socket.close(ignored);
  });
  auto flags = tcp::resolver::numeric_service;
  if (target.host_protocol == MultiaddrProtocol::kIp4 || target.host_protocol == MultiaddrProtocol::kIp6) {
    flags |= tcp::resolver::numeric_host;
  }
  auto [rec, endpoints] = co_await resolver.async_resolve(target.host, std::to_string(target.port), flags,
                                                          kUseAwaitable);
  if (timed_out) co_return DialFailure{ConnectFail::kTimeout, Status::Aborted("timed out resolving the address")};
  if (rec) co_return DialFailure{ConnectFail::kUnreachable, Status::IOError("resolve: " + rec.message())};
  std::vector<tcp::endpoint> candidates;
  for (const auto& e : endpoints) {
    bool v4 = e.endpoint().address().is_v4();
    if (target.host_protocol == MultiaddrProtocol::kDns4 && !v4) continue;
    if (target.host_protocol == MultiaddrProtocol::kDns6 && v4) continue;
    candidates.push_back(e.endpoint());
  }
  if (candidates.empty()) co_return DialFailure{ConnectFail::kUnreachable, Status::IOError("no address to dial")};
  auto [cec, ep] = co_await asio::async_connect(socket, candidates, kUseAwaitable);
  if (timed_out) co_return DialFailure{ConnectFail::kTimeout, Status::Aborted("timed out connecting")};
  if (cec == asio::error::connection_refused) {
    co_return DialFailure{ConnectFail::kRefused, Status::IOError("connection refused")};
  }
  if (cec) co_return DialFailure{ConnectFail::kUnreachable, Status::IOError("connect: " + cec.message())};
  deadline.Cancel();
  co_return std::make_shared<TcpStream>(std::move(socket));
}

Clock::duration NextBootstrapBackoff(Clock::duration current, bool connected, Clock::duration initial,
                                     Clock::duration max) {
  if (connected) return initial;
  return std::min(current * 2, max);
}

Task<void> RunBootstrap(asio::steady_timer& timer, std::vector<Multiaddr> peers, Clock::duration initial,
                        Clock::duration max, BootstrapHooks hooks) {
  auto backoff = initial;
  while (!hooks.stopping()) {
    if (!hooks.connected()) {
      for (const auto& addr : peers) {
        if (hooks.stopping()) co_return;
        co_await hooks.dial(addr);
      }
      backoff = NextBootstrapBackoff(backoff, hooks.connected(), initial, max);
      if (!hooks.connected()) {
        spdlog::info("p2p: no bootstrap peer connected; retrying in {} ms",
                     std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count());
      }
    }
    timer.expires_after(backoff);
    co_await timer.async_wait(kUseAwaitable);
  }
}

}  // namespace sov::p2p
