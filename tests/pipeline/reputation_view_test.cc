// The reputation view: lango's formula (node/policy) on fresh counts, decay on event time, which events count,
// unknown union members skipped, and a rebuild reproducing the live bytes.
#include <cmath>

#include "events_generated.h"
#include "node/policy/reputation.h"
#include "pipeline/reputation_view.h"
#include "pipeline/runner.h"
#include "support/test_util.h"

namespace sov {
namespace {

using testing::Event;
using testing::T;
using testing::TestDid;

std::string Outcome(int64_t ts, fb::Event type, int peer) {
  const std::string did = TestDid(peer);
  return Event(ts, type, [&](auto& fbb) -> flatbuffers::Offset<void> {
    switch (type) {
      case fb::Event::ToolSucceeded: return fb::CreateToolSucceededDirect(fbb, "c", did.c_str(), "t", 1, 1).Union();
      case fb::Event::ToolFailed: return fb::CreateToolFailedDirect(fbb, "c", did.c_str(), "t", "boom", 1).Union();
      default: return fb::CreateToolTimedOutDirect(fbb, "c", did.c_str(), "t", 1000).Union();
    }
  });
}

TEST(ReputationView, CountsOutcomesAtOneInstantLikeLango) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  testing::AppendAll(*s, {Outcome(T(5), fb::Event::ToolSucceeded, 1), Outcome(T(5), fb::Event::ToolSucceeded, 1),
                          Outcome(T(5), fb::Event::ToolFailed, 1), Outcome(T(5), fb::Event::ToolTimedOut, 1),
                          Outcome(T(5), fb::Event::ToolFailed, 2)});
  auto r = pipeline::GetReputation(s->db(), TestDid(1));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->successes, 2u);
  EXPECT_EQ((*r)->failures, 1u);
  EXPECT_EQ((*r)->timeouts, 1u);
  EXPECT_DOUBLE_EQ((*r)->score, 2 / (2 + 2 + 1.5 + 1.0));
  EXPECT_EQ((*r)->first_seen_ns, T(5));
  auto r2 = pipeline::GetReputation(s->db(), TestDid(2));
  EXPECT_DOUBLE_EQ((*r2)->score, 0.0);  // only failures: exactly 0, and the firewall must not exempt it
  EXPECT_FALSE(pipeline::GetReputation(s->db(), TestDid(3))->has_value());
  EXPECT_EQ(pipeline::ListReputation(s->db())->size(), 2u);
}

TEST(ReputationView, OldFailuresWeighLessThanRecentSuccesses) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  // Peer 1: 4 failures 60 days ago (two half-lives), then 4 successes now.
  // Peer 2: 4 successes 60 days ago, then 4 failures now.
  std::vector<std::string> ev;
  for (int i = 0; i < 4; ++i) ev.push_back(Outcome(T(i, 0), fb::Event::ToolFailed, 1));
  for (int i = 0; i < 4; ++i) ev.push_back(Outcome(T(i, 0), fb::Event::ToolSucceeded, 2));
  for (int i = 0; i < 4; ++i) ev.push_back(Outcome(T(i, 60), fb::Event::ToolSucceeded, 1));
  for (int i = 0; i < 4; ++i) ev.push_back(Outcome(T(i, 60), fb::Event::ToolFailed, 2));
  testing::AppendAll(*s, std::move(ev));
  auto improving = **pipeline::GetReputation(s->db(), TestDid(1));
  auto declining = **pipeline::GetReputation(s->db(), TestDid(2));
  EXPECT_EQ(improving.successes, 4u);
  EXPECT_EQ(improving.failures, 4u);
  EXPECT_GT(improving.score, policy::ReputationScore(4, 4, 0));  // undecayed lango score = 4/13
  EXPECT_LT(declining.score, policy::ReputationScore(4, 4, 0));
  // Two half-lives: the 4 old failures weigh ~1 (4 * 1/4, within seconds of skew).
  EXPECT_NEAR(improving.score, 4 / (4 + 2 * 1.0 + 1.0), 0.001);
  EXPECT_EQ(improving.last_interaction_ns, T(3, 60));
}

TEST(ReputationView, SettlementsAndTeamResultsCountHandshakesOnlyIntroduce) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  const std::string d1 = TestDid(1);
  testing::AppendAll(
      *s, {Event(T(1), fb::Event::HandshakeCompleted,
                 [&](auto& fbb) { return fb::CreateHandshakeCompletedDirect(fbb, d1.c_str(), "p", "1.0", false); }),
           Event(T(2), fb::Event::PaymentSettled,
                 [&](auto& fbb) { return fb::CreatePaymentSettledDirect(fbb, "pay", d1.c_str(), 5, "USDC", "0xab"); }),
           Event(T(3), fb::Event::TeamTaskResult, [&](auto& fbb) {
             return fb::CreateTeamTaskResultDirect(fbb, "team", "task", d1.c_str(), false, nullptr, "err", 5, 0);
           })});
  auto r = **pipeline::GetReputation(s->db(), d1);
  EXPECT_EQ(r.first_seen_ns, T(1));
  EXPECT_EQ(r.successes, 1u);
  EXPECT_EQ(r.failures, 1u);
  EXPECT_NEAR(r.score, 1 / (1 + 2 + 1.0), 1e-6);  // one second apart: decay is negligible, not zero
}

TEST(ReputationView, UnknownUnionMemberIsSkipped) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  // An event from a newer writer: union type 200 with some table this build does not know.
  store::EnvelopeBuilder b;
  auto future = fb::CreateToolSucceededDirect(b.fbb(), "x", TestDid(1).c_str(), "t", 1, 1);
  std::string unknown = b.Finish(T(1), TestDid(0), static_cast<fb::Event>(200), future.Union());
  ASSERT_TRUE(s->Append(unknown).ok());
  testing::AppendAll(*s, {Outcome(T(2), fb::Event::ToolSucceeded, 1)});
  EXPECT_EQ((*pipeline::GetReputation(s->db(), TestDid(1)))->successes, 1u);
  auto e = s->reader().Read(1);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(static_cast<int>(e->envelope().payload_type()), 200);
}

TEST(ReputationView, RebuildReproducesLiveBytesAndLaggingViewCatchesUp) {
  testing::TempDir dir;
  std::string live;
  {
    auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
    for (int i = 0; i < 300; ++i) {
      auto type = i % 3 == 0 ? fb::Event::ToolFailed : (i % 7 == 0 ? fb::Event::ToolTimedOut : fb::Event::ToolSucceeded);
      testing::AppendAll(*s, {Outcome(T(i * 3600), type, i % 5)});
    }
    live = *pipeline::ViewDigest(s->db(), "reputation");
    ASSERT_TRUE(s->runner()->Rebuild("reputation").ok());
    EXPECT_EQ(*pipeline::ViewDigest(s->db(), "reputation"), live);
  }
  {
    // Append with views off: the view lags; the next open with views catches it up.
    pipeline::StoreOptions o;
    o.views = false;
    auto s = pipeline::EventStore::Open(dir.Sub("db"), o);
    ASSERT_TRUE(s.ok());
    testing::AppendAll(**s, {Outcome(T(999999), fb::Event::ToolSucceeded, 1)});
  }
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  auto states = s->runner()->States();
  ASSERT_TRUE(states.ok());
  for (const auto& v : *states) EXPECT_EQ(v.checkpoint_seq, 301u) << v.name;
  std::string caught_up = *pipeline::ViewDigest(s->db(), "reputation");
  ASSERT_TRUE(s->runner()->Rebuild("reputation").ok());
  EXPECT_EQ(*pipeline::ViewDigest(s->db(), "reputation"), caught_up);
  EXPECT_NE(caught_up, live);
}

}  // namespace
}  // namespace sov
