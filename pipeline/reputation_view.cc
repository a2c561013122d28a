#include "pipeline/reputation_view.h"

#include "events_generated.h"
#include "node/policy/reputation.h"
#include "pipeline/view_codec.h"
#include "views_generated.h"

namespace sov::pipeline {

namespace {

enum class Outcome { kSeen, kSuccess, kFailure, kTimeout };

struct Weights {
  uint64_t s = 0, f = 0, t = 0;
  double ws = 0, wf = 0, wt = 0;
  int64_t first = 0, last = 0;
};

class ReputationProjector final : public Projector {
 public:
  std::string_view name() const override { return "reputation"; }
  uint32_t version() const override { return 1; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const flatbuffers::String* peer = nullptr;
    Outcome outcome = Outcome::kSeen;
    switch (env.payload_type()) {
      case fb::Event::ToolSucceeded: peer = env.payload_as_ToolSucceeded()->peer_did(); outcome = Outcome::kSuccess; break;
      case fb::Event::ToolFailed: peer = env.payload_as_ToolFailed()->peer_did(); outcome = Outcome::kFailure; break;
      case fb::Event::ToolTimedOut: peer = env.payload_as_ToolTimedOut()->peer_did(); outcome = Outcome::kTimeout; break;
      case fb::Event::PaymentSettled: peer = env.payload_as_PaymentSettled()->peer_did(); outcome = Outcome::kSuccess; break;
      case fb::Event::PaymentFailed: peer = env.payload_as_PaymentFailed()->peer_did(); outcome = Outcome::kFailure; break;
      case fb::Event::TeamTaskResult: {
        auto* r = env.payload_as_TeamTaskResult();
        peer = r->member_did();
        outcome = r->success() ? Outcome::kSuccess : Outcome::kFailure;
        break;
      }
      case fb::Event::HandshakeCompleted: peer = env.payload_as_HandshakeCompleted()->peer_did(); break;
      default: return Status::OK();
    }
    // Keys starting with a zero byte are reserved (the checkpoint): such a DID is skipped.
    if (peer == nullptr || peer->size() == 0 || peer->c_str()[0] == '\0') return Status::OK();
    const std::string key = peer->str();
    auto current = txn.Get(key);
    if (!current.ok()) return current.status();
    Weights w;
    const int64_t ts = env.timestamp_ns();
    if (current->has_value()) {
      auto rec = DecodeView<fb::ReputationRecord>(**current, "reputation record for " + key);
      if (!rec.ok()) return rec.status();
      const fb::ReputationRecord* r = *rec;
      w = {r->successes(), r->failures(), r->timeouts(), r->w_success(), r->w_failure(), r->w_timeout(),
           r->first_seen_ns(), r->last_interaction_ns()};
    } else {
      w.first = w.last = ts;
    }
    if (ts < w.first) w.first = ts;
    // Decay on event time (node/policy/reputation.h): a handshake only introduces the peer.
    auto fold = [&](policy::ReputationOutcome o) {
      const policy::ReputationWeights next = policy::AddOutcome({w.ws, w.wf, w.wt, w.last}, o, ts);
      w.ws = next.success;
      w.wf = next.failure;
      w.wt = next.timeout;
      w.last = next.last_ns;
    };
    switch (outcome) {
      case Outcome::kSuccess: ++w.s; fold(policy::ReputationOutcome::kSuccess); break;
      case Outcome::kFailure: ++w.f; fold(policy::ReputationOutcome::kFailure); break;
      case Outcome::kTimeout: ++w.t; fold(policy::ReputationOutcome::kTimeout); break;
      case Outcome::kSeen: if (current->has_value()) return Status::OK(); break;
    }
    flatbuffers::FlatBufferBuilder fbb(128);
    fbb.Finish(fb::CreateReputationRecord(fbb, fbb.CreateString(key), w.s, w.f, w.t, w.ws, w.wf, w.wt,
                                          policy::ReputationScore(w.ws, w.wf, w.wt), w.first, w.last));
    txn.Put(key, FinishedBytes(fbb));
    return Status::OK();
  }
};

Result<ReputationInfo> ToInfo(std::string_view bytes, const std::string& key) {
  auto rec = DecodeView<fb::ReputationRecord>(bytes, "reputation record for " + key);
  if (!rec.ok()) return rec.status();
  const fb::ReputationRecord* r = *rec;
  ReputationInfo info;
  info.peer_did = Str(r->peer_did());
  info.successes = r->successes();
  info.failures = r->failures();
  info.timeouts = r->timeouts();
  info.score = r->score();
  info.first_seen_ns = r->first_seen_ns();
  info.last_interaction_ns = r->last_interaction_ns();
  return info;
}

}  // namespace

std::unique_ptr<Projector> MakeReputationProjector() { return std::make_unique<ReputationProjector>(); }

Result<std::optional<ReputationInfo>> GetReputation(const store::Db& db, std::string_view peer_did) {
  return GetViewRecord<ReputationInfo>(db, "reputation", peer_did, ToInfo);
}

Result<std::vector<ReputationInfo>> ListReputation(const store::Db& db) {
  return ListViewRecords<ReputationInfo>(db, "reputation", "", ToInfo);
}

}  // namespace sov::pipeline
