#include "pipeline/firewall_view.h"

#include <algorithm>

#include "events_generated.h"
#include "pipeline/view_codec.h"
#include "views_generated.h"

namespace sov::pipeline {

namespace {

constexpr std::string_view kRulePrefix = "r/";
constexpr std::string_view kCounterPrefix = "c/";

std::string RuleKey(std::string_view id) { return std::string(kRulePrefix) + std::string(id); }
std::string CounterKey(std::string_view id) { return std::string(kCounterPrefix) + std::string(id); }

enum class Kind { kAllowed, kDenied, kRateLimited };

class FirewallProjector final : public Projector {
 public:
  std::string_view name() const override { return "firewall"; }
  uint32_t version() const override { return 1; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const int64_t ts = env.timestamp_ns();
    switch (env.payload_type()) {
      case fb::Event::FirewallRuleAdded: return AddRule(*env.payload_as_FirewallRuleAdded(), record.seq, ts, txn);
      case fb::Event::FirewallRuleRemoved: {
        const std::string id = Str(env.payload_as_FirewallRuleRemoved()->rule_id());
        if (!id.empty()) txn.Delete(RuleKey(id));  // counters stay
        return Status::OK();
      }
      case fb::Event::FirewallDecided: {
        auto* e = env.payload_as_FirewallDecided();
        if (e->action() == fb::FirewallAction::Allow) return Count(Str(e->rule_id()), Kind::kAllowed, ts, txn);
        if (e->action() == fb::FirewallAction::Deny) return Count(Str(e->rule_id()), Kind::kDenied, ts, txn);
        return Status::OK();  // an action this build does not know is not counted
      }
      case fb::Event::FirewallRateLimited:
        return Count(Str(env.payload_as_FirewallRateLimited()->rule_id()), Kind::kRateLimited, ts, txn);
      default:
        return Status::OK();
    }
  }

 private:
  static Status AddRule(const fb::FirewallRuleAdded& e, uint64_t seq, int64_t ts, ViewTxn& txn) {
    const std::string id = Str(e.rule_id());
    if (id.empty() || id == kUnattributedRuleId) return Status::OK();
    // Sub-objects are built in a fixed order so the record's bytes do not depend on the compiler.
    flatbuffers::FlatBufferBuilder fbb(256);
    auto id_off = fbb.CreateString(id);
    auto peer_off = fbb.CreateString(Str(e.peer_did()));
    std::vector<flatbuffers::Offset<flatbuffers::String>> tools;
    if (e.tools() != nullptr) {
      for (const auto* t : *e.tools()) tools.push_back(fbb.CreateString(Str(t)));
    }
    auto tools_off = fbb.CreateVector(tools);
    fbb.Finish(fb::CreateFirewallRuleRecord(fbb, id_off, peer_off, e.action(), tools_off, e.rate_limit_per_min(), ts, seq));
    txn.Put(RuleKey(id), FinishedBytes(fbb));
    return Status::OK();
  }

  static Status Count(std::string id, Kind kind, int64_t ts, ViewTxn& txn) {
    if (id.empty()) id = std::string(kUnattributedRuleId);
    const std::string key = CounterKey(id);
    auto current = txn.Get(key);
    if (!current.ok()) return current.status();
    uint64_t allowed = 0, denied = 0, rate_limited = 0;
    int64_t last = ts;
    if (current->has_value()) {
      auto rec = DecodeView<fb::FirewallCounters>(**current, "firewall counters for rule " + id);
      if (!rec.ok()) return rec.status();
      allowed = (*rec)->allowed();
      denied = (*rec)->denied();
      rate_limited = (*rec)->rate_limited();
      last = std::max(last, (*rec)->last_decided_at_ns());
    }
    switch (kind) {
      case Kind::kAllowed: ++allowed; break;
      case Kind::kDenied: ++denied; break;
      case Kind::kRateLimited: ++rate_limited; break;
    }
    flatbuffers::FlatBufferBuilder fbb(96);
    fbb.Finish(fb::CreateFirewallCounters(fbb, fbb.CreateString(id), allowed, denied, rate_limited, last));
    txn.Put(key, FinishedBytes(fbb));
    return Status::OK();
  }
};

Result<FirewallCountersInfo> ToCounters(std::string_view bytes, const std::string& key) {
  auto rec = DecodeView<fb::FirewallCounters>(bytes, "firewall counters under key " + key);
  if (!rec.ok()) return rec.status();
  const fb::FirewallCounters* r = *rec;
  return FirewallCountersInfo{Str(r->rule_id()), r->allowed(), r->denied(), r->rate_limited(), r->last_decided_at_ns()};
}

Result<FirewallRuleInfo> ToRule(std::string_view bytes, const std::string& key) {
  auto rec = DecodeView<fb::FirewallRuleRecord>(bytes, "firewall rule under key " + key);
  if (!rec.ok()) return rec.status();
  const fb::FirewallRuleRecord* r = *rec;
  FirewallRuleInfo info;
  info.rule_id = Str(r->rule_id());
  info.peer_did = Str(r->peer_did());
  info.action = SnakeCase(fb::EnumNameFirewallAction(r->action()));
  if (r->tools() != nullptr) {
    for (const auto* t : *r->tools()) info.tools.push_back(Str(t));
  }
  info.rate_limit_per_min = r->rate_limit_per_min();
  info.added_at_ns = r->added_at_ns();
  info.added_seq = r->added_seq();
  info.counters.rule_id = info.rule_id;
  return info;
}

}  // namespace

std::unique_ptr<Projector> MakeFirewallProjector() { return std::make_unique<FirewallProjector>(); }

Result<std::vector<FirewallRuleInfo>> ListFirewallRules(const store::Db& db) {
  auto out = ListViewRecords<FirewallRuleInfo>(db, "firewall", kRulePrefix, ToRule);
  if (!out.ok()) return out;
  for (auto& rule : *out) {
    auto counters = GetViewRecord<FirewallCountersInfo>(db, "firewall", CounterKey(rule.rule_id), ToCounters);
    if (!counters.ok()) return counters.status();
    if (counters->has_value()) rule.counters = std::move(**counters);
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const FirewallRuleInfo& a, const FirewallRuleInfo& b) { return a.added_seq < b.added_seq; });
  return out;
}

Result<std::vector<FirewallCountersInfo>> ListFirewallCounters(const store::Db& db) {
  return ListViewRecords<FirewallCountersInfo>(db, "firewall", kCounterPrefix, ToCounters);
}

}  // namespace sov::pipeline
