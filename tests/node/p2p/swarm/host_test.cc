// Host (node/p2p/host.h) end to end with real hosts on loopback TCP, no mocks: connect, identify
// both ways, ping, disconnect and reconnect, three hosts, bootstrap re-dial while the bootstrap peer
// restarts, dial failures (wrong /p2p/ id, closed port, self), duplicate connections (simultaneous
// dials, a second connection from a connected peer) resolved to the same one on both ends, the peer
// limit (rejection, trimming) and idle closing; 1,000 concurrent echo streams on one connection,
// protocol refusal and the ping stream limit; and hostile peers written by hand (garbage, truncated
// and oversize frames, bad signature, slowloris, stream flood, flow-control violation), each of which
// must end in a closed connection with the exact observer reason while the host keeps serving a
// well-behaved peer. All hosts of a test share one io_context run from the test thread
// (support/host_fixture.h), so every test is single-threaded and deterministic in its outcome.
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

namespace sov::p2p {
namespace {

using sov::testing::FastOptions;
using sov::testing::HostHarness;
using sov::testing::RawConnection;
using sov::testing::RawFrame;
using sov::testing::RecordingObserver;
using sov::testing::TestHost;
using sov::testing::TestIdentity;
using sov::testing::YamuxFrame;
namespace t = sov::testing;

bool Contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

std::string Dumps(const TestHost& a, const TestHost& b) {
  return "A:\n" + a.observer.Dump() + "B:\n" + b.observer.Dump();
}

class HostTestBase : public ::testing::Test {
 protected:
  HostHarness h;
};

// ---------------------------------------------------------------------------------------------
// A. Connections between hosts.

class HostConnect : public HostTestBase {};

TEST_F(HostConnect, BothSidesSeeTheConnectionAndIdentifyEachOther) {
  HostOptions ao = FastOptions();
  ao.agent_version = "sov-test/a";
  HostOptions bo = FastOptions();
  bo.agent_version = "sov-test/b";
  bo.echo = true;
  TestHost& a = h.AddHost(1, ao);
  TestHost& b = h.AddHost(2, bo);

  auto r = h.AwaitResult(a.host->Connect(b.addr()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->peer, b.id());
  EXPECT_EQ(r->did, b.host->did());
  EXPECT_FALSE(r->inbound);
  EXPECT_EQ(r->remote_addr, b.listen_addr());

  ASSERT_TRUE(h.RunUntil([&] { return a.observer.identified.size() == 1 && b.observer.identified.size() == 1; }))
      << Dumps(a, b);

  // Both sides hold the connection and reported it once.
  ASSERT_EQ(a.host->connection_count(), 1u);
  ASSERT_EQ(b.host->connection_count(), 1u);
  auto ab = a.host->Connection(b.id());
  auto ba = b.host->Connection(a.id());
  ASSERT_TRUE(ab.has_value());
  ASSERT_TRUE(ba.has_value());
  EXPECT_FALSE(ab->inbound);
  EXPECT_TRUE(ba->inbound);
  EXPECT_EQ(ba->did, a.host->did());
  ASSERT_EQ(a.observer.connected.size(), 1u);
  ASSERT_EQ(b.observer.connected.size(), 1u);
  EXPECT_EQ(a.observer.connected[0].peer, b.id());
  EXPECT_FALSE(a.observer.connected[0].inbound);
  EXPECT_EQ(a.observer.connected[0].id, ab->id);
  EXPECT_EQ(b.observer.connected[0].peer, a.id());
  EXPECT_TRUE(b.observer.connected[0].inbound);
  EXPECT_EQ(b.observer.connected[0].id, ba->id);

  // What A learned about B.
  const ConnectionInfo& of_b = a.observer.identified[0];
  EXPECT_EQ(of_b.peer, b.id());
  EXPECT_TRUE(of_b.identified);
  EXPECT_EQ(of_b.agent_version, "sov-test/b");
  EXPECT_EQ(of_b.protocol_version, "ipfs/0.1.0");
  EXPECT_EQ(of_b.protocols, (std::vector<std::string>{"/echo/1.0.0", "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"}));
  EXPECT_EQ(of_b.listen_addrs, b.host->listen_addrs());
  EXPECT_EQ(of_b.observed_addr, ba->remote_addr);  // where B sees A
  // What B learned about A (A does not serve echo).
  const ConnectionInfo& of_a = b.observer.identified[0];
  EXPECT_EQ(of_a.peer, a.id());
  EXPECT_TRUE(of_a.identified);
  EXPECT_EQ(of_a.agent_version, "sov-test/a");
  EXPECT_EQ(of_a.protocols, (std::vector<std::string>{"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"}));
  EXPECT_EQ(of_a.listen_addrs, a.host->listen_addrs());
  EXPECT_EQ(of_a.observed_addr, b.listen_addr());  // where A sees B

  // Connection() carries the identify result too.
  EXPECT_TRUE(a.host->Connection(b.id())->identified);
  EXPECT_EQ(a.host->Connection(b.id())->agent_version, "sov-test/b");
  EXPECT_TRUE(b.host->Connection(a.id())->identified);

  // Connecting again returns the existing connection.
  auto again = h.AwaitResult(a.host->Connect(b.addr()));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->id, ab->id);
  EXPECT_EQ(a.observer.connected.size(), 1u);
  EXPECT_TRUE(a.observer.disconnected.empty() && b.observer.disconnected.empty()) << Dumps(a, b);
  EXPECT_TRUE(a.observer.dial_failed.empty() && b.observer.rejected.empty()) << Dumps(a, b);
}

TEST_F(HostConnect, PingBothWays) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& b = h.AddHost(2, FastOptions());
  TestHost& stranger = h.AddHost(3, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, b));
  for (int i = 0; i < 3; ++i) {
    auto rtt = h.AwaitResult(a.host->Ping(b.id()));
    ASSERT_TRUE(rtt.ok()) << rtt.status().ToString();
    EXPECT_GT(rtt->count(), 0);
  }
  auto back = h.AwaitResult(b.host->Ping(a.id()));  // over the inbound side of the connection
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_GT(back->count(), 0);
  // Ping streams are closed afterwards.
  ASSERT_TRUE(h.RunUntil([&] {
    return a.host->Connection(b.id())->open_streams == 0 && b.host->Connection(a.id())->open_streams == 0;
  }));
  // Not connected: fails at once.
  auto none = h.AwaitResult(a.host->Ping(stranger.id()));
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.status().IsNotFound()) << none.status().ToString();
}

TEST_F(HostConnect, DisconnectIsReportedOnBothSidesAndReconnectWorks) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& b = h.AddHost(2, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, b));
  const uint64_t first = a.host->Connection(b.id())->id;

  EXPECT_EQ(a.host->Disconnect(b.id()), 1u);
  EXPECT_EQ(a.host->connection_count(), 0u);  // at once on the closing side
  ASSERT_TRUE(h.RunUntil([&] { return a.observer.disconnected.size() == 1 && b.observer.disconnected.size() == 1; }))
      << Dumps(a, b);
  EXPECT_EQ(a.observer.disconnected[0].cause, DisconnectCause::kClosedLocally);
  EXPECT_EQ(a.observer.disconnected[0].info.peer, b.id());
  EXPECT_EQ(a.observer.disconnected[0].info.id, first);
  EXPECT_EQ(b.observer.disconnected[0].cause, DisconnectCause::kClosedByPeer);
  EXPECT_EQ(b.observer.disconnected[0].info.peer, a.id());
  EXPECT_EQ(b.host->connection_count(), 0u);
  EXPECT_EQ(a.host->Disconnect(b.id()), 0u);
  EXPECT_FALSE(h.AwaitResult(a.host->Ping(b.id())).ok());

  // Reconnect: a new connection, reported again on both sides.
  ASSERT_TRUE(h.ConnectAndIdentify(a, b)) << Dumps(a, b);
  EXPECT_NE(a.host->Connection(b.id())->id, first);
  EXPECT_EQ(a.observer.connected.size(), 2u);
  EXPECT_EQ(b.observer.connected.size(), 2u);
  EXPECT_TRUE(h.AwaitResult(a.host->Ping(b.id())).ok());

  // The other side closes this time, and then dials back.
  EXPECT_EQ(b.host->Disconnect(a.id()), 1u);
  ASSERT_TRUE(h.RunUntil([&] { return a.observer.disconnected.size() == 2 && b.observer.disconnected.size() == 2; }))
      << Dumps(a, b);
  EXPECT_EQ(a.observer.disconnected[1].cause, DisconnectCause::kClosedByPeer);
  EXPECT_EQ(b.observer.disconnected[1].cause, DisconnectCause::kClosedLocally);
  ASSERT_TRUE(h.ConnectAndIdentify(b, a)) << Dumps(a, b);
  EXPECT_TRUE(a.host->Connection(b.id())->inbound);
  EXPECT_TRUE(h.AwaitResult(a.host->Ping(b.id())).ok());
  EXPECT_TRUE(a.observer.dial_failed.empty() && b.observer.dial_failed.empty()) << Dumps(a, b);
}

TEST_F(HostConnect, ThreeHostsConnectPairwise) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& b = h.AddHost(2, FastOptions());
  TestHost& c = h.AddHost(3, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, b));
  ASSERT_TRUE(h.ConnectAndIdentify(b, c));
  ASSERT_TRUE(h.ConnectAndIdentify(c, a));
  for (TestHost* x : {&a, &b, &c}) {
    EXPECT_EQ(x->host->connection_count(), 2u);
    EXPECT_EQ(x->observer.connected.size(), 2u);
    EXPECT_EQ(x->observer.identified.size(), 2u);
    for (TestHost* y : {&a, &b, &c}) {
      if (x == y) continue;
      auto rtt = h.AwaitResult(x->host->Ping(y->id()));
      EXPECT_TRUE(rtt.ok()) << rtt.status().ToString();
    }
  }
  // Dropping one link leaves the others.
  EXPECT_EQ(a.host->Disconnect(b.id()), 1u);
  ASSERT_TRUE(h.RunUntil([&] { return b.host->connection_count() == 1; }));
  EXPECT_EQ(a.host->connection_count(), 1u);
  EXPECT_EQ(c.host->connection_count(), 2u);
  EXPECT_TRUE(h.AwaitResult(a.host->Ping(c.id())).ok());
  EXPECT_TRUE(h.AwaitResult(b.host->Ping(c.id())).ok());
}

// ---------------------------------------------------------------------------------------------
// Bootstrap.

class HostBootstrap : public HostTestBase {};

TEST_F(HostBootstrap, RedialsWhileThePeerIsDownAndReconnectsWhenItIsBack) {
  TestHost& a = h.AddHost(1, FastOptions());
  const uint16_t port = a.port();
  const Multiaddr a_addr = a.addr();
  HostOptions co = FastOptions();
  co.bootstrap_peers = {a_addr};
  TestHost& c = h.AddHost(3, co);  // Start() dials A

  ASSERT_TRUE(h.RunUntil([&] {
    auto ca = c.host->Connection(a.id());
    auto ac = a.host->Connection(c.id());
    return c.observer.IdentifiedBy(a.id()) == 1 && a.observer.IdentifiedBy(c.id()) == 1 && ca && ac &&
           ca->open_streams == 0 && ac->open_streams == 0;
  })) << Dumps(a, c);
  EXPECT_FALSE(c.host->Connection(a.id())->inbound);
  EXPECT_TRUE(c.observer.dial_failed.empty());

  // A goes away: C sees it close and keeps re-dialling (refused while nothing listens).
  h.ShutdownHost(a);
  ASSERT_EQ(a.observer.disconnected.size(), 1u);
  EXPECT_EQ(a.observer.disconnected[0].cause, DisconnectCause::kShutdown);
  ASSERT_TRUE(h.RunUntil([&] { return c.observer.disconnected.size() == 1; })) << Dumps(a, c);
  EXPECT_EQ(c.observer.disconnected[0].cause, DisconnectCause::kClosedByPeer);
  EXPECT_EQ(c.observer.disconnected[0].info.peer, a.id());
  ASSERT_TRUE(h.RunUntil([&] { return c.observer.dial_failed.size() >= 3; })) << Dumps(a, c);
  for (const auto& f : c.observer.dial_failed) {
    EXPECT_EQ(f.reason, ConnectFail::kRefused) << f.error;
    EXPECT_EQ(f.address, a_addr.ToString());
    EXPECT_EQ(f.peer_id, a.id().ToString());
  }
  EXPECT_EQ(c.host->connection_count(), 0u);

  // A comes back with the same identity on the same port: C reconnects by itself.
  TestHost& a2 = h.AddHost(1, FastOptions(port));
  ASSERT_EQ(a2.id(), a.id());
  ASSERT_EQ(a2.port(), port);
  ASSERT_TRUE(h.RunUntil([&] { return c.observer.connected.size() == 2 && a2.host->Connection(c.id()).has_value(); }))
      << Dumps(a2, c);
  EXPECT_EQ(c.observer.connected[1].peer, a.id());
  EXPECT_FALSE(c.observer.connected[1].inbound);
  EXPECT_TRUE(a2.observer.connected.at(0).inbound);
  ASSERT_TRUE(h.RunUntil([&] { return c.observer.IdentifiedBy(a.id()) == 2; })) << Dumps(a2, c);

  // Connected again: no more dialling, and the connection is usable.
  const size_t failures = c.observer.dial_failed.size();
  h.RunFor(300ms);
  EXPECT_EQ(c.observer.dial_failed.size(), failures);
  EXPECT_EQ(c.host->connection_count(), 1u);
  EXPECT_EQ(c.observer.connected.size(), 2u);
  EXPECT_TRUE(h.AwaitResult(c.host->Ping(a.id())).ok());
}

// ---------------------------------------------------------------------------------------------
// Dial failures and duplicates.

class HostDial : public HostTestBase {};

TEST_F(HostDial, ClosedPortIsRefused) {
  TestHost& a = h.AddHost(1, FastOptions());
  uint16_t port = 0;
  {
    asio::ip::tcp::acceptor probe(h.io(), asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = probe.local_endpoint().port();
  }  // closed: nothing listens there now
  const Multiaddr addr = *Multiaddr::FromTcp("127.0.0.1", port);
  auto r = h.AwaitResult(a.host->Connect(addr));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(a.observer.dial_failed.size(), 1u) << a.observer.Dump();
  EXPECT_EQ(a.observer.dial_failed[0].reason, ConnectFail::kRefused);
  EXPECT_EQ(a.observer.dial_failed[0].address, addr.ToString());
  EXPECT_EQ(a.observer.dial_failed[0].peer_id, "");
  EXPECT_EQ(a.host->connection_count(), 0u);
}

TEST_F(HostDial, SelfIsRefused) {
  TestHost& a = h.AddHost(1, FastOptions());
  // With our own /p2p/ id: refused before any connection.
  auto r = h.AwaitResult(a.host->Connect(a.addr()));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(a.observer.dial_failed.size(), 1u);
  EXPECT_EQ(a.observer.dial_failed[0].reason, ConnectFail::kSelf);
  EXPECT_EQ(a.observer.dial_failed[0].peer_id, a.id().ToString());
  h.RunFor(50ms);
  EXPECT_TRUE(a.observer.rejected.empty()) << a.observer.Dump();

  // Without a /p2p/ id: the handshake finds ourselves at the other end; both ends refuse.
  auto r2 = h.AwaitResult(a.host->Connect(a.listen_addr()));
  ASSERT_FALSE(r2.ok());
  ASSERT_EQ(a.observer.dial_failed.size(), 2u);
  EXPECT_EQ(a.observer.dial_failed[1].reason, ConnectFail::kSelf);
  EXPECT_EQ(a.observer.dial_failed[1].peer_id, a.id().ToString());
  ASSERT_TRUE(h.RunUntil([&] { return a.observer.rejected.size() == 1; })) << a.observer.Dump();
  EXPECT_EQ(a.observer.rejected[0].reason, ConnectFail::kSelf);
  EXPECT_EQ(a.host->connection_count(), 0u);
  EXPECT_TRUE(a.observer.connected.empty());
}

// Both hosts dial each other in the same turn of the event loop. Whatever order the four upgrades
// finish in, both ends must settle on the same single connection: the one dialled by the smaller
// peer id.
TEST_F(HostDial, SimultaneousDialsSettleOnOneConnection) {
  int a_smaller_rounds = 0;
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // Seeds chosen so that A has the smaller peer id in some rounds and the larger in others.
    TestHost& a = h.AddHost(static_cast<uint8_t>(round < 3 ? 10 + round : 30 + round), FastOptions());
    TestHost& b = h.AddHost(static_cast<uint8_t>(round < 3 ? 20 + round : 40 + round), FastOptions());
    std::shared_ptr<std::optional<Result<ConnectionInfo>>> ra, rb;
    if (round % 2 == 0) {
      ra = h.Start(a.host->Connect(b.addr()));
      rb = h.Start(b.host->Connect(a.addr()));
    } else {
      rb = h.Start(b.host->Connect(a.addr()));
      ra = h.Start(a.host->Connect(b.addr()));
    }
    ASSERT_TRUE(h.RunUntil([&] { return ra->has_value() && rb->has_value(); }));

    const bool a_smaller = a.id() < b.id();
    a_smaller_rounds += a_smaller;
    auto settled = [&] {
      auto ab = a.host->Connection(b.id());
      auto ba = b.host->Connection(a.id());
      return a.host->connection_count() == 1 && b.host->connection_count() == 1 && ab && ba &&
             ab->inbound == !a_smaller && ba->inbound == a_smaller && ab->open_streams == 0 && ba->open_streams == 0;
    };
    ASSERT_TRUE(h.RunUntil(settled)) << Dumps(a, b);
    const uint64_t a_conn = a.host->Connection(b.id())->id;
    const uint64_t b_conn = b.host->Connection(a.id())->id;
    h.RunFor(200ms);  // and it stays that way
    ASSERT_TRUE(settled()) << Dumps(a, b);
    EXPECT_EQ(a.host->Connection(b.id())->id, a_conn);
    EXPECT_EQ(b.host->Connection(a.id())->id, b_conn);
    // The kept connection works both ways.
    EXPECT_TRUE(h.AwaitResult(a.host->Ping(b.id())).ok());
    EXPECT_TRUE(h.AwaitResult(b.host->Ping(a.id())).ok());
    // Every connection that was reported and ended, ended as a duplicate (or because the other end
    // dropped it as one); an inbound connection dropped before it was reported is a kDuplicate
    // rejection.
    for (TestHost* x : {&a, &b}) {
      EXPECT_EQ(x->observer.connected.size(), x->observer.disconnected.size() + 1) << Dumps(a, b);
      for (const auto& r : x->observer.rejected) EXPECT_EQ(r.reason, ConnectFail::kDuplicate) << r.error;
      for (const auto& d : x->observer.disconnected) {
        EXPECT_TRUE(d.cause == DisconnectCause::kDuplicate || d.cause == DisconnectCause::kClosedByPeer ||
                    d.cause == DisconnectCause::kError)
            << DisconnectCauseName(d.cause) << ": " << d.detail;
      }
    }
  }
  // Both orders of peer ids, each with both orders of dialling, were exercised.
  EXPECT_EQ(a_smaller_rounds, 3);
}

// A second connection from a peer that is already connected, made by hand with the peer's own
// identity so that the order is certain: the host keeps the connection dialled by the smaller peer
// id, and between two dialled the same way, the older one.
TEST_F(HostDial, SecondConnectionFromAConnectedPeerFollowsTheDialerRule) {
  struct Case {
    uint8_t s_seed, p_seed;
    bool s_dialled;  // who dialled the existing connection
  };
  int replaced = 0, dropped = 0;
  for (const Case& c : {Case{60, 61, true}, Case{62, 63, true}, Case{64, 65, true}, Case{66, 67, false}}) {
    SCOPED_TRACE(fmt::format("seeds {} {} {}", c.s_seed, c.p_seed, c.s_dialled ? "s dialled" : "p dialled"));
    TestHost& s = h.AddHost(c.s_seed, FastOptions());
    TestHost& p = h.AddHost(c.p_seed, FastOptions());
    ASSERT_TRUE(c.s_dialled ? h.ConnectAndIdentify(s, p) : h.ConnectAndIdentify(p, s));
    const uint64_t existing = s.host->Connection(p.id())->id;
    const bool fresh_wins = c.s_dialled && p.id() < s.id();

    auto raw = h.AwaitResult(t::RawUpgrade(h.ex(), s.addr(), *p.identity));
    ASSERT_TRUE(raw.ok()) << raw.status().ToString();
    if (!fresh_wins) {
      ++dropped;
      ASSERT_TRUE(h.Await(t::ReadUntilClosed(raw->stream)).has_value()) << "the second connection stayed open";
      ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
      EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kDuplicate);
      EXPECT_EQ(s.observer.rejected[0].peer_id, p.id().ToString());
      EXPECT_EQ(s.host->Connection(p.id())->id, existing);
      EXPECT_EQ(s.observer.connected.size(), 1u);
      EXPECT_TRUE(s.observer.disconnected.empty() && p.observer.disconnected.empty()) << Dumps(s, p);
      EXPECT_TRUE(h.AwaitResult(s.host->Ping(p.id())).ok());
    } else {
      ++replaced;
      ASSERT_TRUE(h.RunUntil([&] { return s.observer.disconnected.size() == 1 && p.observer.disconnected.size() == 1; }))
          << Dumps(s, p);
      EXPECT_EQ(s.observer.disconnected[0].cause, DisconnectCause::kDuplicate);
      EXPECT_EQ(s.observer.disconnected[0].info.id, existing);
      EXPECT_EQ(p.observer.disconnected[0].cause, DisconnectCause::kClosedByPeer);
      auto now = s.host->Connection(p.id());
      ASSERT_TRUE(now.has_value());
      EXPECT_NE(now->id, existing);
      EXPECT_TRUE(now->inbound);
      EXPECT_EQ(s.host->connection_count(), 1u);
      EXPECT_TRUE(s.observer.rejected.empty()) << s.observer.Dump();
    }
  }
  // The seeds give both outcomes of the id comparison.
  EXPECT_GT(replaced, 0);
  EXPECT_GT(dropped, 1);
}

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

// ---------------------------------------------------------------------------------------------
// B. Many streams on one connection.

class HostStreams : public HostTestBase {};

Task<Status> EchoRoundTrip(Host& host, PeerId peer, std::string payload) {
  std::vector<std::string> protocols{std::string(kEchoProtocol)};
  auto opened = co_await host.NewStream(peer, protocols);
  if (!opened.ok()) co_return opened.status().WithContext("open");
  if (opened->protocol != kEchoProtocol) co_return Status::Corruption("negotiated " + opened->protocol);
  auto stream = opened->stream;
  if (Status s = co_await stream->Write(payload); !s.ok()) co_return s.WithContext("write");
  if (Status s = co_await stream->CloseWrite(); !s.ok()) co_return s.WithContext("close write");
  auto echoed = co_await ReadToEnd(*stream, payload.size() + 1, "echo");
  if (!echoed.ok()) co_return echoed.status();
  if (*echoed != payload) {
    co_return Status::Corruption(fmt::format("echo: {} bytes back for {} sent, or different bytes", echoed->size(),
                                             payload.size()));
  }
  co_return Status::OK();
}

TEST_F(HostStreams, ThousandConcurrentEchoStreamsOnOneConnection) {
  constexpr size_t kStreams = 1000;
  constexpr size_t kBytes = 4096;
  HostOptions so = FastOptions();
  so.echo = true;
  so.negotiation_timeout = 30s;  // 1,000 negotiations queue up on one thread (and under ASan)
  HostOptions ao = FastOptions();
  ao.negotiation_timeout = 30s;
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, ao);
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  const uint64_t conn = a.host->Connection(s.id())->id;

  std::vector<std::optional<Status>> results(kStreams);
  for (size_t i = 0; i < kStreams; ++i) {
    asio::co_spawn(h.io(), EchoRoundTrip(*a.host, s.id(), t::RandomBytes(kBytes, 1000 + i)),
                   [&results, i](std::exception_ptr e, Status st) {
                     results[i] = e ? Status::Aborted("exception") : std::move(st);
                   });
  }
  ASSERT_TRUE(h.RunUntil(
      [&] { return std::all_of(results.begin(), results.end(), [](const auto& r) { return r.has_value(); }); }, 120s));
  size_t ok = 0;
  std::string first_error;
  for (const auto& r : results) {
    if (r->ok()) {
      ++ok;
    } else if (first_error.empty()) {
      first_error = r->ToString();
    }
  }
  EXPECT_EQ(ok, kStreams) << first_error;
  // Same connection throughout, every stream closed, nothing else happened.
  ASSERT_TRUE(h.RunUntil([&] {
    auto as = a.host->Connection(s.id());
    auto sa = s.host->Connection(a.id());
    return as && sa && as->open_streams == 0 && sa->open_streams == 0;
  }));
  EXPECT_EQ(a.host->Connection(s.id())->id, conn);
  EXPECT_TRUE(a.observer.disconnected.empty() && s.observer.disconnected.empty()) << Dumps(a, s);
}

TEST_F(HostStreams, UnsupportedProtocolIsRefusedAndTheConnectionStays) {
  TestHost& s = h.AddHost(1, FastOptions());  // echo off
  TestHost& a = h.AddHost(2, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  std::vector<std::string> wanted{std::string(kEchoProtocol), "/sov-test/none/1.0.0"};
  auto r = h.AwaitResult(a.host->NewStream(s.id(), wanted));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "peer supports none of")) << r.status().ToString();
  std::vector<std::string> fallback{"/sov-test/none/1.0.0", std::string(kPingProtocol)};
  auto second = h.AwaitResult(a.host->NewStream(s.id(), fallback));  // the second proposal is taken
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->protocol, kPingProtocol);
  EXPECT_TRUE(h.AwaitResult(a.host->Ping(s.id())).ok());
  EXPECT_TRUE(s.observer.disconnected.empty());
}

TEST_F(HostStreams, InboundPingStreamsAreLimitedPerConnection) {
  HostOptions so = FastOptions();
  so.max_inbound_ping_streams = 2;
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  // One ping round trip on a stream that stays open; returns the stream (or the error).
  auto ping_once = [](Host& host, PeerId peer) -> Task<Result<std::shared_ptr<ByteStream>>> {
    std::vector<std::string> ping{std::string(kPingProtocol)};
    auto opened = co_await host.NewStream(peer, ping);
    if (!opened.ok()) co_return opened.status();
    const std::string payload(32, 'p');
    if (Status w = co_await opened->stream->Write(payload); !w.ok()) co_return w;
    auto echo = co_await ReadExact(*opened->stream, 32, "ping");
    if (!echo.ok()) co_return echo.status();
    if (*echo != payload) co_return Status::Corruption("ping echoed other bytes");
    co_return opened->stream;
  };
  auto first = h.AwaitResult(ping_once(*a.host, s.id()));
  auto second = h.AwaitResult(ping_once(*a.host, s.id()));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  auto third = h.AwaitResult(ping_once(*a.host, s.id()));  // two are still open: reset
  ASSERT_FALSE(third.ok());
  EXPECT_TRUE(Contains(third.status().message(), "reset")) << third.status().ToString();
  // Closing one makes room again.
  (*first)->Reset();
  first = Status::Aborted("closed");
  ASSERT_TRUE(h.RunUntil([&] { return s.host->Connection(a.id())->open_streams == 1; }));
  h.RunFor(20ms);  // the server's ping handler sees the reset and returns
  EXPECT_TRUE(h.AwaitResult(ping_once(*a.host, s.id())).ok());
  EXPECT_TRUE(s.observer.disconnected.empty());
}

// ---------------------------------------------------------------------------------------------
// C. Hostile peers.

class HostHostile : public HostTestBase {};

// Connects, writes `bytes`, half-closes if asked, and reads until the host closes the connection.
Task<Result<size_t>> SendRaw(Executor ex, Multiaddr addr, std::string bytes, bool close_write) {
  auto tcp = co_await t::DialTcp(ex, addr);
  if (!tcp.ok()) co_return tcp.status();
  if (!bytes.empty()) {
    if (Status s = co_await (*tcp)->Write(bytes); !s.ok()) co_return s;
  }
  if (close_write) (void)co_await (*tcp)->CloseWrite();
  co_return co_await t::ReadUntilClosed(*tcp);
}

// As SendRaw, after negotiating /noise with multistream-select.
Task<Result<size_t>> SendAfterNoiseSelect(Executor ex, Multiaddr addr, std::string bytes, bool close_write) {
  auto tcp = co_await t::DialTcp(ex, addr);
  if (!tcp.ok()) co_return tcp.status();
  auto plain = co_await t::Select(*tcp, std::string(kNoiseProtocol));
  if (!plain.ok()) co_return plain.status();
  if (!bytes.empty()) {
    if (Status s = co_await (*plain)->Write(bytes); !s.ok()) co_return s;
  }
  if (close_write) (void)co_await (*plain)->CloseWrite();
  co_return co_await t::ReadUntilClosed(*plain);
}

// Writes `bytes` on an upgraded connection (in the background: the host may stop reading) while
// collecting every frame the host sends until it closes the connection.
Task<std::vector<RawFrame>> WriteAndCollect(Executor ex, RawConnection raw, std::string bytes) {
  asio::co_spawn(
      ex,
      [](std::shared_ptr<ByteStream> s, std::string b) -> Task<void> { (void)co_await s->Write(b); }(raw.stream,
                                                                                                       std::move(bytes)),
      asio::detached);
  co_return co_await t::ReadFramesUntilClosed(raw.stream);
}

const RecordingObserver::Disconnect* DisconnectOf(const TestHost& host, const PeerId& peer) {
  for (const auto& d : host.observer.disconnected) {
    if (d.info.peer == peer) return &d;
  }
  return nullptr;
}

bool HasGoAway(const std::vector<RawFrame>& frames, uint32_t code) {
  return std::any_of(frames.begin(), frames.end(), [&](const RawFrame& f) {
    return f.type == t::kYamuxGoAway && f.stream_id == 0 && f.length == code;
  });
}

TEST_F(HostHostile, GarbageInsteadOfMultistreamIsNegotiationFailed) {
  TestHost& s = h.AddHost(1, FastOptions());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"unterminated varint", std::string(16, '\xff')},
      {"an HTTP request",
       "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
       "Connection: close\r\n\r\n"},
      {"another multistream version", EncodeMultistreamMessage("/multistream/2.0.0") + EncodeMultistreamMessage("/noise")},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].first);
    auto closed = h.AwaitResult(SendRaw(h.ex(), s.listen_addr(), cases[i].second, false));
    ASSERT_TRUE(closed.ok()) << closed.status().ToString();  // the host closed the connection
    ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == i + 1; })) << s.observer.Dump();
    EXPECT_EQ(s.observer.rejected[i].reason, ConnectFail::kNegotiationFailed) << s.observer.rejected[i].error;
    EXPECT_EQ(s.observer.rejected[i].peer_id, "");
  }
  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, TruncatedNoiseFrameIsNoiseFailed) {
  TestHost& s = h.AddHost(1, FastOptions());
  std::string frame = std::string("\x03\xe8", 2) + std::string(10, 'x');  // announces 1000 bytes, sends 10
  auto closed = h.AwaitResult(SendAfterNoiseSelect(h.ex(), s.listen_addr(), frame, /*close_write=*/true));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kNoiseFailed) << s.observer.rejected[0].error;
  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, OversizeMultistreamLengthIsNegotiationFailed) {
  TestHost& s = h.AddHost(1, FastOptions());
  std::string bytes = EncodeUvarint(100000) + std::string(64, 'a');
  auto closed = h.AwaitResult(SendRaw(h.ex(), s.listen_addr(), bytes, false));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kNegotiationFailed);
  EXPECT_TRUE(Contains(s.observer.rejected[0].error, "100000")) << s.observer.rejected[0].error;
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, YamuxDataFrameLongerThanTheWindowIsFlowControl) {
  TestHost& s = h.AddHost(1, FastOptions());
  auto me = TestIdentity(40);
  const PeerId my_id = PeerId::FromEd25519(me->public_key());
  auto raw = h.AwaitResult(t::RawUpgrade(h.ex(), s.addr(), *me));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.ConnectedTo(my_id) == 1; })) << s.observer.Dump();

  const uint32_t length = 256 * 1024 + 1;  // one byte past the initial window, in one frame
  std::string bytes = YamuxFrame(t::kYamuxData, t::kYamuxSyn, 1, length, t::RandomBytes(length, 7));
  auto frames = h.Await(WriteAndCollect(h.ex(), *raw, std::move(bytes)));
  ASSERT_TRUE(frames.has_value()) << "the host did not close the connection";
  EXPECT_TRUE(HasGoAway(*frames, 1)) << "no GoAway(protocol_error)";
  ASSERT_TRUE(h.RunUntil([&] { return DisconnectOf(s, my_id) != nullptr; })) << s.observer.Dump();
  EXPECT_EQ(DisconnectOf(s, my_id)->cause, DisconnectCause::kFlowControl) << DisconnectOf(s, my_id)->detail;
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, BadNoiseSignatureIsBadSignature) {
  TestHost& s = h.AddHost(1, FastOptions());
  auto me = TestIdentity(40);
  auto client = [](Executor ex, Multiaddr addr, const Signer& id) -> Task<Result<size_t>> {
    auto tcp = co_await t::DialTcp(ex, addr);
    if (!tcp.ok()) co_return tcp.status();
    auto plain = co_await t::Select(*tcp, std::string(kNoiseProtocol));
    if (!plain.ok()) co_return plain.status();
    auto hs = co_await NoiseConnection::Handshake(*plain, NoiseHandshake::Role::kInitiator, id, addr.peer_id(),
                                                  NoiseOptions{.stream_muxers = {}, .test_corrupt_signature = true});
    // Our side authenticated the host; the host must refuse us.
    if (auto* f = std::get_if<NoiseConnection::Failure>(&hs)) co_return f->status;
    co_return co_await t::ReadUntilClosed(std::get<NoiseConnection::Upgraded>(hs).connection);
  };
  auto closed = h.AwaitResult(client(h.ex(), s.addr(), *me));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kBadSignature) << s.observer.rejected[0].error;
  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, DialedListenerWithAnotherPeerIdIsPeerIdMismatch) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& s = h.AddHost(2, FastOptions());
  const PeerId someone_else = PeerId::FromEd25519(TestIdentity(9)->public_key());
  const Multiaddr wrong = s.listen_addr().WithPeerId(someone_else);
  auto r = h.AwaitResult(a.host->Connect(wrong));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(a.observer.dial_failed.size(), 1u) << a.observer.Dump();
  EXPECT_EQ(a.observer.dial_failed[0].reason, ConnectFail::kPeerIdMismatch) << a.observer.dial_failed[0].error;
  EXPECT_EQ(a.observer.dial_failed[0].peer_id, someone_else.ToString());
  EXPECT_EQ(a.observer.dial_failed[0].address, wrong.ToString());
  EXPECT_EQ(a.host->connection_count(), 0u);
  EXPECT_TRUE(a.observer.connected.empty());
  // The listener sees the dialler give up in the middle of the handshake.
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kNoiseFailed);
  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));  // with the right id it works
}

TEST_F(HostHostile, SlowlorisTimesOutInEveryPhase) {
  HostOptions so = FastOptions();
  so.negotiation_timeout = 300ms;
  so.handshake_timeout = 300ms;
  TestHost& s = h.AddHost(1, so);
  auto me = TestIdentity(40);

  // 1. TCP connect, then silence.
  auto silent = h.AwaitResult(SendRaw(h.ex(), s.listen_addr(), "", false));
  ASSERT_TRUE(silent.ok()) << silent.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kTimeout) << s.observer.rejected[0].error;
  EXPECT_TRUE(Contains(s.observer.rejected[0].error, "security negotiation")) << s.observer.rejected[0].error;

  // 2. /noise negotiated, Noise message A sent, message C never comes.
  NoiseHandshake hs(NoiseHandshake::Role::kInitiator, *me, s.id());
  auto a = hs.WriteMessageA();
  ASSERT_TRUE(a.ok());
  std::string frame = {static_cast<char>(a->size() >> 8), static_cast<char>(a->size() & 0xff)};
  frame += *a;
  auto stalled = h.AwaitResult(SendAfterNoiseSelect(h.ex(), s.listen_addr(), frame, false));
  ASSERT_TRUE(stalled.ok()) << stalled.status().ToString();
  EXPECT_GT(*stalled, 0u);  // message B arrived before the host gave up
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 2; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[1].reason, ConnectFail::kTimeout) << s.observer.rejected[1].error;
  EXPECT_TRUE(Contains(s.observer.rejected[1].error, "noise handshake")) << s.observer.rejected[1].error;

  // 3. Noise done, the muxer never negotiated.
  auto client = [](Executor ex, Multiaddr addr, const Signer& id) -> Task<Result<size_t>> {
    auto tcp = co_await t::DialTcp(ex, addr);
    if (!tcp.ok()) co_return tcp.status();
    auto plain = co_await t::Select(*tcp, std::string(kNoiseProtocol));
    if (!plain.ok()) co_return plain.status();
    auto up = co_await NoiseConnection::Handshake(*plain, NoiseHandshake::Role::kInitiator, id, addr.peer_id());
    if (auto* f = std::get_if<NoiseConnection::Failure>(&up)) co_return f->status;
    co_return co_await t::ReadUntilClosed(std::get<NoiseConnection::Upgraded>(up).connection);
  };
  auto muxless = h.AwaitResult(client(h.ex(), s.addr(), *me));
  ASSERT_TRUE(muxless.ok()) << muxless.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 3; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[2].reason, ConnectFail::kTimeout) << s.observer.rejected[2].error;
  EXPECT_TRUE(Contains(s.observer.rejected[2].error, "muxer negotiation")) << s.observer.rejected[2].error;
  EXPECT_EQ(s.observer.rejected[2].peer_id, PeerId::FromEd25519(me->public_key()).ToString());

  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, StreamFloodIsResetThenStreamLimit) {
  constexpr size_t kMaxStreams = 4;
  constexpr size_t kMaxRefused = 32;
  HostOptions so = FastOptions();
  so.yamux.max_inbound_streams = kMaxStreams;
  so.yamux.max_refused_streams = kMaxRefused;
  TestHost& s = h.AddHost(1, so);
  auto me = TestIdentity(40);
  const PeerId my_id = PeerId::FromEd25519(me->public_key());
  auto raw = h.AwaitResult(t::RawUpgrade(h.ex(), s.addr(), *me));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.ConnectedTo(my_id) == 1; })) << s.observer.Dump();

  std::string syns;  // far more SYNs than the host allows, none ever closed
  for (uint32_t i = 0; i < 400; ++i) syns += YamuxFrame(t::kYamuxWindowUpdate, t::kYamuxSyn, 1 + 2 * i, 0);
  auto frames = h.Await(WriteAndCollect(h.ex(), *raw, std::move(syns)));
  ASSERT_TRUE(frames.has_value()) << "the host did not close the connection";

  std::vector<uint32_t> acked, reset;
  size_t goaway_at = frames->size(), first_reset_at = frames->size();
  for (size_t i = 0; i < frames->size(); ++i) {
    const RawFrame& f = (*frames)[i];
    if (f.stream_id % 2 == 1 && (f.flags & t::kYamuxAck)) acked.push_back(f.stream_id);
    if (f.stream_id % 2 == 1 && (f.flags & t::kYamuxRst)) {
      if (reset.empty()) first_reset_at = i;
      reset.push_back(f.stream_id);
    }
    if (f.type == t::kYamuxGoAway && goaway_at == frames->size()) goaway_at = i;
  }
  EXPECT_EQ(acked, (std::vector<uint32_t>{1, 3, 5, 7}));
  ASSERT_EQ(reset.size(), kMaxRefused);  // every refused SYN was answered with RST, up to the limit
  EXPECT_EQ(reset.front(), 1 + 2 * kMaxStreams);
  EXPECT_EQ(reset.back(), 1 + 2 * (kMaxStreams + kMaxRefused - 1));
  ASSERT_LT(goaway_at, frames->size()) << "no GoAway";
  EXPECT_LT(first_reset_at, goaway_at);
  EXPECT_EQ((*frames)[goaway_at].length, 1u);  // protocol error
  ASSERT_TRUE(h.RunUntil([&] { return DisconnectOf(s, my_id) != nullptr; })) << s.observer.Dump();
  EXPECT_EQ(DisconnectOf(s, my_id)->cause, DisconnectCause::kStreamLimit) << DisconnectOf(s, my_id)->detail;
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

// A handler that holds its stream without reading until released.
Task<void> Park(std::shared_ptr<Signal> release, std::shared_ptr<ByteStream> stream) {
  co_await release->Wait();
  stream->Reset();
}

TEST_F(HostHostile, IgnoringFlowControlIsFlowControl) {
  constexpr std::string_view kPark = "/sov-test/park/1.0.0";
  TestHost& s = h.AddHost(1, FastOptions());
  auto release = std::make_shared<Signal>(h.ex());
  s.host->SetHandler(std::string(kPark), [release](std::shared_ptr<ByteStream> stream, ConnectionInfo) {
    return Park(release, std::move(stream));
  });
  auto me = TestIdentity(40);
  const PeerId my_id = PeerId::FromEd25519(me->public_key());
  auto raw = h.AwaitResult(t::RawUpgrade(h.ex(), s.addr(), *me));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();

  // Stream 1 negotiates the parking protocol; wait until the host accepted it.
  const std::string mss = EncodeMultistreamMessage(kMultistreamHeader) + EncodeMultistreamMessage(kPark);
  std::string open = YamuxFrame(t::kYamuxWindowUpdate, t::kYamuxSyn, 1, 0) +
                     YamuxFrame(t::kYamuxData, 0, 1, static_cast<uint32_t>(mss.size()), mss);
  ASSERT_TRUE(h.AwaitResult([](std::shared_ptr<ByteStream> st, std::string b) -> Task<Result<bool>> {
                auto w = co_await st->Write(b);
                if (!w.ok()) co_return w;
                std::string on_stream_1;
                while (!Contains(on_stream_1, "/sov-test/park/1.0.0\n")) {
                  auto f = co_await t::ReadFrame(st);
                  if (!f.ok()) co_return f.status();
                  if (f->stream_id == 1) on_stream_1 += f->payload;
                }
                co_return true;
              }(raw->stream, open))
                  .ok());

  // 320 KiB in 16 KiB frames, never waiting for a window update: past the 256 KiB window.
  std::string flood;
  for (int i = 0; i < 20; ++i) flood += YamuxFrame(t::kYamuxData, 0, 1, 16384, t::RandomBytes(16384, i));
  auto frames = h.Await(WriteAndCollect(h.ex(), *raw, std::move(flood)));
  ASSERT_TRUE(frames.has_value()) << "the host did not close the connection";
  EXPECT_TRUE(HasGoAway(*frames, 1)) << "no GoAway(protocol_error)";
  ASSERT_TRUE(h.RunUntil([&] { return DisconnectOf(s, my_id) != nullptr; })) << s.observer.Dump();
  EXPECT_EQ(DisconnectOf(s, my_id)->cause, DisconnectCause::kFlowControl) << DisconnectOf(s, my_id)->detail;
  EXPECT_TRUE(Contains(DisconnectOf(s, my_id)->detail, "stream 1")) << DisconnectOf(s, my_id)->detail;
  release->Notify();
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

}  // namespace
}  // namespace sov::p2p
