#include "pipeline/payments_view.h"

#include <algorithm>

#include "events_generated.h"
#include "pipeline/view_codec.h"
#include "views_generated.h"

namespace sov::pipeline {

namespace {

constexpr std::string_view kQuotePrefix = "q/";
constexpr std::string_view kPaymentPrefix = "p/";
constexpr std::string_view kBalancePrefix = "b/";

std::string Key(std::string_view prefix, std::string_view id) { return std::string(prefix) + std::string(id); }

struct Payment {
  std::string id, quote_id, peer, tool, call_id, currency, tx_hash, error;
  int64_t amount = 0;
  fb::PaymentMode mode = fb::PaymentMode::Unknown;
  fb::PaymentState state = fb::PaymentState::Unknown;
  fb::PaymentRejectReason reason = fb::PaymentRejectReason::Unknown;
  int64_t created = 0, updated = 0, outstanding = 0;
};

Payment FromRecord(const fb::PaymentRecord& r) {
  Payment p;
  p.id = Str(r.payment_id());
  p.quote_id = Str(r.quote_id());
  p.peer = Str(r.peer_did());
  p.tool = Str(r.tool());
  p.call_id = Str(r.call_id());
  p.amount = r.amount();
  p.currency = Str(r.currency());
  p.mode = r.mode();
  p.state = r.state();
  p.reason = r.reject_reason();
  p.tx_hash = Str(r.tx_hash());
  p.error = Str(r.error());
  p.created = r.created_at_ns();
  p.updated = r.updated_at_ns();
  p.outstanding = r.outstanding();
  return p;
}

std::string Encode(const Payment& p) {
  // Sub-objects are built in a fixed order so the record's bytes do not depend on the compiler.
  flatbuffers::FlatBufferBuilder fbb(256);
  auto id = fbb.CreateString(p.id);
  auto quote = fbb.CreateString(p.quote_id);
  auto peer = fbb.CreateString(p.peer);
  auto tool = fbb.CreateString(p.tool);
  auto call = fbb.CreateString(p.call_id);
  auto currency = fbb.CreateString(p.currency);
  auto tx = fbb.CreateString(p.tx_hash);
  auto error = fbb.CreateString(p.error);
  fbb.Finish(fb::CreatePaymentRecord(fbb, id, quote, peer, tool, call, p.amount, currency, p.mode, p.state, p.reason, tx,
                                     error, p.created, p.updated, p.outstanding));
  return FinishedBytes(fbb);
}

// The change one event makes to its peer's balance.
struct BalanceDelta {
  int64_t outstanding = 0, settled_total = 0;
  uint64_t deferred = 0, settled = 0, failed = 0, rejected = 0;
};

BalanceInfo FromRecord(const fb::PeerBalance& r) {
  return BalanceInfo{Str(r.peer_did()), r.outstanding(), r.deferred_count(), r.settled_total(),
                     r.settled_count(), r.failed_count(), r.rejected_count()};
}

class PaymentsProjector final : public Projector {
 public:
  std::string_view name() const override { return "payments"; }
  uint32_t version() const override { return 1; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const int64_t ts = env.timestamp_ns();
    const flatbuffers::String* id = nullptr;
    const flatbuffers::String* peer = nullptr;
    auto ids = [&](const auto* e) {
      id = e->payment_id();
      peer = e->peer_did();
    };
    switch (env.payload_type()) {
      case fb::Event::PriceQuoted: return Quote(*env.payload_as_PriceQuoted(), ts, txn);
      case fb::Event::PaymentAuthorized: ids(env.payload_as_PaymentAuthorized()); break;
      case fb::Event::PaymentRejected: ids(env.payload_as_PaymentRejected()); break;
      case fb::Event::PaymentDeferred: ids(env.payload_as_PaymentDeferred()); break;
      case fb::Event::PaymentSettled: ids(env.payload_as_PaymentSettled()); break;
      case fb::Event::PaymentFailed: ids(env.payload_as_PaymentFailed()); break;
      default: return Status::OK();
    }
    const std::string payment_id = Str(id);
    if (payment_id.empty()) return Status::OK();
    const std::string key = Key(kPaymentPrefix, payment_id);
    auto current = txn.Get(key);
    if (!current.ok()) return current.status();
    Payment p;
    if (current->has_value()) {
      auto rec = DecodeView<fb::PaymentRecord>(**current, "payment record for " + payment_id);
      if (!rec.ok()) return rec.status();
      p = FromRecord(**rec);
      if (p.state == fb::PaymentState::Settled) return Status::OK();  // settled is final
    } else {
      p.id = payment_id;
      p.created = ts;
    }
    if (p.peer.empty()) p.peer = Str(peer);  // the peer that owes is the one first recorded
    p.updated = ts;
    auto set = [](std::string& field, const flatbuffers::String* s) {
      if (s != nullptr && s->size() > 0) field = s->str();
    };
    BalanceDelta d;
    switch (env.payload_type()) {
      case fb::Event::PaymentAuthorized: {
        auto* e = env.payload_as_PaymentAuthorized();
        set(p.quote_id, e->quote_id());
        set(p.tool, e->tool());
        set(p.currency, e->currency());
        p.amount = e->amount();
        p.mode = e->mode();
        p.state = fb::PaymentState::Authorized;
        break;
      }
      case fb::Event::PaymentRejected: {
        auto* e = env.payload_as_PaymentRejected();
        set(p.quote_id, e->quote_id());
        set(p.tool, e->tool());
        p.amount = e->amount();
        p.reason = e->reason();
        p.state = fb::PaymentState::Rejected;
        d.rejected = 1;
        break;
      }
      case fb::Event::PaymentDeferred: {
        auto* e = env.payload_as_PaymentDeferred();
        set(p.tool, e->tool());
        set(p.call_id, e->call_id());
        set(p.currency, e->currency());
        p.amount = e->amount();
        p.mode = fb::PaymentMode::Postpay;
        p.state = fb::PaymentState::Deferred;
        // A repeated deferral of the same payment replaces its debt instead of adding to it.
        d.deferred = p.outstanding == 0 ? 1 : 0;
        d.outstanding = e->amount() - p.outstanding;
        p.outstanding = e->amount();
        break;
      }
      case fb::Event::PaymentSettled: {
        auto* e = env.payload_as_PaymentSettled();
        set(p.currency, e->currency());
        set(p.tx_hash, e->tx_hash());
        if (p.amount == 0) p.amount = e->amount();
        p.state = fb::PaymentState::Settled;
        d.outstanding = -p.outstanding;
        p.outstanding = 0;
        d.settled_total = e->amount();
        d.settled = 1;
        break;
      }
      case fb::Event::PaymentFailed: {
        auto* e = env.payload_as_PaymentFailed();
        set(p.error, e->error());
        if (p.amount == 0) p.amount = e->amount();
        p.state = fb::PaymentState::Failed;
        d.failed = 1;
        break;
      }
      default: break;
    }
    txn.Put(key, Encode(p));
    return ApplyBalance(p.peer, d, txn);
  }

 private:
  static Status Quote(const fb::PriceQuoted& e, int64_t ts, ViewTxn& txn) {
    const std::string id = Str(e.quote_id());
    if (id.empty()) return Status::OK();
    flatbuffers::FlatBufferBuilder fbb(192);
    auto id_off = fbb.CreateString(id);
    auto peer = fbb.CreateString(Str(e.peer_did()));
    auto tool = fbb.CreateString(Str(e.tool()));
    auto currency = fbb.CreateString(Str(e.currency()));
    fbb.Finish(fb::CreateQuoteRecord(fbb, id_off, peer, tool, e.amount(), currency, ts, e.expires_at_ns()));
    txn.Put(Key(kQuotePrefix, id), FinishedBytes(fbb));
    return Status::OK();
  }

  static Status ApplyBalance(const std::string& peer, const BalanceDelta& d, ViewTxn& txn) {
    if (peer.empty()) return Status::OK();  // nobody to charge
    if (d.outstanding == 0 && d.settled_total == 0 && d.deferred == 0 && d.settled == 0 && d.failed == 0 &&
        d.rejected == 0) {
      return Status::OK();
    }
    const std::string key = Key(kBalancePrefix, peer);
    auto current = txn.Get(key);
    if (!current.ok()) return current.status();
    BalanceInfo b;
    b.peer_did = peer;
    if (current->has_value()) {
      auto rec = DecodeView<fb::PeerBalance>(**current, "payment balance for " + peer);
      if (!rec.ok()) return rec.status();
      b = FromRecord(**rec);
    }
    b.outstanding += d.outstanding;
    b.deferred_count += d.deferred;
    b.settled_total += d.settled_total;
    b.settled_count += d.settled;
    b.failed_count += d.failed;
    b.rejected_count += d.rejected;
    flatbuffers::FlatBufferBuilder fbb(128);
    auto did = fbb.CreateString(peer);
    fbb.Finish(fb::CreatePeerBalance(fbb, did, b.outstanding, b.deferred_count, b.settled_total, b.settled_count,
                                     b.failed_count, b.rejected_count));
    txn.Put(key, FinishedBytes(fbb));
    return Status::OK();
  }
};

std::string ModeName(fb::PaymentMode m) { return SnakeCase(fb::EnumNamePaymentMode(m)); }
std::string StateName(fb::PaymentState s) { return SnakeCase(fb::EnumNamePaymentState(s)); }

Result<PaymentInfo> ToPayment(std::string_view bytes, const std::string& key) {
  auto rec = DecodeView<fb::PaymentRecord>(bytes, "payment record under key " + key);
  if (!rec.ok()) return rec.status();
  Payment p = FromRecord(**rec);
  PaymentInfo info;
  info.payment_id = p.id;
  info.quote_id = p.quote_id;
  info.peer_did = p.peer;
  info.tool = p.tool;
  info.call_id = p.call_id;
  info.amount = p.amount;
  info.currency = p.currency;
  info.mode = ModeName(p.mode);
  info.state = StateName(p.state);
  if (p.state == fb::PaymentState::Rejected) info.reject_reason = SnakeCase(fb::EnumNamePaymentRejectReason(p.reason));
  info.tx_hash = p.tx_hash;
  info.error = p.error;
  info.created_at_ns = p.created;
  info.updated_at_ns = p.updated;
  info.outstanding = p.outstanding;
  return info;
}

Result<QuoteInfo> ToQuote(std::string_view bytes, const std::string& key) {
  auto rec = DecodeView<fb::QuoteRecord>(bytes, "price quote under key " + key);
  if (!rec.ok()) return rec.status();
  const fb::QuoteRecord* r = *rec;
  return QuoteInfo{Str(r->quote_id()), Str(r->peer_did()), Str(r->tool()), r->amount(), Str(r->currency()),
                   r->quoted_at_ns(), r->expires_at_ns()};
}

Result<BalanceInfo> ToBalance(std::string_view bytes, const std::string& key) {
  auto rec = DecodeView<fb::PeerBalance>(bytes, "payment balance under key " + key);
  if (!rec.ok()) return rec.status();
  return FromRecord(**rec);
}

}  // namespace

std::unique_ptr<Projector> MakePaymentsProjector() { return std::make_unique<PaymentsProjector>(); }

Result<std::vector<PaymentInfo>> ListPayments(const store::Db& db) {
  auto out = ListViewRecords<PaymentInfo>(db, "payments", kPaymentPrefix, ToPayment);
  if (!out.ok()) return out;
  std::stable_sort(out->begin(), out->end(), [](const PaymentInfo& a, const PaymentInfo& b) {
    return a.created_at_ns != b.created_at_ns ? a.created_at_ns < b.created_at_ns : a.payment_id < b.payment_id;
  });
  return out;
}

Result<std::vector<QuoteInfo>> ListQuotes(const store::Db& db) {
  return ListViewRecords<QuoteInfo>(db, "payments", kQuotePrefix, ToQuote);
}

Result<std::vector<BalanceInfo>> ListBalances(const store::Db& db) {
  return ListViewRecords<BalanceInfo>(db, "payments", kBalancePrefix, ToBalance);
}

Result<std::optional<BalanceInfo>> GetBalance(const store::Db& db, std::string_view peer_did) {
  return GetViewRecord<BalanceInfo>(db, "payments", Key(kBalancePrefix, peer_did), ToBalance);
}

}  // namespace sov::pipeline
