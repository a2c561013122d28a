// Firewall rule matching and the order of the firewall's decision.
//
// A rule names a peer (a DID, or kAnyPeer for every peer), an action (allow or deny), tool patterns
// and an optional rate limit. A pattern is a glob: `*` matches any run of characters (so `prefix*`
// is a prefix and `*` every tool), `?` exactly one byte, anything else itself; a pattern without
// wildcards is an exact name. An empty pattern list matches every tool.
//
// Rules are evaluated in insertion order. DecideFirewall's order (lango's): no session → deny; the
// token bucket of a matching rate-limited allow refuses → deny; the reputation gate refuses → deny;
// any matching deny → deny (deny wins over allow, whatever their order); a matching allow → allow;
// none matches → deny (default deny, NoMatchingAllow).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "events_generated.h"

namespace sov::policy {

inline constexpr std::string_view kAnyPeer = "*";

struct FirewallRule {
  std::string id;
  std::string peer_did;            // kAnyPeer = every peer
  fb::FirewallAction action = fb::FirewallAction::Allow;
  std::vector<std::string> tools;  // glob patterns; empty = every tool
  uint32_t rate_limit_per_min = 0;  // 0 = unlimited (only an allow rule's limit is applied)
};

// `tool` matches the glob `pattern` (whole string; `*` any run, `?` one byte).
bool ToolPatternMatches(std::string_view pattern, std::string_view tool);
// Any of `patterns` matches `tool`; an empty list matches every tool.
bool ToolsMatch(std::span<const std::string> patterns, std::string_view tool);
// The rule names this peer (or kAnyPeer) and one of its patterns matches the tool.
bool RuleApplies(const FirewallRule& rule, std::string_view peer_did, std::string_view tool);

// The rules that apply to one call: the first matching deny, the first matching allow, and the last
// matching allow with a rate limit (its bucket is the one consulted). Pointers into the rules.
struct FirewallMatch {
  const FirewallRule* deny = nullptr;
  const FirewallRule* allow = nullptr;
  const FirewallRule* rate_limited = nullptr;
};
FirewallMatch MatchRules(std::span<const FirewallRule> rules, std::string_view peer_did, std::string_view tool);

// What the caller found out before the ACL: whether the peer has a session, whether the bucket of
// match.rate_limited refused (only meaningful when it is set), whether the reputation gate refused
// (node/policy/trust.h FailsReputationGate).
struct FirewallFacts {
  bool has_session = true;
  bool bucket_refused = false;
  bool reputation_refused = false;
};

struct FirewallVerdict {
  fb::FirewallAction action = fb::FirewallAction::Deny;
  fb::FirewallReason reason = fb::FirewallReason::NoMatchingAllow;
  const FirewallRule* rule = nullptr;  // the rule the decision names; null = none
};
// The decision in the order of the top comment.
FirewallVerdict DecideFirewall(const FirewallFacts& facts, const FirewallMatch& match);

}  // namespace sov::policy
