#include "node/sim/workload_generator.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "node/policy/firewall.h"
#include "node/policy/payment_mode.h"
#include "node/policy/trust.h"

namespace sov::node::workload_internal {

void Generator::AddRule(int64_t peer, fb::FirewallAction action, std::vector<std::string> tools, uint32_t rate) {
  FwRule r;
  r.id = "fw-" + std::to_string(++rule_counter);
  r.id += "-" + rng.Hex(3);
  r.peer_did = peer < 0 ? std::string(policy::kAnyPeer) : Did(static_cast<uint32_t>(peer));
  r.action = action;
  r.tools = std::move(tools);
  r.rate_limit_per_min = rate;
  const int64_t ts = Tick();
  const auto id = S(r.id);
  const auto peer_did = S(r.peer_did);
  const auto tv = F().CreateVectorOfStrings(r.tools);
  Emit(ts, fb::Event::FirewallRuleAdded, fb::CreateFirewallRuleAdded(F(), id, peer_did, action, tv, rate));
  rules.push_back(std::move(r));
}

bool Generator::ChangeRules() {
  if (rules.size() >= kMaxRules || (rules.size() > 6 && rng.Chance(450))) {
    const size_t i = 1 + rng.Below(rules.size() - 1);  // the first rule (the global allow) stays
    const int64_t ts = Tick();
    const auto id = S(rules[i].id);
    Emit(ts, fb::Event::FirewallRuleRemoved, fb::CreateFirewallRuleRemoved(F(), id));
    rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  if (rng.Chance(200)) {
    static const std::vector<std::vector<std::string>> kGlobalDeny = {{"fs_write"}, {"image_*"}, {"web_fetch"}};
    static const std::vector<std::vector<std::string>> kGlobalAllow = {{"git_*"}, {"kv_get"}};
    if (rng.Chance(600)) {
      const auto& tools = kGlobalDeny[rng.Below(kGlobalDeny.size())];
      AddRule(-1, fb::FirewallAction::Deny, tools, 0);
    } else {
      const auto& tools = kGlobalAllow[rng.Below(kGlobalAllow.size())];
      const uint32_t rate = rng.Chance(500) ? 60 : 0;
      AddRule(-1, fb::FirewallAction::Allow, tools, rate);
    }
    return true;
  }
  int64_t peer = static_cast<int64_t>(rng.Skewed(opt.peers));
  if (rng.Chance(650)) {
    static const std::vector<std::vector<std::string>> kAllow = {
        {"code_review", "image_caption"}, {"kv_get", "fs_*"}, {"git_*", "code_review"}, {"*"},
        {"fs_write", "shell_exec"},       {"image_caption"},  {}};
    const auto& tools = kAllow[rng.Below(kAllow.size())];
    const uint32_t rate = rng.Chance(400) ? static_cast<uint32_t>(rng.Range(10, 60)) : 0;
    AddRule(peer, fb::FirewallAction::Allow, tools, rate);
  } else {
    // Mostly a tool or two; now and then a peer is shut out entirely (any peer, not the busiest).
    static const std::vector<std::vector<std::string>> kDeny = {{"web_fetch"}, {"image_*"}, {"summarize"},
                                                                {"shell_exec", "fs_write"}, {"*"}, {}};
    const size_t which = rng.Weighted({30, 25, 20, 15, 6, 4});
    if (which >= 4) peer = static_cast<int64_t>(rng.Below(opt.peers));
    AddRule(peer, fb::FirewallAction::Deny, kDeny[which], 0);
  }
  return true;
}

void Generator::EmitDecided(uint32_t p, size_t tool, const std::string& call_id, fb::FirewallAction action,
                            const std::string& rule_id, fb::FirewallReason reason) {
  const int64_t ts = Tick();
  const auto did = S(Did(p));
  const auto name = S(kTools[tool].name);
  const auto call = S(call_id);
  const auto rule = S(rule_id);
  Emit(ts, fb::Event::FirewallDecided, fb::CreateFirewallDecided(F(), did, name, call, action, rule, reason));
}

bool Generator::StartCall() {
  if (calls.size() >= kMaxOpenCalls) {
    StepCall(PickDueCall());
    return true;
  }
  if (sessions.empty()) return Handshake();
  if (rng.Chance(30) && !connected.empty()) {
    // A connected peer calls without a session: refused before anything else.
    const uint32_t p = connected[rng.Below(connected.size())];
    if (!peers[p].session) {
      const size_t tool = rng.PickTool(true);
      const std::string call_id = "call-" + rng.Hex(8);
      const auto v = policy::DecideFirewall({.has_session = false}, {});
      EmitDecided(p, tool, call_id, v.action, "", v.reason);
      return true;
    }
  }
  const uint32_t p = sessions[rng.Skewed(sessions.size())];
  if (!peers[p].connected) {  // the peer reconnects (its session still valid) before it calls
    EmitConnected(p, true);
    return true;
  }
  const size_t tool = rng.PickTool(true);
  const std::string call_id = "call-" + rng.Hex(8);
  const Peer& peer = peers[p];
  // The firewall's order is node/policy/firewall.h's; the generator only draws whether the token
  // bucket of a rate-limited rule refuses this call (a burst).
  const policy::FirewallMatch match = policy::MatchRules(rules, Did(p), kTools[tool].name);
  const bool burst = match.rate_limited != nullptr && rng.Chance(25);
  const uint32_t history = peer.History();
  const double score = peer.Score();
  const policy::FirewallVerdict verdict = policy::DecideFirewall(
      {.has_session = true, .bucket_refused = burst, .reputation_refused = policy::FailsReputationGate(history, score)},
      match);
  if (verdict.reason == fb::FirewallReason::RateLimited) {
    const FwRule& limited = *verdict.rule;
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto name = S(kTools[tool].name);
    const auto rule = S(limited.id);
    Emit(ts, fb::Event::FirewallRateLimited,
         fb::CreateFirewallRateLimited(F(), did, name, rule, limited.rate_limit_per_min));
  }
  if (verdict.action != fb::FirewallAction::Allow) {
    EmitDecided(p, tool, call_id, verdict.action, verdict.rule ? verdict.rule->id : "", verdict.reason);
    return true;
  }
  const FwRule* allow = verdict.rule;
  if (kTools[tool].dangerous && rng.Chance(500)) {
    EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, allow->id, fb::FirewallReason::SafetyLevel);
    return true;
  }
  if (kTools[tool].price >= 50000 && rng.Chance(200)) {  // the owner's approval for expensive calls
    EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, allow->id, fb::FirewallReason::OwnerDenied);
    return true;
  }
  EmitDecided(p, tool, call_id, fb::FirewallAction::Allow, allow->id, fb::FirewallReason::RuleAllow);
  Call c;
  c.peer = p;
  c.tool = static_cast<uint8_t>(tool);
  c.call_id = call_id;
  c.amount = kTools[tool].price;
  c.mode = policy::PaymentModeFor(c.amount, history, score);
  switch (c.mode) {
    case Mode::kFree: c.stage = Stage::kInvoke; break;
    case Mode::kPostpay: c.stage = Stage::kDefer; break;  // trusted: run first, pay later
    case Mode::kPrepay: c.stage = Stage::kQuote; break;
  }
  c.due_ns = now + rng.Range(1, 40) * kMs;
  calls.push_back(std::move(c));
  return true;
}

// An open call that is due; if none of a few picks is, the earliest of them (time moves to it).
size_t Generator::PickDueCall() {
  size_t best = rng.Below(calls.size());
  for (int attempt = 0; attempt < 3 && calls[best].due_ns > now; ++attempt) {
    const size_t i = rng.Below(calls.size());
    if (calls[i].due_ns < calls[best].due_ns) best = i;
  }
  if (calls[best].due_ns > now) now = calls[best].due_ns;
  return best;
}

void Generator::StepCall(size_t index) {
  Call& c = calls[index];
  switch (c.stage) {
    case Stage::kQuote: QuoteCall(c); break;
    case Stage::kAuthorize: AuthorizeCall(c); break;
    case Stage::kDefer: DeferCall(c); break;
    case Stage::kInvoke: InvokeCall(c); break;
    case Stage::kOutcome: FinishCall(c); break;
    case Stage::kSettle: SettleCall(c); break;
    case Stage::kDone: break;
  }
  if (calls[index].stage == Stage::kDone) {
    calls[index] = std::move(calls.back());
    calls.pop_back();
  }
}

void Generator::InvokeCall(Call& c) {
  const std::string did_str = Did(c.peer);
  const char* tool = kTools[c.tool].name;
  const bool small = rng.Chance(900);
  const uint64_t input = static_cast<uint64_t>(small ? rng.Range(16, 4096) : rng.Range(4096, 1 << 20));
  const Profile& prof = kProfiles[peers[c.peer].profile];
  const uint64_t r = rng.Below(1000);
  c.outcome = r < prof.fail ? Outcome::kFailure : r < prof.fail + prof.timeout ? Outcome::kTimeout : Outcome::kSuccess;
  const uint32_t typical = kTools[c.tool].typical_ms;
  c.duration_ms = c.outcome == Outcome::kFailure ? static_cast<uint32_t>(rng.Range(5, typical))
                                                 : static_cast<uint32_t>(rng.Range(typical / 4 + 1, typical * 2));
  const int64_t ts = Tick();
  const auto call = S(c.call_id);
  const auto did = S(did_str);
  const auto name = S(tool);
  Emit(ts, fb::Event::ToolInvoked, fb::CreateToolInvoked(F(), call, did, name, input));
  c.invoked_ns = ts;
  c.due_ns = ts + static_cast<int64_t>(c.outcome == Outcome::kTimeout ? kToolTimeoutMs : c.duration_ms) * kMs;
  c.stage = Stage::kOutcome;
}

void Generator::FinishCall(Call& c) {
  const std::string did_str = Did(c.peer);
  const char* tool = kTools[c.tool].name;
  const uint32_t p = c.peer;
  const double old_score = peers[p].Score();
  switch (c.outcome) {
    case Outcome::kSuccess: {
      const uint64_t output = static_cast<uint64_t>(rng.Range(2, 64 * 1024));
      const int64_t ts = Tick();
      const auto call = S(c.call_id);
      const auto did = S(did_str);
      const auto name = S(tool);
      Emit(ts, fb::Event::ToolSucceeded, fb::CreateToolSucceeded(F(), call, did, name, c.duration_ms, output));
      peers[p].successes++;
      peers[p].consecutive_failures = 0;
      break;
    }
    case Outcome::kFailure: {
      const char* error = rng.Pick(kToolErrors);
      const int64_t ts = Tick();
      const auto call = S(c.call_id);
      const auto did = S(did_str);
      const auto name = S(tool);
      const auto err = S(error);
      Emit(ts, fb::Event::ToolFailed, fb::CreateToolFailed(F(), call, did, name, err, c.duration_ms));
      peers[p].failures++;
      peers[p].consecutive_failures++;
      break;
    }
    case Outcome::kTimeout: {
      const int64_t ts = Tick();
      const auto call = S(c.call_id);
      const auto did = S(did_str);
      const auto name = S(tool);
      Emit(ts, fb::Event::ToolTimedOut, fb::CreateToolTimedOut(F(), call, did, name, kToolTimeoutMs));
      peers[p].timeouts++;
      peers[p].consecutive_failures++;
      break;
    }
  }
  if (c.mode == Mode::kPrepay && c.outcome == Outcome::kSuccess) {
    // The seller submits the buyer's authorization and waits for the receipt (lango §5.4).
    c.stage = Stage::kSettle;
    c.due_ns = now + rng.Range(1500, 15000) * kMs;
  } else {
    c.stage = Stage::kDone;  // a failed call's authorization is never submitted
  }
  // Below only emits events and touches sessions and teams; `calls` is left alone.
  ReputationMoved(p, old_score);
  if (peers[p].session && peers[p].consecutive_failures >= kMaxConsecutiveFailures) {
    EmitRevoked(p, fb::RevokeReason::RepeatedFailures);
  }
}

}  // namespace sov::node::workload_internal
