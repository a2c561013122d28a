// Dial failures (closed port, self) and duplicate connections (simultaneous dials, a second
// connection from a connected peer), resolved to the same one on both ends; real hosts on loopback.

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
namespace t = sov::testing;
using sov::testing::Dumps;
using sov::testing::HostTestBase;

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

}  // namespace
}  // namespace sov::p2p
