// The payments view: quotes, the payment ledger and per-peer post-pay balances; odd sequences
// (settle or fail of an unknown payment, repeated events, null strings); rebuild = live.
#include "events_generated.h"
#include "pipeline/payments_view.h"
#include "pipeline/runner.h"
#include "support/test_util.h"

namespace sov {
namespace {

using pipeline::BalanceInfo;
using pipeline::PaymentInfo;
using pipeline::QuoteInfo;
using testing::Event;
using testing::T;
using testing::TestDid;

std::string Quoted(int64_t ts, const char* id, int peer, const char* tool, int64_t amount, int64_t expires) {
  return Event(ts, fb::Event::PriceQuoted, [&](auto& fbb) {
    return fb::CreatePriceQuotedDirect(fbb, id, TestDid(peer).c_str(), tool, amount, "USDC", expires);
  });
}

std::string Authorized(int64_t ts, const char* id, const char* quote, int peer, int64_t amount, fb::PaymentMode mode) {
  return Event(ts, fb::Event::PaymentAuthorized, [&](auto& fbb) {
    return fb::CreatePaymentAuthorizedDirect(fbb, id, quote, TestDid(peer).c_str(), "search", amount, "USDC", mode,
                                             "0xpayer", "0xpayee");
  });
}

std::string Rejected(int64_t ts, const char* id, int peer, int64_t amount, fb::PaymentRejectReason reason) {
  return Event(ts, fb::Event::PaymentRejected, [&](auto& fbb) {
    return fb::CreatePaymentRejectedDirect(fbb, id, "q-r", TestDid(peer).c_str(), "search", amount, reason);
  });
}

std::string Deferred(int64_t ts, const char* id, int peer, int64_t amount) {
  return Event(ts, fb::Event::PaymentDeferred, [&](auto& fbb) {
    return fb::CreatePaymentDeferredDirect(fbb, id, TestDid(peer).c_str(), "summarize", "call-1", amount, "USDC");
  });
}

std::string Settled(int64_t ts, const char* id, int peer, int64_t amount, const char* tx) {
  return Event(ts, fb::Event::PaymentSettled, [&](auto& fbb) {
    return fb::CreatePaymentSettledDirect(fbb, id, TestDid(peer).c_str(), amount, "USDC", tx);
  });
}

std::string Failed(int64_t ts, const char* id, int peer, int64_t amount, const char* error) {
  return Event(ts, fb::Event::PaymentFailed, [&](auto& fbb) {
    return fb::CreatePaymentFailedDirect(fbb, id, TestDid(peer).c_str(), amount, error);
  });
}

std::vector<PaymentInfo> Payments(const pipeline::EventStore& s) {
  auto r = pipeline::ListPayments(s.db());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<PaymentInfo>{};
}

BalanceInfo Balance(const pipeline::EventStore& s, int peer) {
  auto r = pipeline::GetBalance(s.db(), TestDid(peer));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r.ok() && r->has_value()) << "no balance for peer " << peer;
  return r.ok() && r->has_value() ? **r : BalanceInfo{};
}

void ExpectBalance(const BalanceInfo& b, int peer, int64_t outstanding, uint64_t deferred, int64_t settled_total,
                   uint64_t settled, uint64_t failed, uint64_t rejected) {
  EXPECT_EQ(b.peer_did, TestDid(peer));
  EXPECT_EQ(b.outstanding, outstanding) << "peer " << peer;
  EXPECT_EQ(b.deferred_count, deferred) << "peer " << peer;
  EXPECT_EQ(b.settled_total, settled_total) << "peer " << peer;
  EXPECT_EQ(b.settled_count, settled) << "peer " << peer;
  EXPECT_EQ(b.failed_count, failed) << "peer " << peer;
  EXPECT_EQ(b.rejected_count, rejected) << "peer " << peer;
}

void ExpectPayment(const PaymentInfo& p, const PaymentInfo& want) {
  EXPECT_EQ(p.payment_id, want.payment_id);
  EXPECT_EQ(p.quote_id, want.quote_id) << want.payment_id;
  EXPECT_EQ(p.peer_did, want.peer_did) << want.payment_id;
  EXPECT_EQ(p.tool, want.tool) << want.payment_id;
  EXPECT_EQ(p.call_id, want.call_id) << want.payment_id;
  EXPECT_EQ(p.amount, want.amount) << want.payment_id;
  EXPECT_EQ(p.currency, want.currency) << want.payment_id;
  EXPECT_EQ(p.mode, want.mode) << want.payment_id;
  EXPECT_EQ(p.state, want.state) << want.payment_id;
  EXPECT_EQ(p.reject_reason, want.reject_reason) << want.payment_id;
  EXPECT_EQ(p.tx_hash, want.tx_hash) << want.payment_id;
  EXPECT_EQ(p.error, want.error) << want.payment_id;
  EXPECT_EQ(p.created_at_ns, want.created_at_ns) << want.payment_id;
  EXPECT_EQ(p.updated_at_ns, want.updated_at_ns) << want.payment_id;
  EXPECT_EQ(p.outstanding, want.outstanding) << want.payment_id;
}

TEST(PaymentsView, PrepayQuoteAuthorizeSettle) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Quoted(T(1), "q1", 1, "search", 1250000, T(301))});
  testing::AppendAll(*s, {Authorized(T(2), "p1", "q1", 1, 1250000, fb::PaymentMode::Prepay),
                          Settled(T(9), "p1", 1, 1250000, "0xabc")});
  auto quotes = pipeline::ListQuotes(s->db());
  ASSERT_TRUE(quotes.ok());
  ASSERT_EQ(quotes->size(), 1u);
  const QuoteInfo& q = (*quotes)[0];
  EXPECT_EQ(q.quote_id, "q1");
  EXPECT_EQ(q.peer_did, TestDid(1));
  EXPECT_EQ(q.tool, "search");
  EXPECT_EQ(q.amount, 1250000);
  EXPECT_EQ(q.currency, "USDC");
  EXPECT_EQ(q.quoted_at_ns, T(1));
  EXPECT_EQ(q.expires_at_ns, T(301));
  auto payments = Payments(*s);
  ASSERT_EQ(payments.size(), 1u);
  ExpectPayment(payments[0], {"p1", "q1", TestDid(1), "search", "", 1250000, "USDC", "prepay", "settled", "", "0xabc",
                              "", T(2), T(9), 0});
  ExpectBalance(Balance(*s, 1), 1, 0, 0, 1250000, 1, 0, 0);
}

TEST(PaymentsView, DeferredDebtIsOutstandingUntilSettledEvenAfterAFailure) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Deferred(T(1), "d1", 2, 500000), Deferred(T(2), "d2", 2, 300000)});
  testing::AppendAll(*s, {Failed(T(3), "d2", 2, 300000, "reverted")});
  ExpectBalance(Balance(*s, 2), 2, 800000, 2, 0, 0, 1, 0);
  auto payments = Payments(*s);
  ASSERT_EQ(payments.size(), 2u);
  ExpectPayment(payments[0], {"d1", "", TestDid(2), "summarize", "call-1", 500000, "USDC", "postpay", "deferred", "",
                              "", "", T(1), T(1), 500000});
  ExpectPayment(payments[1], {"d2", "", TestDid(2), "summarize", "call-1", 300000, "USDC", "postpay", "failed", "", "",
                              "reverted", T(2), T(3), 300000});
  testing::AppendAll(*s, {Settled(T(4), "d1", 2, 500000, "0x1")});
  ExpectBalance(Balance(*s, 2), 2, 300000, 2, 500000, 1, 1, 0);
  // The failed deferred payment is retried and settles: its debt is cleared too.
  testing::AppendAll(*s, {Settled(T(5), "d2", 2, 300000, "0x2")});
  ExpectBalance(Balance(*s, 2), 2, 0, 2, 800000, 2, 1, 0);
  payments = Payments(*s);
  ASSERT_EQ(payments.size(), 2u);
  ExpectPayment(payments[1], {"d2", "", TestDid(2), "summarize", "call-1", 300000, "USDC", "postpay", "settled", "",
                              "0x2", "reverted", T(2), T(5), 0});
}

TEST(PaymentsView, RejectedPaymentsAndModes) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Rejected(T(1), "r1", 3, 100, fb::PaymentRejectReason::InsufficientAmount),
                          Authorized(T(2), "a1", "q9", 3, 0, fb::PaymentMode::Free),
                          Authorized(T(3), "a2", "q9", 3, 7, static_cast<fb::PaymentMode>(77))});
  auto payments = Payments(*s);
  ASSERT_EQ(payments.size(), 3u);
  ExpectPayment(payments[0], {"r1", "q-r", TestDid(3), "search", "", 100, "", "unknown", "rejected",
                              "insufficient_amount", "", "", T(1), T(1), 0});
  ExpectPayment(payments[1], {"a1", "q9", TestDid(3), "search", "", 0, "USDC", "free", "authorized", "", "", "", T(2),
                              T(2), 0});
  EXPECT_EQ(payments[2].mode, "unknown");  // a mode newer than this build
  ExpectBalance(Balance(*s, 3), 3, 0, 0, 0, 0, 0, 1);
}

TEST(PaymentsView, SettleOrFailOfUnknownPaymentAndRepeatedEvents) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Settled(T(1), "x1", 4, 700, "0xdead"), Failed(T(2), "x2", 4, 50, "timeout")});
  // Settled is final: a second settle, a failure or a deferral of x1 change nothing.
  testing::AppendAll(*s, {Settled(T(3), "x1", 4, 700, "0xbeef"), Failed(T(4), "x1", 4, 700, "late"),
                          Deferred(T(5), "x1", 4, 700)});
  // A repeated deferral replaces the debt instead of adding to it.
  testing::AppendAll(*s, {Deferred(T(6), "d", 4, 1000), Deferred(T(7), "d", 4, 1200)});
  auto payments = Payments(*s);
  ASSERT_EQ(payments.size(), 3u);
  ExpectPayment(payments[0], {"x1", "", TestDid(4), "", "", 700, "USDC", "unknown", "settled", "", "0xdead", "", T(1),
                              T(1), 0});
  ExpectPayment(payments[1], {"x2", "", TestDid(4), "", "", 50, "", "unknown", "failed", "", "", "timeout", T(2), T(2),
                              0});
  ExpectPayment(payments[2], {"d", "", TestDid(4), "summarize", "call-1", 1200, "USDC", "postpay", "deferred", "", "",
                              "", T(6), T(7), 1200});
  ExpectBalance(Balance(*s, 4), 4, 1200, 1, 700, 1, 1, 0);
}

TEST(PaymentsView, NullStringsAreSkippedOrKeptWithoutABalance) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(
      *s, {Event(T(1), fb::Event::PriceQuoted, [](auto& fbb) { return fb::CreatePriceQuotedDirect(fbb); }),
           Event(T(2), fb::Event::PaymentAuthorized, [](auto& fbb) { return fb::CreatePaymentAuthorizedDirect(fbb); }),
           Event(T(3), fb::Event::PaymentRejected, [](auto& fbb) { return fb::CreatePaymentRejectedDirect(fbb); }),
           Event(T(4), fb::Event::PaymentDeferred, [](auto& fbb) { return fb::CreatePaymentDeferredDirect(fbb); }),
           Event(T(5), fb::Event::PaymentSettled, [](auto& fbb) { return fb::CreatePaymentSettledDirect(fbb); }),
           Event(T(6), fb::Event::PaymentFailed, [](auto& fbb) { return fb::CreatePaymentFailedDirect(fbb); }),
           Event(T(7), fb::Event::PaymentDeferred,
                 [](auto& fbb) { return fb::CreatePaymentDeferredDirect(fbb, "nobody", nullptr, nullptr, nullptr, 40); }),
           Event(T(8), fb::Event::PriceQuoted, [](auto& fbb) { return fb::CreatePriceQuotedDirect(fbb, "bare-quote"); })});
  auto payments = Payments(*s);
  ASSERT_EQ(payments.size(), 1u);
  ExpectPayment(payments[0], {"nobody", "", "", "", "", 40, "", "postpay", "deferred", "", "", "", T(7), T(7), 40});
  auto balances = pipeline::ListBalances(s->db());
  ASSERT_TRUE(balances.ok());
  EXPECT_TRUE(balances->empty());  // no peer to owe it
  auto quotes = pipeline::ListQuotes(s->db());
  ASSERT_TRUE(quotes.ok());
  ASSERT_EQ(quotes->size(), 1u);
  EXPECT_EQ((*quotes)[0].quote_id, "bare-quote");
  EXPECT_EQ((*quotes)[0].peer_did, "");
  auto none = pipeline::GetBalance(s->db(), TestDid(9));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(PaymentsView, LedgerIsOrderedByCreationThenId) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Deferred(T(30), "a", 1, 1), Deferred(T(10), "c", 1, 1), Deferred(T(10), "b", 1, 1),
                          Settled(T(40), "c", 1, 1, "0x")});
  auto payments = Payments(*s);
  ASSERT_EQ(payments.size(), 3u);
  EXPECT_EQ(payments[0].payment_id, "b");
  EXPECT_EQ(payments[1].payment_id, "c");
  EXPECT_EQ(payments[2].payment_id, "a");
  auto balances = pipeline::ListBalances(s->db());
  ASSERT_TRUE(balances.ok());
  ASSERT_EQ(balances->size(), 1u);
  ExpectBalance((*balances)[0], 1, 2, 3, 1, 1, 0, 0);
}

TEST(PaymentsView, RebuildYieldsTheLiveDigest) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  for (int i = 0; i < 25; ++i) {
    const std::string id = "pay-" + std::to_string(i);
    const std::string quote = "q-" + std::to_string(i);
    testing::AppendAll(*s, {Quoted(T(i), quote.c_str(), i % 3, "search", 1000 + i, T(i + 300))});
    if (i % 2 == 0) {
      testing::AppendAll(*s, {Deferred(T(i), id.c_str(), i % 3, 1000 + i)});
    } else {
      testing::AppendAll(*s, {Authorized(T(i), id.c_str(), quote.c_str(), i % 3, 1000 + i, fb::PaymentMode::Prepay)});
    }
    if (i % 3 == 0) testing::AppendAll(*s, {Settled(T(i + 1), id.c_str(), i % 3, 1000 + i, "0x")});
    if (i % 5 == 0) testing::AppendAll(*s, {Failed(T(i + 2), id.c_str(), i % 3, 1000 + i, "err")});
    const std::string rejected = "rej-" + id;
    if (i % 7 == 0) testing::AppendAll(*s, {Rejected(T(i), rejected.c_str(), i % 3, 1, fb::PaymentRejectReason::Expired)});
  }
  auto live = pipeline::ViewDigest(s->db(), "payments");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  auto before = pipeline::ListBalances(s->db());
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 3u);
  ASSERT_TRUE(s->runner()->Rebuild("payments").ok());
  auto rebuilt = pipeline::ViewDigest(s->db(), "payments");
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(*rebuilt, *live);
}

}  // namespace
}  // namespace sov
