// The connection manager's decisions (which connections to close, and why) with exact expected
// outputs, no sockets: idle timeout, trim grace, the trim order (idle before streams held open
// silently, lower value first, least recently active first), the low watermark, active connections
// and bootstrap peers spared; and the bootstrap backoff arithmetic.

#include <gtest/gtest.h>

#include <vector>

#include "node/p2p/swarm/conn_manager.h"
#include "node/p2p/swarm/dialer.h"

namespace sov::p2p {
namespace {

using namespace std::chrono_literals;

SwarmOptions Limits(size_t max_peers, size_t low_watermark) {
  SwarmOptions o;
  o.max_peers = max_peers;
  o.low_watermark = low_watermark;
  o.idle_timeout = 300s;
  o.trim_grace = 20s;
  return o;
}

const Clock::time_point kT0 = Clock::time_point() + 1000h;

// A connection opened `age` before kT0 whose last traffic was `quiet` before kT0.
ConnLoad Load(uint64_t id, Clock::duration age, Clock::duration quiet, size_t streams = 0, bool bootstrap = false) {
  return ConnLoad{id, kT0 - age, kT0 - quiet, streams, bootstrap};
}

std::vector<uint64_t> Ids(const std::vector<Closure>& closures) {
  std::vector<uint64_t> out;
  for (const auto& c : closures) out.push_back(c.id);
  return out;
}

TEST(ConnManager, BelowTheLimitOnlyIdleTimeoutsClose) {
  ConnManager m(Limits(4, 2));
  auto plan = m.PlanTrim({Load(1, 400s, 301s), Load(2, 400s, 100s), Load(3, 400s, 300s)}, kT0, false);
  ASSERT_EQ(Ids(plan), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(plan[0].cause, DisconnectCause::kIdleTimeout);
  EXPECT_EQ(plan[0].detail, "no stream for 301 s");
  EXPECT_EQ(plan[1].detail, "no stream for 300 s");
}

TEST(ConnManager, IdleTimeoutCountsFromOpeningWhenThereWasNoTraffic) {
  ConnManager m(Limits(4, 2));
  // Last activity long ago but opened 10 s ago: quiet is 10 s.
  EXPECT_TRUE(m.PlanTrim({Load(1, 10s, 1000s)}, kT0, false).empty());
}

TEST(ConnManager, ZeroIdleTimeoutNeverCloses) {
  SwarmOptions o = Limits(4, 2);
  o.idle_timeout = 0s;
  ConnManager m(o);
  EXPECT_TRUE(m.PlanTrim({Load(1, 10000s, 10000s)}, kT0, false).empty());
}

TEST(ConnManager, AtMaxPeersTheLeastRecentlyActiveIdleOnesGoDownToTheLowWatermark) {
  ConnManager m(Limits(4, 2));
  auto plan = m.PlanTrim({Load(1, 100s, 5s), Load(2, 100s, 50s), Load(3, 100s, 30s), Load(4, 100s, 1s)}, kT0, false);
  ASSERT_EQ(Ids(plan), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(plan[0].cause, DisconnectCause::kEvicted);
  EXPECT_EQ(plan[0].detail, "trimmed to the low watermark of 2 connections");
}

TEST(ConnManager, ActiveStreamsBootstrapPeersAndYoungConnectionsAreSpared) {
  ConnManager m(Limits(4, 0));
  auto plan = m.PlanTrim({Load(1, 100s, 5s, /*streams=*/1), Load(2, 100s, 80s, 0, /*bootstrap=*/true),
                          Load(3, 19s, 19s), Load(4, 100s, 70s), Load(5, 19s, 19s, /*streams=*/1)},
                         kT0, false);
  EXPECT_EQ(Ids(plan), (std::vector<uint64_t>{4}));
}

// Sybils: every slot held by a connection with one stream open and no traffic. They are trimmed
// (after the idle ones), so a new peer finds room.
TEST(ConnManager, StreamsHeldOpenWithoutTrafficAreTrimmedAfterIdleOnes) {
  ConnManager m(Limits(4, 2));
  auto plan = m.PlanTrim({Load(1, 100s, 90s, 1), Load(2, 100s, 30s, 1), Load(3, 100s, 10s, 0), Load(4, 100s, 60s, 1)},
                         kT0, true);
  ASSERT_EQ(Ids(plan), (std::vector<uint64_t>{3, 1}));
  EXPECT_EQ(plan[1].detail, "trimmed to the low watermark of 2 connections (a stream held open without traffic)");
}

TEST(ConnManager, LowerValueGoesFirstWithinATier) {
  ConnManager m(Limits(3, 1));
  std::vector<ConnLoad> live = {Load(1, 100s, 90s), Load(2, 100s, 30s), Load(3, 100s, 10s)};
  live[0].value = 5;   // least recently active, but valued
  live[1].value = -1;  // e.g. a poor reputation
  EXPECT_EQ(Ids(m.PlanTrim(live, kT0, false)), (std::vector<uint64_t>{2, 3}));
  // Value never lifts a busy connection above an idle one.
  std::vector<ConnLoad> mixed = {Load(1, 100s, 90s, 1), Load(2, 100s, 30s)};
  mixed[0].value = -100;
  mixed[1].value = 100;
  EXPECT_EQ(Ids(ConnManager(Limits(2, 1)).PlanTrim(mixed, kT0, false)), (std::vector<uint64_t>{2}));
}

TEST(ConnManager, ForcedTrimRunsBelowTheLimit) {
  ConnManager m(Limits(10, 1));
  EXPECT_TRUE(m.PlanTrim({Load(1, 100s, 10s), Load(2, 100s, 20s)}, kT0, false).empty());
  EXPECT_EQ(Ids(m.PlanTrim({Load(1, 100s, 10s), Load(2, 100s, 20s)}, kT0, true)), (std::vector<uint64_t>{2}));
}

TEST(ConnManager, IdleTimeoutsCountTowardsTheWatermark) {
  ConnManager m(Limits(3, 2));
  // 1 times out; the two left are at the low watermark: nothing is evicted.
  auto plan = m.PlanTrim({Load(1, 400s, 350s), Load(2, 100s, 50s), Load(3, 100s, 40s)}, kT0, true);
  ASSERT_EQ(Ids(plan), (std::vector<uint64_t>{1}));
  EXPECT_EQ(plan[0].cause, DisconnectCause::kIdleTimeout);
}

TEST(ConnManager, LowWatermarkAboveMaxPeersIsClamped) {
  ConnManager m(Limits(2, 5));
  EXPECT_EQ(Ids(m.PlanTrim({Load(1, 100s, 10s), Load(2, 100s, 20s), Load(3, 100s, 30s)}, kT0, false)),
            (std::vector<uint64_t>{3}));
}

TEST(ConnManager, FullAtMaxPeers) {
  ConnManager m(Limits(3, 2));
  EXPECT_FALSE(m.Full(2));
  EXPECT_TRUE(m.Full(3));
  EXPECT_TRUE(m.Full(4));
}

TEST(BootstrapBackoff, DoublesUpToTheMaximumAndResetsOnSuccess) {
  const Clock::duration initial = 1s, max = 60s;
  std::vector<long> waits;
  Clock::duration b = initial;
  for (int i = 0; i < 8; ++i) {
    b = NextBootstrapBackoff(b, false, initial, max);
    waits.push_back(std::chrono::duration_cast<std::chrono::seconds>(b).count());
  }
  EXPECT_EQ(waits, (std::vector<long>{2, 4, 8, 16, 32, 60, 60, 60}));
  EXPECT_EQ(NextBootstrapBackoff(60s, true, initial, max), 1s);
}

}  // namespace
}  // namespace sov::p2p
