// ReputationValuer on a real log: a peer's connection is worth its reputation score in millionths,
// a stranger (or a connection without a DID) 0, so the conn_manager trims the worse peer first.

#include <gtest/gtest.h>

#include <cmath>

#include "events_generated.h"
#include "node/p2p/swarm/conn_manager.h"
#include "node/peer_valuer.h"
#include "pipeline/reputation_view.h"
#include "support/test_util.h"

namespace sov {
namespace {

using testing::Event;
using testing::T;
using testing::TestDid;

std::string Outcome(int64_t ts, bool ok, int peer) {
  const std::string did = TestDid(peer);
  return Event(ts, ok ? fb::Event::ToolSucceeded : fb::Event::ToolFailed, [&](auto& fbb) -> flatbuffers::Offset<void> {
    if (ok) return fb::CreateToolSucceededDirect(fbb, "c", did.c_str(), "t", 1, 1).Union();
    return fb::CreateToolFailedDirect(fbb, "c", did.c_str(), "t", "boom", 1).Union();
  });
}

p2p::ConnectionInfo Conn(uint64_t id, std::string did) {
  p2p::ConnectionInfo c;
  c.id = id;
  c.did = std::move(did);
  return c;
}

TEST(ReputationValuer, ABetterReputationIsWorthMoreAndIsTrimmedLast) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  testing::AppendAll(*s, {Outcome(T(1), true, 1), Outcome(T(1), true, 1), Outcome(T(1), false, 1),
                          Outcome(T(1), false, 2), Outcome(T(1), false, 2)});
  node::ReputationValuer valuer(s->db());
  const auto good = pipeline::GetReputation(s->db(), TestDid(1));
  ASSERT_TRUE(good.ok() && good->has_value());
  EXPECT_EQ(valuer.ValueOf(Conn(1, TestDid(1))), std::llround((*good)->score * 1e6));
  EXPECT_GT(valuer.ValueOf(Conn(1, TestDid(1))), 0);
  EXPECT_EQ(valuer.ValueOf(Conn(2, TestDid(2))), 0);  // only failures
  EXPECT_EQ(valuer.ValueOf(Conn(3, TestDid(3))), 0);  // a stranger
  EXPECT_EQ(valuer.ValueOf(Conn(4, "")), 0);

  // Two idle connections, the good peer's the least recently active: the other one goes.
  using namespace std::chrono_literals;
  p2p::SwarmOptions o;
  o.max_peers = 2;
  o.low_watermark = 1;
  p2p::ConnManager manager(o);
  const auto now = p2p::Clock::time_point() + 1000h;
  std::vector<p2p::ConnLoad> live = {
      {1, now - 100s, now - 90s, 0, false, valuer.ValueOf(Conn(1, TestDid(1)))},
      {2, now - 100s, now - 10s, 0, false, valuer.ValueOf(Conn(2, TestDid(2)))},
  };
  auto plan = manager.PlanTrim(live, now, false);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].id, 2u);
}

}  // namespace
}  // namespace sov
