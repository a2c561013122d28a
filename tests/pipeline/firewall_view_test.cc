// The firewall view: rules in insertion order with their decision counters, unattributed decisions
// under "-", removal keeping counters, odd input (unknown rule, null strings), rebuild = live.
#include "events_generated.h"
#include "pipeline/firewall_view.h"
#include "pipeline/runner.h"
#include "support/test_util.h"

namespace sov {
namespace {

using pipeline::FirewallCountersInfo;
using pipeline::FirewallRuleInfo;
using testing::Event;
using testing::T;
using testing::TestDid;
using Tools = std::vector<std::string>;

std::string RuleAdded(int64_t ts, const char* id, const std::string& peer, fb::FirewallAction action, const Tools& tools,
                      uint32_t rate) {
  return Event(ts, fb::Event::FirewallRuleAdded, [&](auto& fbb) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> t;
    for (const auto& x : tools) t.push_back(fbb.CreateString(x));
    return fb::CreateFirewallRuleAddedDirect(fbb, id, peer.c_str(), action, &t, rate);
  });
}

std::string RuleRemoved(int64_t ts, const char* id) {
  return Event(ts, fb::Event::FirewallRuleRemoved, [&](auto& fbb) { return fb::CreateFirewallRuleRemovedDirect(fbb, id); });
}

std::string Decided(int64_t ts, int peer, fb::FirewallAction action, const char* rule, fb::FirewallReason reason) {
  return Event(ts, fb::Event::FirewallDecided, [&](auto& fbb) {
    return fb::CreateFirewallDecidedDirect(fbb, TestDid(peer).c_str(), "echo", "call", action, rule, reason);
  });
}

std::string RateLimited(int64_t ts, int peer, const char* rule) {
  return Event(ts, fb::Event::FirewallRateLimited, [&](auto& fbb) {
    return fb::CreateFirewallRateLimitedDirect(fbb, TestDid(peer).c_str(), "echo", rule, 60);
  });
}

std::vector<FirewallRuleInfo> Rules(const pipeline::EventStore& s) {
  auto r = pipeline::ListFirewallRules(s.db());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<FirewallRuleInfo>{};
}

std::vector<FirewallCountersInfo> Counters(const pipeline::EventStore& s) {
  auto r = pipeline::ListFirewallCounters(s.db());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<FirewallCountersInfo>{};
}

void ExpectCounters(const FirewallCountersInfo& c, const std::string& id, uint64_t allowed, uint64_t denied,
                    uint64_t rate_limited, int64_t last) {
  EXPECT_EQ(c.rule_id, id);
  EXPECT_EQ(c.allowed, allowed) << id;
  EXPECT_EQ(c.denied, denied) << id;
  EXPECT_EQ(c.rate_limited, rate_limited) << id;
  EXPECT_EQ(c.last_decided_at_ns, last) << id;
}

void ExpectRule(const FirewallRuleInfo& r, const std::string& id, const std::string& peer, const std::string& action,
                const Tools& tools, uint32_t rate, int64_t added_at, uint64_t added_seq) {
  EXPECT_EQ(r.rule_id, id);
  EXPECT_EQ(r.peer_did, peer) << id;
  EXPECT_EQ(r.action, action) << id;
  EXPECT_EQ(r.tools, tools) << id;
  EXPECT_EQ(r.rate_limit_per_min, rate) << id;
  EXPECT_EQ(r.added_at_ns, added_at) << id;
  EXPECT_EQ(r.added_seq, added_seq) << id;
}

TEST(FirewallView, RulesInInsertionOrderWithTheirCounters) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  // Sequences 1 and 2: "r2" is added before "r1", so it comes first despite key order.
  testing::AppendAll(*s, {RuleAdded(T(1), "r2", TestDid(1), fb::FirewallAction::Allow, {"echo", "web_*"}, 60),
                          RuleAdded(T(2), "r1", "*", fb::FirewallAction::Deny, {}, 0)});
  testing::AppendAll(*s, {Decided(T(10), 1, fb::FirewallAction::Allow, "r2", fb::FirewallReason::RuleAllow),
                          Decided(T(11), 1, fb::FirewallAction::Allow, "r2", fb::FirewallReason::RuleAllow),
                          Decided(T(12), 2, fb::FirewallAction::Deny, "r1", fb::FirewallReason::RuleDeny),
                          RateLimited(T(13), 1, "r2"),
                          Decided(T(14), 3, fb::FirewallAction::Deny, "", fb::FirewallReason::NoMatchingAllow),
                          Decided(T(15), 3, fb::FirewallAction::Deny, nullptr, fb::FirewallReason::ReputationBelowMinimum),
                          RateLimited(T(16), 4, nullptr)});
  auto rules = Rules(*s);
  ASSERT_EQ(rules.size(), 2u);
  ExpectRule(rules[0], "r2", TestDid(1), "allow", {"echo", "web_*"}, 60, T(1), 1);
  ExpectCounters(rules[0].counters, "r2", 2, 0, 1, T(13));
  ExpectRule(rules[1], "r1", "*", "deny", {}, 0, T(2), 2);
  ExpectCounters(rules[1].counters, "r1", 0, 1, 0, T(12));
  auto counters = Counters(*s);
  ASSERT_EQ(counters.size(), 3u);
  ExpectCounters(counters[0], "-", 0, 2, 1, T(16));
  ExpectCounters(counters[1], "r1", 0, 1, 0, T(12));
  ExpectCounters(counters[2], "r2", 2, 0, 1, T(13));
}

TEST(FirewallView, RemovingARuleKeepsItsCountersAndReaddingMovesItLast) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {RuleAdded(T(1), "a", TestDid(1), fb::FirewallAction::Allow, {"echo"}, 0),
                          RuleAdded(T(2), "b", TestDid(2), fb::FirewallAction::Allow, {"echo"}, 0),
                          Decided(T(3), 1, fb::FirewallAction::Allow, "a", fb::FirewallReason::RuleAllow)});
  testing::AppendAll(*s, {RuleRemoved(T(4), "a"), RuleRemoved(T(5), "never-added"), RuleRemoved(T(6), nullptr)});
  auto rules = Rules(*s);
  ASSERT_EQ(rules.size(), 1u);
  ExpectRule(rules[0], "b", TestDid(2), "allow", {"echo"}, 0, T(2), 2);
  auto counters = Counters(*s);
  ASSERT_EQ(counters.size(), 1u);
  ExpectCounters(counters[0], "a", 1, 0, 0, T(3));
  // Seq 7: "a" again, now with a deny; it keeps the old counters and evaluates after "b".
  testing::AppendAll(*s, {RuleAdded(T(7), "a", TestDid(1), fb::FirewallAction::Deny, {"echo"}, 5)});
  rules = Rules(*s);
  ASSERT_EQ(rules.size(), 2u);
  ExpectRule(rules[0], "b", TestDid(2), "allow", {"echo"}, 0, T(2), 2);
  ExpectRule(rules[1], "a", TestDid(1), "deny", {"echo"}, 5, T(7), 7);
  ExpectCounters(rules[1].counters, "a", 1, 0, 0, T(3));
}

TEST(FirewallView, OddInputIsSkippedOrKeptEmpty) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(
      *s,
      {Event(T(1), fb::Event::FirewallRuleAdded, [](auto& fbb) { return fb::CreateFirewallRuleAddedDirect(fbb); }),
       RuleAdded(T(2), "-", "*", fb::FirewallAction::Deny, {}, 0),  // the unattributed id is not a rule
       Event(T(3), fb::Event::FirewallRuleAdded,
             [](auto& fbb) { return fb::CreateFirewallRuleAddedDirect(fbb, "bare"); }),
       Event(T(4), fb::Event::FirewallDecided, [](auto& fbb) { return fb::CreateFirewallDecidedDirect(fbb); }),
       Decided(T(5), 1, static_cast<fb::FirewallAction>(9), "bare", fb::FirewallReason::Unknown),
       Event(T(6), fb::Event::FirewallDecided,
             [](auto& fbb) {
               return fb::CreateFirewallDecidedDirect(fbb, nullptr, nullptr, nullptr, fb::FirewallAction::Allow);
             }),
       Event(T(7), fb::Event::FirewallRateLimited, [](auto& fbb) { return fb::CreateFirewallRateLimitedDirect(fbb); }),
       Event(T(8), fb::Event::FirewallRuleRemoved, [](auto& fbb) { return fb::CreateFirewallRuleRemovedDirect(fbb); })});
  auto rules = Rules(*s);
  ASSERT_EQ(rules.size(), 1u);
  ExpectRule(rules[0], "bare", "", "unknown", {}, 0, T(3), 3);
  ExpectCounters(rules[0].counters, "bare", 0, 0, 0, 0);  // the unknown action was not counted
  auto counters = Counters(*s);
  ASSERT_EQ(counters.size(), 1u);
  ExpectCounters(counters[0], "-", 1, 0, 1, T(7));
}

TEST(FirewallView, LastDecidedIsTheLatestEventTimeEvenOutOfOrder) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Decided(T(50), 1, fb::FirewallAction::Deny, "x", fb::FirewallReason::RuleDeny)});
  testing::AppendAll(*s, {Decided(T(20), 1, fb::FirewallAction::Allow, "x", fb::FirewallReason::RuleAllow)});
  auto counters = Counters(*s);
  ASSERT_EQ(counters.size(), 1u);
  ExpectCounters(counters[0], "x", 1, 1, 0, T(50));
  EXPECT_TRUE(Rules(*s).empty());  // counters for a rule never added do not make it a rule
}

TEST(FirewallView, RebuildYieldsTheLiveDigest) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  for (int i = 0; i < 12; ++i) {
    const std::string id = "rule-" + std::to_string(i % 4);
    const Tools tools = {"t" + std::to_string(i)};
    testing::AppendAll(*s, {RuleAdded(T(i), id.c_str(), TestDid(i), fb::FirewallAction::Allow, tools, i)});
    testing::AppendAll(*s, {Decided(T(i), i, fb::FirewallAction::Allow, id.c_str(), fb::FirewallReason::RuleAllow),
                            Decided(T(i), i, fb::FirewallAction::Deny, "", fb::FirewallReason::NoMatchingAllow),
                            RateLimited(T(i), i, id.c_str())});
    if (i % 5 == 0) testing::AppendAll(*s, {RuleRemoved(T(i), id.c_str())});
  }
  auto live = pipeline::ViewDigest(s->db(), "firewall");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  const auto rules_before = Rules(*s).size();
  EXPECT_EQ(rules_before, 3u);  // rule-2 was removed last at i = 10
  ASSERT_TRUE(s->runner()->Rebuild("firewall").ok());
  auto rebuilt = pipeline::ViewDigest(s->db(), "firewall");
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(*rebuilt, *live);
  EXPECT_EQ(Rules(*s).size(), rules_before);
}

}  // namespace
}  // namespace sov
