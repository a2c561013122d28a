// The sessions view: per peer DID, the latest session the log recorded (one session per peer; a new
// session.created replaces the old one) and how it ended. Projector plus the queries
// `sov p2p session list` uses.
//
// The view stores what the log said. Whether an Active session has passed its expiry is judged at
// query time by StatusAt(info, now): projectors never read a clock. A session.revoked for a peer with
// no session still records a Revoked entry with its reason (lango always records revocation history).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/projector.h"

namespace sov::pipeline {

enum class SessionStatus { kActive, kExpired, kRevoked };

struct SessionInfo {
  std::string peer_did;
  std::string token_hash;  // raw bytes: BLAKE2b-256 of the token (the token never enters the log)
  int64_t created_at_ns = 0, expires_at_ns = 0;
  bool expired = false;        // a session.expired was logged
  bool revoked = false;        // a session.revoked was logged
  std::string revoke_reason;   // snake_case ("repeated_failures"); empty unless revoked
  int64_t ended_at_ns = 0;     // event time of the expiry or revocation; 0 while active
};

// Revoked if revoked; expired if a session.expired was logged or expires_at_ns <= now_ns; else active.
SessionStatus StatusAt(const SessionInfo& session, int64_t now_ns);
// "active", "expired", "revoked".
std::string_view SessionStatusName(SessionStatus status);

std::unique_ptr<Projector> MakeSessionsProjector();

Result<std::optional<SessionInfo>> GetSession(const store::Db& db, std::string_view peer_did);
// Every session in peer DID order, whatever its status.
Result<std::vector<SessionInfo>> ListSessions(const store::Db& db);

}  // namespace sov::pipeline
