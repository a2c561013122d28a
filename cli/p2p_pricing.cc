// `sov p2p pricing ledger|outstanding`: the payments view. `ledger` lists every payment (quote,
// authorization, deferral, settlement); `outstanding` shows per peer the post-pay debt not yet settled
// and the payment counts. Tables print amounts as decimal USDC (6 decimals); JSON as integer minor units.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "pipeline/payments_view.h"

namespace sov::cli {

namespace {

nlohmann::json ToJson(const pipeline::PaymentInfo& p) {
  return {{"paymentId", p.payment_id},
          {"quoteId", p.quote_id},
          {"peerDid", p.peer_did},
          {"tool", p.tool},
          {"callId", p.call_id},
          {"amount", p.amount},
          {"currency", p.currency},
          {"mode", p.mode},
          {"state", p.state},
          {"rejectReason", p.reject_reason},
          {"txHash", p.tx_hash},
          {"error", p.error},
          {"outstanding", p.outstanding},
          {"createdAt", FormatTime(p.created_at_ns)},
          {"updatedAt", FormatTime(p.updated_at_ns)}};
}

nlohmann::json ToJson(const pipeline::BalanceInfo& b) {
  return {{"peerDid", b.peer_did},
          {"outstanding", b.outstanding},
          {"currency", "USDC"},
          {"deferredCount", b.deferred_count},
          {"settledTotal", b.settled_total},
          {"settledCount", b.settled_count},
          {"failedCount", b.failed_count},
          {"rejectedCount", b.rejected_count}};
}

int Ledger(Context& ctx) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto payments = pipeline::ListPayments((*h)->db());
  if (!payments.ok()) return Fail(payments.status());
  if (ctx.json) {
    PrintJson(JsonArray(*payments, ToJson));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : *payments) {
    rows.push_back({p.payment_id, OrDash(p.peer_did), OrDash(p.tool), FormatAmount(p.amount), OrDash(p.currency), p.mode,
                    p.state, FormatTime(p.updated_at_ns)});
  }
  PrintTable({"PAYMENT ID", "PEER DID", "TOOL", "AMOUNT", "CURRENCY", "MODE", "STATE", "UPDATED"}, rows);
  return 0;
}

int Outstanding(Context& ctx, const std::string& peer_did) {
  if (!peer_did.empty()) {
    Status s = CheckDid("--peer-did", peer_did);
    if (!s.ok()) return Fail(s);
  }
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  std::vector<pipeline::BalanceInfo> balances;
  if (!peer_did.empty()) {
    auto b = pipeline::GetBalance((*h)->db(), peer_did);
    if (!b.ok()) return Fail(b.status());
    pipeline::BalanceInfo info;
    info.peer_did = peer_did;  // a peer with no payments owes nothing
    if (b->has_value()) info = **b;
    balances.push_back(std::move(info));
  } else {
    auto all = pipeline::ListBalances((*h)->db());
    if (!all.ok()) return Fail(all.status());
    balances = std::move(*all);
  }
  if (ctx.json) {
    const nlohmann::json arr = JsonArray(balances, ToJson);
    PrintJson(peer_did.empty() ? arr : arr[0]);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : balances) {
    rows.push_back({b.peer_did, FormatAmount(b.outstanding), std::to_string(b.deferred_count),
                    FormatAmount(b.settled_total), std::to_string(b.settled_count), std::to_string(b.failed_count),
                    std::to_string(b.rejected_count)});
  }
  PrintTable({"PEER DID", "OUTSTANDING", "DEFERRED", "SETTLED TOTAL", "SETTLED", "FAILED", "REJECTED"}, rows);
  return 0;
}

}  // namespace

void AddP2pPricingCommands(CLI::App& p2p, Context& ctx) {
  auto* pricing = p2p.add_subcommand("pricing", "Payments for paid tools (from the payments view)");
  pricing->require_subcommand(1);
  auto* ledger = pricing->add_subcommand("ledger", "Every payment: authorizations, deferrals, settlements");
  ledger->callback([&ctx] { ctx.exit_code = Ledger(ctx); });
  auto* outstanding = pricing->add_subcommand("outstanding", "Per peer: post-pay debt not yet settled, payment counts");
  auto peer = std::make_shared<std::string>();
  outstanding->add_option("--peer-did", *peer, "Only this peer (did:key)");
  outstanding->callback([&ctx, peer] { ctx.exit_code = Outstanding(ctx, *peer); });
}

}  // namespace sov::cli
