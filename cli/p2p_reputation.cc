// `sov p2p reputation [--peer-did D]`: the reputation view, one peer or all.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "pipeline/reputation_view.h"

namespace sov::cli {

namespace {

nlohmann::json ToJson(const pipeline::ReputationInfo& r) {
  return {{"peerDid", r.peer_did},
          {"trustScore", r.score},
          {"successfulExchanges", r.successes},
          {"failedExchanges", r.failures},
          {"timeoutCount", r.timeouts},
          {"firstSeen", FormatTime(r.first_seen_ns)},
          {"lastInteraction", FormatTime(r.last_interaction_ns)}};
}

std::vector<std::string> Row(const pipeline::ReputationInfo& r) {
  return {r.peer_did, FormatScore(r.score), std::to_string(r.successes), std::to_string(r.failures),
          std::to_string(r.timeouts), FormatTime(r.first_seen_ns), FormatTime(r.last_interaction_ns)};
}

const std::vector<std::string> kHeader = {"PEER DID", "TRUST SCORE", "SUCCESSES", "FAILURES", "TIMEOUTS", "FIRST SEEN",
                                          "LAST INTERACTION"};

int Run(Context& ctx, const std::string& peer_did) {
  if (!peer_did.empty()) {
    Status s = CheckDid("--peer-did", peer_did);
    if (!s.ok()) return Fail(s);
  }
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  if (!peer_did.empty()) {
    auto r = pipeline::GetReputation((*h)->db(), peer_did);
    if (!r.ok()) return Fail(r.status());
    pipeline::ReputationInfo info;
    info.peer_did = peer_did;  // an unknown peer has score 0 and no history
    if (r->has_value()) info = **r;
    if (ctx.json) {
      PrintJson(ToJson(info));
    } else {
      PrintTable(kHeader, {Row(info)});
    }
    return 0;
  }
  auto all = pipeline::ListReputation((*h)->db());
  if (!all.ok()) return Fail(all.status());
  if (ctx.json) {
    PrintJson(JsonArray(*all, ToJson));
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : *all) rows.push_back(Row(r));
    PrintTable(kHeader, rows);
  }
  return 0;
}

}  // namespace

void AddP2pReputationCommand(CLI::App& p2p, Context& ctx) {
  auto* cmd = p2p.add_subcommand("reputation", "Trust score and exchange history of peers (from the reputation view)");
  auto peer = std::make_shared<std::string>();
  cmd->add_option("--peer-did", *peer, "Only this peer (did:key)");
  cmd->callback([&ctx, peer] { ctx.exit_code = Run(ctx, *peer); });
}

}  // namespace sov::cli
