// Connections between real hosts on loopback TCP, no mocks: connect, identify both ways, ping,
// disconnect and reconnect, three hosts, and the bootstrap re-dial while the bootstrap peer
// restarts. All hosts of a test share one io_context run from the test thread
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
#include "support/host_test_base.h"

namespace sov::p2p {
namespace {

using sov::testing::FastOptions;
using sov::testing::TestHost;
using sov::testing::Dumps;
using sov::testing::HostTestBase;

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

}  // namespace
}  // namespace sov::p2p
