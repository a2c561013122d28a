// The firewall view: the ACL rules in force (from firewall.rule_added / rule_removed) and, per rule
// id, how many decisions each rule produced (firewall.decided / firewall.rate_limited). Projector plus
// the queries `sov p2p firewall list` uses.
//
// Keys: "r/<rule_id>" = FirewallRuleRecord, "c/<rule_id>" = FirewallCounters. Removing a rule keeps
// its counters. Decisions that name no rule (default deny, reputation, rate limits) are counted under
// kUnattributedRuleId; a rule_added with that id or with no id is ignored. Re-adding an existing rule
// id replaces the rule and moves it to the end of the insertion order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/projector.h"

namespace sov::pipeline {

inline constexpr std::string_view kUnattributedRuleId = "-";

struct FirewallCountersInfo {
  std::string rule_id;
  uint64_t allowed = 0, denied = 0, rate_limited = 0;
  int64_t last_decided_at_ns = 0;  // latest event time of a counted decision
};

struct FirewallRuleInfo {
  std::string rule_id;
  std::string peer_did;            // "*" = every peer
  std::string action;              // "allow", "deny" ("unknown" for a value this build does not know)
  std::vector<std::string> tools;  // empty = all tools
  uint32_t rate_limit_per_min = 0;  // 0 = unlimited
  int64_t added_at_ns = 0;
  uint64_t added_seq = 0;          // log sequence of the rule_added: the rule's position in evaluation order
  FirewallCountersInfo counters;   // zero if the rule never decided anything
};

std::unique_ptr<Projector> MakeFirewallProjector();

// The rules in force, in insertion order (by added_seq), each with its counters.
Result<std::vector<FirewallRuleInfo>> ListFirewallRules(const store::Db& db);
// Every counter in rule id order, including removed rules' and kUnattributedRuleId's.
Result<std::vector<FirewallCountersInfo>> ListFirewallCounters(const store::Db& db);

}  // namespace sov::pipeline
