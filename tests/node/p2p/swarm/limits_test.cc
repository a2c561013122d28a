// The peer limit (rejection, trimming the least recently active idle connection, trimming to the
// low watermark) and idle closing, with real hosts on loopback.

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "node/p2p/transport/multistream.h"
#include "node/p2p/wire/noise.h"
#include "node/p2p/transport/noise_connection.h"
#include "store/base/varint.h"
#include "support/host_fixture.h"
#include "support/host_test_base.h"

namespace sov::p2p {
namespace {

using sov::testing::FastOptions;
using sov::testing::TestHost;
using sov::testing::Contains;
using sov::testing::HostTestBase;

// ---------------------------------------------------------------------------------------------
// Peer limit, trimming, idle connections.

class HostLimits : public HostTestBase {};

TEST_F(HostLimits, ThirdInboundIsRejectedAtTheLimit) {
  HostOptions so = FastOptions();
  so.max_peers = 2;
  so.low_watermark = 1;
  so.trim_grace = 1h;  // nobody may be trimmed
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  TestHost& b = h.AddHost(3, FastOptions());
  TestHost& c = h.AddHost(4, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  ASSERT_TRUE(h.ConnectAndIdentify(b, s));

  auto r = h.AwaitResult(c.host->Connect(s.addr()));
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kLimitReached);
  ASSERT_EQ(c.observer.dial_failed.size(), 1u);
  EXPECT_EQ(c.observer.dial_failed[0].reason, ConnectFail::kNegotiationFailed);  // closed before mss
  EXPECT_EQ(s.host->connection_count(), 2u);
  EXPECT_TRUE(s.observer.disconnected.empty()) << s.observer.Dump();
  EXPECT_TRUE(h.AwaitResult(a.host->Ping(s.id())).ok());
  EXPECT_TRUE(h.AwaitResult(b.host->Ping(s.id())).ok());

  // Once one leaves, the third gets in.
  EXPECT_EQ(a.host->Disconnect(s.id()), 1u);
  ASSERT_TRUE(h.RunUntil([&] { return s.host->connection_count() == 1; }));
  ASSERT_TRUE(h.ConnectAndIdentify(c, s)) << s.observer.Dump();
  EXPECT_EQ(s.host->connection_count(), 2u);
}

TEST_F(HostLimits, ThirdInboundTrimsTheLeastRecentlyActiveIdleConnection) {
  HostOptions so = FastOptions();
  so.max_peers = 2;
  so.low_watermark = 1;
  so.trim_grace = 0s;
  so.maintenance_interval = 1h;  // only the accept path trims here
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  TestHost& b = h.AddHost(3, FastOptions());
  TestHost& c = h.AddHost(4, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  ASSERT_TRUE(h.ConnectAndIdentify(b, s));
  // A is active after B's identify: B is now the least recently active.
  ASSERT_TRUE(h.AwaitResult(a.host->Ping(s.id())).ok());
  ASSERT_TRUE(h.RunUntil([&] { return s.host->Connection(a.id())->open_streams == 0; }));
  EXPECT_EQ(s.host->connection_count(), 2u);

  ASSERT_TRUE(h.ConnectAndIdentify(c, s)) << s.observer.Dump();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.disconnected.size() == 1 && b.observer.disconnected.size() == 1; }))
      << s.observer.Dump();
  EXPECT_EQ(s.observer.disconnected[0].info.peer, b.id());
  EXPECT_EQ(s.observer.disconnected[0].cause, DisconnectCause::kEvicted);
  EXPECT_EQ(b.observer.disconnected[0].cause, DisconnectCause::kClosedByPeer);
  EXPECT_EQ(s.host->connection_count(), 2u);
  EXPECT_TRUE(s.host->Connection(a.id()).has_value());
  EXPECT_TRUE(s.host->Connection(c.id()).has_value());
  EXPECT_FALSE(s.host->Connection(b.id()).has_value());
  EXPECT_TRUE(s.observer.rejected.empty()) << s.observer.Dump();
  EXPECT_TRUE(a.observer.disconnected.empty());
}

TEST_F(HostLimits, MaintenanceTrimsToTheLowWatermarkAtMaxPeers) {
  HostOptions so = FastOptions();
  so.max_peers = 2;
  so.low_watermark = 1;
  so.trim_grace = 0s;
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  TestHost& b = h.AddHost(3, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  h.RunFor(150ms);  // below max_peers: nothing is trimmed
  EXPECT_EQ(s.host->connection_count(), 1u);
  ASSERT_TRUE(h.AwaitResult(b.host->Connect(s.addr())).ok());
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.disconnected.size() == 1 && s.host->connection_count() == 1; }))
      << s.observer.Dump();
  EXPECT_EQ(s.observer.disconnected[0].cause, DisconnectCause::kEvicted);
  const PeerId evicted = s.observer.disconnected[0].info.peer;
  EXPECT_TRUE(evicted == a.id() || evicted == b.id());
  TestHost& gone = evicted == a.id() ? a : b;
  TestHost& kept = evicted == a.id() ? b : a;
  ASSERT_TRUE(h.RunUntil([&] { return gone.observer.disconnected.size() == 1; }));
  EXPECT_EQ(gone.observer.disconnected[0].cause, DisconnectCause::kClosedByPeer);
  EXPECT_TRUE(s.host->Connection(kept.id()).has_value());
  h.RunFor(150ms);  // at the low watermark: the last one stays
  EXPECT_EQ(s.host->connection_count(), 1u);
}

TEST_F(HostLimits, IdleConnectionIsClosedButNotWhileAStreamIsOpen) {
  HostOptions so = FastOptions();
  so.idle_timeout = 200ms;
  so.echo = true;
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  TestHost& b = h.AddHost(3, FastOptions());

  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.disconnected.size() == 1 && a.observer.disconnected.size() == 1; }))
      << s.observer.Dump();
  EXPECT_EQ(s.observer.disconnected[0].cause, DisconnectCause::kIdleTimeout);
  EXPECT_EQ(s.observer.disconnected[0].info.peer, a.id());
  EXPECT_EQ(a.observer.disconnected[0].cause, DisconnectCause::kClosedByPeer);

  // A connection with an open stream is not idle, however long the stream stays open.
  ASSERT_TRUE(h.ConnectAndIdentify(b, s));
  std::vector<std::string> echo{std::string(kEchoProtocol)};
  auto opened = h.AwaitResult(b.host->NewStream(s.id(), echo));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  h.RunFor(600ms);
  EXPECT_TRUE(s.host->Connection(b.id()).has_value()) << s.observer.Dump();
  EXPECT_EQ(s.observer.disconnected.size(), 1u);
  // Closed stream: idle again, then closed.
  auto stream = opened->stream;
  ASSERT_TRUE(h.AwaitResult([](std::shared_ptr<ByteStream> st) -> Task<Result<std::string>> {
                auto w = co_await st->CloseWrite();
                if (!w.ok()) co_return w;
                co_return co_await ReadToEnd(*st, 16, "echo");
              }(stream))
                  .ok());
  stream.reset();
  opened = Status::Aborted("released");
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.disconnected.size() == 2; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.disconnected[1].cause, DisconnectCause::kIdleTimeout);
  EXPECT_EQ(s.observer.disconnected[1].info.peer, b.id());
}

// A TCP connection from `from_ip` (any address of 127/8 is this machine) to `target` that sends
// nothing. Kept open until the returned socket is destroyed.
Task<Result<std::shared_ptr<asio::ip::tcp::socket>>> SilentSocket(Executor ex, std::string from_ip, Multiaddr target) {
  auto to = target.Tcp();
  if (!to.ok()) co_return to.status();
  auto socket = std::make_shared<asio::ip::tcp::socket>(ex);
  std::error_code ec;
  socket->open(asio::ip::tcp::v4(), ec);
  if (!ec) socket->bind(asio::ip::tcp::endpoint(asio::ip::make_address(from_ip), 0), ec);
  if (ec) co_return Status::IOError("bind " + from_ip + ": " + ec.message());
  auto [cec] = co_await socket->async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address(to->host), to->port), kUseAwaitable);
  if (cec) co_return Status::IOError("connect: " + cec.message());
  co_return socket;
}

// Sybils: every slot held by an authenticated peer with one stream open and silent. A new peer still
// gets in: the silent stream does not make its connection worth keeping.
TEST_F(HostLimits, PeersHoldingSilentStreamsAreTrimmedForANewOne) {
  HostOptions so = FastOptions();
  so.max_peers = 2;
  so.low_watermark = 1;
  so.trim_grace = 300ms;
  so.maintenance_interval = 1h;  // only the accept path trims here
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  TestHost& b = h.AddHost(3, FastOptions());
  TestHost& c = h.AddHost(4, FastOptions());
  std::vector<std::shared_ptr<ByteStream>> held;
  for (TestHost* sybil : {&a, &b}) {
    ASSERT_TRUE(h.ConnectAndIdentify(*sybil, s));
    std::vector<std::string> ping{std::string(kPingProtocol)};
    auto opened = h.AwaitResult(sybil->host->NewStream(s.id(), ping));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    held.push_back(opened->stream);  // open, and never a byte on it
  }
  ASSERT_TRUE(h.RunUntil([&] { return s.host->Connection(b.id())->open_streams == 1; }));
  h.RunFor(500ms);  // past the trim grace, without traffic

  ASSERT_TRUE(h.ConnectAndIdentify(c, s)) << s.observer.Dump();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.disconnected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.disconnected[0].cause, DisconnectCause::kEvicted);
  EXPECT_TRUE(Contains(s.observer.disconnected[0].detail, "a stream held open without traffic"))
      << s.observer.disconnected[0].detail;
  EXPECT_TRUE(s.host->Connection(c.id()).has_value());
  EXPECT_TRUE(s.observer.rejected.empty()) << s.observer.Dump();
}

TEST_F(HostLimits, InboundConnectionsPerIpAreCappedButOwnDialsAreNot) {
  HostOptions so = FastOptions();
  so.max_peers_per_ip = 2;
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  TestHost& b = h.AddHost(3, FastOptions());
  TestHost& c = h.AddHost(4, FastOptions());
  TestHost& d = h.AddHost(5, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  ASSERT_TRUE(h.ConnectAndIdentify(b, s));
  auto r = h.AwaitResult(c.host->Connect(s.addr()));
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kLimitReached);
  EXPECT_TRUE(Contains(s.observer.rejected[0].error, "2 connections from 127.0.0.1 already (p2p.max_peers_per_ip)"))
      << s.observer.rejected[0].error;
  EXPECT_TRUE(Contains(s.observer.rejected[0].address, "/ip4/127.0.0.1/tcp/")) << s.observer.rejected[0].address;
  // The cap is on inbound connections: the host's own dial from the same address goes out.
  ASSERT_TRUE(h.ConnectAndIdentify(s, d)) << s.observer.Dump();
  EXPECT_EQ(s.host->connection_count(), 3u);
}

TEST_F(HostLimits, SubnetCapCountsEveryAddressOfTheSlash24) {
  HostOptions so = FastOptions();
  so.max_peers_per_subnet = 1;
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  auto silent = h.AwaitResult(SilentSocket(h.ex(), "127.0.0.9", s.listen_addr()));
  ASSERT_TRUE(silent.ok()) << silent.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_TRUE(Contains(s.observer.rejected[0].error, "the /24 network of 127.0.0.9")) << s.observer.rejected[0].error;
  EXPECT_TRUE(Contains(s.observer.rejected[0].address, "/ip4/127.0.0.9/tcp/")) << s.observer.rejected[0].address;
}

// Silent sockets hold at most max_pending_upgrades_per_ip upgrades from their address, and none of
// the max_peers slots; peers from elsewhere and the host's own dials go on.
TEST_F(HostLimits, SilentSocketsHoldOnlyTheirShareOfPendingUpgrades) {
  HostOptions so = FastOptions();
  so.max_peers = 3;
  so.max_pending_upgrades = 4;
  so.max_pending_upgrades_per_ip = 2;
  so.upgrade_timeout = 30s;  // the silent ones stay pending for the whole test
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  TestHost& d = h.AddHost(3, FastOptions());
  std::vector<std::shared_ptr<asio::ip::tcp::socket>> silent;
  for (int i = 0; i < 5; ++i) {
    auto sock = h.AwaitResult(SilentSocket(h.ex(), "127.0.0.2", s.listen_addr()));
    ASSERT_TRUE(sock.ok()) << sock.status().ToString();
    silent.push_back(*sock);
  }
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 3; })) << s.observer.Dump();
  for (const auto& r : s.observer.rejected) {
    EXPECT_EQ(r.reason, ConnectFail::kLimitReached);
    EXPECT_TRUE(Contains(r.error, "2 connections from 127.0.0.2 still upgrading (p2p.max_pending_upgrades_per_ip)"))
        << r.error;
  }
  // Two pending from 127.0.0.2 hold no slot: a peer from 127.0.0.1 and the host's own dial get in.
  ASSERT_TRUE(h.ConnectAndIdentify(a, s)) << s.observer.Dump();
  ASSERT_TRUE(h.ConnectAndIdentify(s, d)) << s.observer.Dump();
  EXPECT_TRUE(h.AwaitResult(a.host->Ping(s.id())).ok());
  // Two more silent ones from another address fill the global pending limit of 4 ...
  for (int i = 0; i < 2; ++i) {
    auto sock = h.AwaitResult(SilentSocket(h.ex(), "127.0.0.3", s.listen_addr()));
    ASSERT_TRUE(sock.ok());
    silent.push_back(*sock);
  }
  h.RunFor(100ms);
  auto third = h.AwaitResult(SilentSocket(h.ex(), "127.0.0.4", s.listen_addr()));
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 4; })) << s.observer.Dump();
  EXPECT_TRUE(Contains(s.observer.rejected[3].error, "4 connections still upgrading (p2p.max_pending_upgrades)"))
      << s.observer.rejected[3].error;
  // ... and still the host's dials are not held back by them.
  TestHost& e = h.AddHost(4, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(s, e)) << s.observer.Dump();
}

}  // namespace
}  // namespace sov::p2p
