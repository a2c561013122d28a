// Firewall rule matching (exact, prefix*, glob, peers) and the decision order: deny wins, default deny.
#include <gtest/gtest.h>

#include <vector>

#include "node/policy/firewall.h"

namespace sov {
namespace {

using A = fb::FirewallAction;
using R = fb::FirewallReason;

policy::FirewallRule Rule(const char* id, const char* peer, A action, std::vector<std::string> tools,
                          uint32_t rate = 0) {
  return {id, peer, action, std::move(tools), rate};
}

TEST(FirewallPattern, ExactPrefixAndGlob) {
  EXPECT_TRUE(policy::ToolPatternMatches("web_fetch", "web_fetch"));
  EXPECT_FALSE(policy::ToolPatternMatches("web_fetch", "web_fetch2"));
  EXPECT_FALSE(policy::ToolPatternMatches("web_fetch", "web_fetc"));
  EXPECT_TRUE(policy::ToolPatternMatches("image_*", "image_caption"));
  EXPECT_TRUE(policy::ToolPatternMatches("image_*", "image_"));
  EXPECT_FALSE(policy::ToolPatternMatches("image_*", "imag"));
  EXPECT_TRUE(policy::ToolPatternMatches("*", "anything"));
  EXPECT_TRUE(policy::ToolPatternMatches("*", ""));
  EXPECT_FALSE(policy::ToolPatternMatches("", "x"));
  EXPECT_TRUE(policy::ToolPatternMatches("fs_?ead", "fs_read"));
  EXPECT_FALSE(policy::ToolPatternMatches("fs_?ead", "fs_ead"));
  EXPECT_TRUE(policy::ToolPatternMatches("*_search", "vector_search"));
  EXPECT_TRUE(policy::ToolPatternMatches("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(policy::ToolPatternMatches("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(policy::ToolPatternMatches("**x", "x"));
}

TEST(FirewallPattern, EmptyListMatchesEveryTool) {
  EXPECT_TRUE(policy::ToolsMatch({}, "shell_exec"));
  const std::vector<std::string> p = {"kv_get", "fs_*"};
  EXPECT_TRUE(policy::ToolsMatch(p, "fs_write"));
  EXPECT_FALSE(policy::ToolsMatch(p, "kv_set"));
}

TEST(FirewallMatch, PeerAndOrder) {
  const std::vector<policy::FirewallRule> rules = {
      Rule("r1", "*", A::Allow, {"git_*"}),         Rule("r2", "did:a", A::Allow, {}, 10),
      Rule("r3", "did:b", A::Deny, {"git_diff"}),   Rule("r4", "*", A::Deny, {"git_diff"}),
      Rule("r5", "did:a", A::Allow, {"git_*"}, 20),
  };
  auto m = policy::MatchRules(rules, "did:a", "git_diff");
  ASSERT_NE(m.allow, nullptr);
  EXPECT_EQ(m.allow->id, "r1");  // first allow
  ASSERT_NE(m.deny, nullptr);
  EXPECT_EQ(m.deny->id, "r4");  // r3 names another peer
  ASSERT_NE(m.rate_limited, nullptr);
  EXPECT_EQ(m.rate_limited->id, "r5");  // last rate-limited allow
  m = policy::MatchRules(rules, "did:c", "echo");
  EXPECT_EQ(m.allow, nullptr);
  EXPECT_EQ(m.deny, nullptr);
  EXPECT_EQ(m.rate_limited, nullptr);
}

TEST(FirewallDecide, OrderDenyWinsAndDefaultDeny) {
  const auto allow = Rule("a", "*", A::Allow, {}, 5);
  const auto deny = Rule("d", "*", A::Deny, {});
  const policy::FirewallMatch both{&deny, &allow, &allow};
  auto v = policy::DecideFirewall({.has_session = false}, both);
  EXPECT_EQ(v.action, A::Deny);
  EXPECT_EQ(v.reason, R::NoSession);
  EXPECT_EQ(v.rule, nullptr);
  v = policy::DecideFirewall({.has_session = true, .bucket_refused = true, .reputation_refused = true}, both);
  EXPECT_EQ(v.reason, R::RateLimited);
  EXPECT_EQ(v.rule, &allow);
  v = policy::DecideFirewall({.has_session = true, .bucket_refused = false, .reputation_refused = true}, both);
  EXPECT_EQ(v.reason, R::ReputationBelowMinimum);
  EXPECT_EQ(v.rule, nullptr);
  v = policy::DecideFirewall({}, both);
  EXPECT_EQ(v.action, A::Deny);
  EXPECT_EQ(v.reason, R::RuleDeny);
  EXPECT_EQ(v.rule, &deny);
  v = policy::DecideFirewall({}, {nullptr, &allow, nullptr});
  EXPECT_EQ(v.action, A::Allow);
  EXPECT_EQ(v.reason, R::RuleAllow);
  EXPECT_EQ(v.rule, &allow);
  v = policy::DecideFirewall({.has_session = true, .bucket_refused = true}, {nullptr, &allow, nullptr});
  EXPECT_EQ(v.reason, R::RuleAllow);  // no rate-limited rule: no bucket to refuse
  v = policy::DecideFirewall({}, {});
  EXPECT_EQ(v.action, A::Deny);
  EXPECT_EQ(v.reason, R::NoMatchingAllow);
  EXPECT_EQ(v.rule, nullptr);
}

}  // namespace
}  // namespace sov
