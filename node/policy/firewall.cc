#include "node/policy/firewall.h"

namespace sov::policy {

bool ToolPatternMatches(std::string_view pattern, std::string_view tool) {
  // Iterative glob: on a mismatch, let the latest `*` absorb one more byte. O(|pattern| * |tool|).
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (t < tool.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == tool[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool ToolsMatch(std::span<const std::string> patterns, std::string_view tool) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns) {
    if (ToolPatternMatches(p, tool)) return true;
  }
  return false;
}

bool RuleApplies(const FirewallRule& rule, std::string_view peer_did, std::string_view tool) {
  return (rule.peer_did == kAnyPeer || rule.peer_did == peer_did) && ToolsMatch(rule.tools, tool);
}

FirewallMatch MatchRules(std::span<const FirewallRule> rules, std::string_view peer_did, std::string_view tool) {
  FirewallMatch m;
  for (const auto& r : rules) {
    if (!RuleApplies(r, peer_did, tool)) continue;
    if (r.action == fb::FirewallAction::Deny && m.deny == nullptr) m.deny = &r;
    if (r.action == fb::FirewallAction::Allow && m.allow == nullptr) m.allow = &r;
    if (r.action == fb::FirewallAction::Allow && r.rate_limit_per_min > 0) m.rate_limited = &r;
  }
  return m;
}

FirewallVerdict DecideFirewall(const FirewallFacts& facts, const FirewallMatch& match) {
  using A = fb::FirewallAction;
  using R = fb::FirewallReason;
  if (!facts.has_session) return {A::Deny, R::NoSession, nullptr};
  if (match.rate_limited != nullptr && facts.bucket_refused) return {A::Deny, R::RateLimited, match.rate_limited};
  if (facts.reputation_refused) return {A::Deny, R::ReputationBelowMinimum, nullptr};
  if (match.deny != nullptr) return {A::Deny, R::RuleDeny, match.deny};
  if (match.allow == nullptr) return {A::Deny, R::NoMatchingAllow, nullptr};
  return {A::Allow, R::RuleAllow, match.allow};
}

}  // namespace sov::policy
