#include "pipeline/sessions_view.h"

#include "events_generated.h"
#include "node/policy/session_expiry.h"
#include "pipeline/view_codec.h"
#include "views_generated.h"

namespace sov::pipeline {

namespace {

// A peer DID usable as a key: present, and not starting with the byte reserved for the checkpoint.
bool Keyable(const std::string& peer) { return !peer.empty() && peer[0] != '\0'; }

struct Session {
  std::string token_hash;
  int64_t created = 0, expires = 0, ended = 0;
  fb::SessionState state = fb::SessionState::Unknown;
  fb::RevokeReason reason = fb::RevokeReason::Unknown;
};

std::string Encode(const std::string& peer, const Session& s) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto did = fbb.CreateString(peer);
  auto hash = fbb.CreateVector(reinterpret_cast<const uint8_t*>(s.token_hash.data()), s.token_hash.size());
  fbb.Finish(fb::CreateSessionRecord(fbb, did, hash, s.created, s.expires, s.state, s.reason, s.ended));
  return FinishedBytes(fbb);
}

class SessionsProjector final : public Projector {
 public:
  std::string_view name() const override { return "sessions"; }
  uint32_t version() const override { return 1; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const int64_t ts = env.timestamp_ns();
    switch (env.payload_type()) {
      case fb::Event::SessionCreated: {
        auto* e = env.payload_as_SessionCreated();
        const std::string peer = Str(e->peer_did());
        if (!Keyable(peer)) return Status::OK();
        Session s;
        if (e->token_hash() != nullptr) {
          s.token_hash.assign(reinterpret_cast<const char*>(e->token_hash()->data()), e->token_hash()->size());
        }
        s.created = e->created_at_ns();
        s.expires = e->expires_at_ns();
        s.state = fb::SessionState::Active;
        txn.Put(peer, Encode(peer, s));
        return Status::OK();
      }
      case fb::Event::SessionExpired: {
        const std::string peer = Str(env.payload_as_SessionExpired()->peer_did());
        if (!Keyable(peer)) return Status::OK();
        auto s = Load(txn, peer);
        if (!s.ok()) return s.status();
        // Only a live session expires; an unknown, expired or revoked one stays as it is.
        if (!s->has_value() || (*s)->state != fb::SessionState::Active) return Status::OK();
        Session next = **s;
        next.state = fb::SessionState::Expired;
        next.ended = ts;
        txn.Put(peer, Encode(peer, next));
        return Status::OK();
      }
      case fb::Event::SessionRevoked: {
        auto* e = env.payload_as_SessionRevoked();
        const std::string peer = Str(e->peer_did());
        if (!Keyable(peer)) return Status::OK();
        auto s = Load(txn, peer);
        if (!s.ok()) return s.status();
        Session next = s->value_or(Session{});  // revoking an unknown peer is still recorded
        next.state = fb::SessionState::Revoked;
        next.reason = e->reason();
        next.ended = ts;
        txn.Put(peer, Encode(peer, next));
        return Status::OK();
      }
      default:
        return Status::OK();
    }
  }

 private:
  static Result<std::optional<Session>> Load(const ViewTxn& txn, const std::string& peer) {
    auto current = txn.Get(peer);
    if (!current.ok()) return current.status();
    if (!current->has_value()) return std::optional<Session>();
    auto rec = DecodeView<fb::SessionRecord>(**current, "session record for " + peer);
    if (!rec.ok()) return rec.status();
    const fb::SessionRecord* r = *rec;
    Session s;
    if (r->token_hash() != nullptr) {
      s.token_hash.assign(reinterpret_cast<const char*>(r->token_hash()->data()), r->token_hash()->size());
    }
    s.created = r->created_at_ns();
    s.expires = r->expires_at_ns();
    s.ended = r->ended_at_ns();
    s.state = r->state();
    s.reason = r->revoke_reason();
    return std::optional<Session>(std::move(s));
  }
};

Result<SessionInfo> ToInfo(std::string_view bytes, const std::string& key) {
  auto rec = DecodeView<fb::SessionRecord>(bytes, "session record for " + key);
  if (!rec.ok()) return rec.status();
  const fb::SessionRecord* r = *rec;
  SessionInfo info;
  info.peer_did = Str(r->peer_did());
  if (r->token_hash() != nullptr) {
    info.token_hash.assign(reinterpret_cast<const char*>(r->token_hash()->data()), r->token_hash()->size());
  }
  info.created_at_ns = r->created_at_ns();
  info.expires_at_ns = r->expires_at_ns();
  info.expired = r->state() == fb::SessionState::Expired;
  info.revoked = r->state() == fb::SessionState::Revoked;
  if (info.revoked) info.revoke_reason = SnakeCase(fb::EnumNameRevokeReason(r->revoke_reason()));
  info.ended_at_ns = r->ended_at_ns();
  return info;
}

}  // namespace

SessionStatus StatusAt(const SessionInfo& session, int64_t now_ns) {
  if (session.revoked) return SessionStatus::kRevoked;
  if (session.expired || policy::IsSessionExpired(session.expires_at_ns, now_ns)) return SessionStatus::kExpired;
  return SessionStatus::kActive;
}

std::string_view SessionStatusName(SessionStatus status) {
  switch (status) {
    case SessionStatus::kActive: return "active";
    case SessionStatus::kExpired: return "expired";
    case SessionStatus::kRevoked: return "revoked";
  }
  return "unknown";
}

std::unique_ptr<Projector> MakeSessionsProjector() { return std::make_unique<SessionsProjector>(); }

Result<std::optional<SessionInfo>> GetSession(const store::Db& db, std::string_view peer_did) {
  if (peer_did.empty() || peer_did[0] == '\0') return std::optional<SessionInfo>();
  return GetViewRecord<SessionInfo>(db, "sessions", peer_did, ToInfo);
}

Result<std::vector<SessionInfo>> ListSessions(const store::Db& db) {
  return ListViewRecords<SessionInfo>(db, "sessions", "", ToInfo);
}

}  // namespace sov::pipeline
