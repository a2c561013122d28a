#include "node/sim/workload_generator.h"

#include <string>

#include "node/policy/payment_mode.h"

namespace sov::node::workload_internal {

void Generator::QuoteCall(Call& c) {
  const std::string did_str = Did(c.peer);
  const char* tool = kTools[c.tool].name;
  c.quote_id = "q-" + rng.Hex(8);
  const int64_t ts = Tick();
  c.quote_expires_ns = policy::QuoteExpiresAt(ts);
  const auto quote = S(c.quote_id);
  const auto did = S(did_str);
  const auto name = S(tool);
  const auto cur = S(kCurrency);
  Emit(ts, fb::Event::PriceQuoted, fb::CreatePriceQuoted(F(), quote, did, name, c.amount, cur, c.quote_expires_ns));
  c.stage = Stage::kAuthorize;
  c.due_ns = now + rng.Range(50, 3000) * kMs;
}

void Generator::AuthorizeCall(Call& c) {
  const std::string did_str = Did(c.peer);
  const char* tool = kTools[c.tool].name;
  c.payment_id = "pay-" + rng.Hex(8);
  if (rng.Chance(peers[c.peer].profile == 3 ? 300 : 70)) {
    const auto reason = Rotate<fb::PaymentRejectReason>(&reject_turn);
    int64_t amount = c.amount;
    if (reason == fb::PaymentRejectReason::InsufficientAmount) amount = c.amount - rng.Range(1, c.amount / 2);
    if (reason == fb::PaymentRejectReason::QuoteExpired && !policy::IsQuoteExpired(c.quote_expires_ns, now)) {
      now = c.quote_expires_ns + rng.Range(1, 120) * kSec;  // the buyer came back too late
    }
    const int64_t ts = Tick();
    const auto pay = S(c.payment_id);
    const auto quote = S(c.quote_id);
    const auto did = S(did_str);
    const auto name = S(tool);
    Emit(ts, fb::Event::PaymentRejected, fb::CreatePaymentRejected(F(), pay, quote, did, name, amount, reason));
    c.stage = Stage::kDone;
    return;
  }
  const int64_t ts = Tick();
  const auto pay = S(c.payment_id);
  const auto quote = S(c.quote_id);
  const auto did = S(did_str);
  const auto name = S(tool);
  const auto cur = S(kCurrency);
  const auto payer = S(Id(c.peer).wallet);
  const auto payee = S(origin.wallet);
  Emit(ts, fb::Event::PaymentAuthorized,
       fb::CreatePaymentAuthorized(F(), pay, quote, did, name, c.amount, cur, fb::PaymentMode::Prepay, payer, payee));
  c.stage = Stage::kInvoke;
  c.due_ns = now + rng.Range(5, 300) * kMs;
}

void Generator::DeferCall(Call& c) {
  const std::string did_str = Did(c.peer);
  const char* tool = kTools[c.tool].name;
  c.payment_id = rng.Uuid();  // lango's deferred-ledger ids are UUIDs
  const int64_t ts = Tick();
  const auto pay = S(c.payment_id);
  const auto did = S(did_str);
  const auto name = S(tool);
  const auto call = S(c.call_id);
  const auto cur = S(kCurrency);
  Emit(ts, fb::Event::PaymentDeferred, fb::CreatePaymentDeferred(F(), pay, did, name, call, c.amount, cur));
  if (debts.size() >= kMaxDebts) debts.pop_front();  // stays outstanding
  debts.push_back({c.payment_id, c.peer, c.amount});
  c.stage = Stage::kInvoke;
  c.due_ns = now + rng.Range(1, 50) * kMs;
}

void Generator::SettleCall(Call& c) {
  const std::string did_str = Did(c.peer);
  const uint32_t p = c.peer;
  const double old_score = peers[p].Score();
  if (rng.Chance(930)) {
    const std::string tx = "0x" + rng.Hex(32);
    const int64_t ts = Tick();
    const auto pay = S(c.payment_id);
    const auto did = S(did_str);
    const auto cur = S(kCurrency);
    const auto txh = S(tx);
    Emit(ts, fb::Event::PaymentSettled, fb::CreatePaymentSettled(F(), pay, did, c.amount, cur, txh));
    peers[p].successes++;
  } else {
    const char* error = rng.Pick(kPaymentErrors);
    const int64_t ts = Tick();
    const auto pay = S(c.payment_id);
    const auto did = S(did_str);
    const auto err = S(error);
    Emit(ts, fb::Event::PaymentFailed, fb::CreatePaymentFailed(F(), pay, did, c.amount, err));
    peers[p].failures++;
  }
  c.stage = Stage::kDone;
  ReputationMoved(p, old_score);
}

// A debtor (mostly one of the oldest) pays what it owes, one settlement per deferred payment.
bool Generator::SettleDebts() {
  if (debts.empty()) return false;
  const uint32_t debtor = debts[rng.Skewed(debts.size())].peer;
  for (size_t i = 0, paid = 0; i < debts.size() && paid < 16;) {
    if (debts[i].peer != debtor) {
      ++i;
      continue;
    }
    const Debt d = debts[i];
    debts.erase(debts.begin() + static_cast<std::ptrdiff_t>(i));
    SettleDebt(d);
    ++paid;
  }
  return true;
}

void Generator::SettleDebt(const Debt& d) {
  const double old_score = peers[d.peer].Score();
  if (rng.Chance(960)) {
    const std::string tx = "0x" + rng.Hex(32);
    const int64_t ts = Tick();
    const auto pay = S(d.payment_id);
    const auto did = S(Did(d.peer));
    const auto cur = S(kCurrency);
    const auto txh = S(tx);
    Emit(ts, fb::Event::PaymentSettled, fb::CreatePaymentSettled(F(), pay, did, d.amount, cur, txh));
    peers[d.peer].successes++;
  } else {
    const char* error = rng.Pick(kPaymentErrors);
    const int64_t ts = Tick();
    const auto pay = S(d.payment_id);
    const auto did = S(Did(d.peer));
    const auto err = S(error);
    Emit(ts, fb::Event::PaymentFailed, fb::CreatePaymentFailed(F(), pay, did, d.amount, err));
    peers[d.peer].failures++;
  }
  ReputationMoved(d.peer, old_score);
}

}  // namespace sov::node::workload_internal
