// The payments view: the quote / authorization / settlement ledger and, per peer, the post-pay debt
// still outstanding. Projector plus the queries `sov p2p pricing ledger|outstanding` use.
//
// Keys: "q/<quote_id>" = QuoteRecord (price.quoted), "p/<payment_id>" = PaymentRecord, "b/<peer DID>" =
// PeerBalance. A payment's state follows its latest event: authorized, rejected (rejected_count++),
// deferred (post-pay debt: outstanding += amount, deferred_count++), settled (outstanding -= what the
// payment still owed, settled_total += amount, settled_count++), failed (failed_count++; a failed
// deferred payment stays outstanding). Settled is final: later events for a settled payment are
// ignored. A settle or failure of an unknown payment records it with what its event says.
// Amounts are int64 minor units (USDC micro-units).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/projector.h"

namespace sov::pipeline {

struct QuoteInfo {
  std::string quote_id, peer_did, tool;
  int64_t amount = 0;
  std::string currency;
  int64_t quoted_at_ns = 0, expires_at_ns = 0;
};

struct PaymentInfo {
  std::string payment_id, quote_id, peer_did, tool, call_id;
  int64_t amount = 0;
  std::string currency;
  std::string mode;           // "prepay", "postpay", "free", "unknown"
  std::string state;          // "authorized", "rejected", "deferred", "settled", "failed"
  std::string reject_reason;  // snake_case ("insufficient_amount"); empty unless rejected
  std::string tx_hash, error;
  int64_t created_at_ns = 0, updated_at_ns = 0;
  int64_t outstanding = 0;    // what this payment still adds to its peer's outstanding
};

struct BalanceInfo {
  std::string peer_did;
  int64_t outstanding = 0;  // deferred amounts not yet settled
  uint64_t deferred_count = 0;
  int64_t settled_total = 0;
  uint64_t settled_count = 0, failed_count = 0, rejected_count = 0;
};

std::unique_ptr<Projector> MakePaymentsProjector();

// Payments ordered by creation (event time of their first event), then payment id.
Result<std::vector<PaymentInfo>> ListPayments(const store::Db& db);
// Quotes in quote id order.
Result<std::vector<QuoteInfo>> ListQuotes(const store::Db& db);
// Per-peer balances in peer DID order.
Result<std::vector<BalanceInfo>> ListBalances(const store::Db& db);
Result<std::optional<BalanceInfo>> GetBalance(const store::Db& db, std::string_view peer_did);

}  // namespace sov::pipeline
