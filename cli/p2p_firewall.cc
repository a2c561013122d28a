// `sov p2p firewall list`: the ACL rules in force, in evaluation order, with how many decisions each
// produced, plus the decisions no rule produced (default deny, reputation, rate limits).
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "pipeline/firewall_view.h"

namespace sov::cli {

namespace {

std::string RateLimit(uint32_t per_min) { return per_min == 0 ? "-" : std::to_string(per_min); }

nlohmann::json ToJson(const pipeline::FirewallRuleInfo& r) {
  return {{"ruleId", r.rule_id},
          {"peerDid", r.peer_did},
          {"action", r.action},
          {"tools", r.tools},
          {"rateLimit", r.rate_limit_per_min},
          {"allowed", r.counters.allowed},
          {"denied", r.counters.denied},
          {"rateLimited", r.counters.rate_limited},
          {"addedAt", FormatTime(r.added_at_ns)}};
}

const std::vector<std::string> kHeader = {"RULE ID", "PEER DID", "ACTION", "TOOLS", "RATE LIMIT",
                                          "ALLOWED", "DENIED", "RATE LIMITED"};

int List(Context& ctx) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto rules = pipeline::ListFirewallRules((*h)->db());
  if (!rules.ok()) return Fail(rules.status());
  auto counters = pipeline::ListFirewallCounters((*h)->db());
  if (!counters.ok()) return Fail(counters.status());
  pipeline::FirewallCountersInfo unattributed;
  for (const auto& c : *counters) {
    if (c.rule_id == pipeline::kUnattributedRuleId) unattributed = c;
  }
  if (ctx.json) {
    PrintJson({{"rules", JsonArray(*rules, ToJson)},
               {"unattributed",
                {{"allowed", unattributed.allowed},
                 {"denied", unattributed.denied},
                 {"rateLimited", unattributed.rate_limited}}}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : *rules) {
    rows.push_back({r.rule_id, r.peer_did, r.action, JoinComma(r.tools, "*"), RateLimit(r.rate_limit_per_min),
                    std::to_string(r.counters.allowed), std::to_string(r.counters.denied),
                    std::to_string(r.counters.rate_limited)});
  }
  // Decisions without a rule: default deny, reputation below minimum, rate limits.
  rows.push_back({std::string(pipeline::kUnattributedRuleId), "(no rule)", "-", "-", "-",
                  std::to_string(unattributed.allowed), std::to_string(unattributed.denied),
                  std::to_string(unattributed.rate_limited)});
  PrintTable(kHeader, rows);
  return 0;
}

}  // namespace

void AddP2pFirewallCommands(CLI::App& p2p, Context& ctx) {
  auto* fw = p2p.add_subcommand("firewall", "Knowledge firewall rules and decisions (from the firewall view)");
  fw->require_subcommand(1);
  auto* list = fw->add_subcommand("list", "List rules in evaluation order with their decision counts");
  list->callback([&ctx] { ctx.exit_code = List(ctx); });
}

}  // namespace sov::cli
