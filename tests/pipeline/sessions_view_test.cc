// The sessions view: created / expired / revoked folded per peer DID, expiry judged at query time,
// odd sequences (revoke of an unknown peer, expiry after revocation, null strings), rebuild = live.
#include "events_generated.h"
#include "pipeline/runner.h"
#include "pipeline/sessions_view.h"
#include "support/test_util.h"

namespace sov {
namespace {

using pipeline::SessionInfo;
using pipeline::SessionStatus;
using testing::Event;
using testing::T;
using testing::TestDid;

std::string Created(int64_t ts, int peer, const std::string& hash, int64_t created, int64_t expires) {
  return Event(ts, fb::Event::SessionCreated, [&](auto& fbb) {
    std::vector<uint8_t> h(hash.begin(), hash.end());
    return fb::CreateSessionCreatedDirect(fbb, TestDid(peer).c_str(), &h, created, expires);
  });
}

std::string Expired(int64_t ts, int peer) {
  return Event(ts, fb::Event::SessionExpired,
               [&](auto& fbb) { return fb::CreateSessionExpiredDirect(fbb, TestDid(peer).c_str()); });
}

std::string Revoked(int64_t ts, int peer, fb::RevokeReason reason) {
  return Event(ts, fb::Event::SessionRevoked,
               [&](auto& fbb) { return fb::CreateSessionRevokedDirect(fbb, TestDid(peer).c_str(), reason); });
}

std::vector<SessionInfo> List(const pipeline::EventStore& s) {
  auto r = pipeline::ListSessions(s.db());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<SessionInfo>{};
}

SessionInfo Get(const pipeline::EventStore& s, int peer) {
  auto r = pipeline::GetSession(s.db(), TestDid(peer));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r.ok() && r->has_value()) << "no session for peer " << peer;
  return r.ok() && r->has_value() ? **r : SessionInfo{};
}

SessionInfo Session(int peer, std::string hash, int64_t created, int64_t expires, bool expired, bool revoked,
                    std::string reason, int64_t ended) {
  return SessionInfo{TestDid(peer), std::move(hash), created, expires, expired, revoked, std::move(reason), ended};
}

void ExpectSame(const SessionInfo& got, const SessionInfo& want) {
  EXPECT_EQ(got.peer_did, want.peer_did);
  EXPECT_EQ(got.token_hash, want.token_hash) << got.peer_did;
  EXPECT_EQ(got.created_at_ns, want.created_at_ns) << got.peer_did;
  EXPECT_EQ(got.expires_at_ns, want.expires_at_ns) << got.peer_did;
  EXPECT_EQ(got.expired, want.expired) << got.peer_did;
  EXPECT_EQ(got.revoked, want.revoked) << got.peer_did;
  EXPECT_EQ(got.revoke_reason, want.revoke_reason) << got.peer_did;
  EXPECT_EQ(got.ended_at_ns, want.ended_at_ns) << got.peer_did;
}

void ExpectList(const pipeline::EventStore& s, std::vector<SessionInfo> want) {
  std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) { return a.peer_did < b.peer_did; });
  auto got = List(s);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ExpectSame(got[i], want[i]);
}

TEST(SessionsView, CreatedExpiredRevoked) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Created(T(10), 1, "hash-1", T(10), T(3610)), Created(T(11), 2, "hash-2", T(11), T(3611)),
                          Created(T(12), 3, "hash-3", T(12), T(3612))});
  testing::AppendAll(*s, {Expired(T(100), 3), Revoked(T(200), 2, fb::RevokeReason::RepeatedFailures)});
  ExpectList(*s, {Session(1, "hash-1", T(10), T(3610), false, false, "", 0),
                  Session(2, "hash-2", T(11), T(3611), false, true, "repeated_failures", T(200)),
                  Session(3, "hash-3", T(12), T(3612), true, false, "", T(100))});
  // Expiry is judged at query time: active strictly before expires_at, expired from it on.
  EXPECT_EQ(pipeline::StatusAt(Get(*s, 1), T(3609)), SessionStatus::kActive);
  EXPECT_EQ(pipeline::StatusAt(Get(*s, 1), T(3610)), SessionStatus::kExpired);
  EXPECT_EQ(pipeline::StatusAt(Get(*s, 2), T(20)), SessionStatus::kRevoked);
  EXPECT_EQ(pipeline::StatusAt(Get(*s, 3), T(20)), SessionStatus::kExpired);  // the log said so
  EXPECT_EQ(pipeline::SessionStatusName(SessionStatus::kActive), "active");
  EXPECT_EQ(pipeline::SessionStatusName(SessionStatus::kExpired), "expired");
  EXPECT_EQ(pipeline::SessionStatusName(SessionStatus::kRevoked), "revoked");
  auto none = pipeline::GetSession(s->db(), TestDid(9));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(SessionsView, NewSessionReplacesOldOneEvenInTheSameBatch) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Created(T(1), 1, "old", T(1), T(100)), Revoked(T(2), 1, fb::RevokeReason::Logout),
                          Created(T(3), 1, "new", T(3), T(300))});
  ExpectList(*s, {Session(1, "new", T(3), T(300), false, false, "", 0)});
  EXPECT_EQ(pipeline::StatusAt(Get(*s, 1), T(4)), SessionStatus::kActive);
  // Revoking keeps the session's token hash and times; a later revoke overwrites reason and end.
  testing::AppendAll(*s, {Revoked(T(5), 1, fb::RevokeReason::ReputationDrop)});
  testing::AppendAll(*s, {Revoked(T(6), 1, fb::RevokeReason::All)});
  ExpectList(*s, {Session(1, "new", T(3), T(300), false, true, "all", T(6))});
}

TEST(SessionsView, RevokeOfUnknownPeerIsRecordedExpiryOfUnknownIsNot) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Revoked(T(7), 5, fb::RevokeReason::Manual), Expired(T(8), 6),
                          Revoked(T(9), 7, static_cast<fb::RevokeReason>(200))});
  ExpectList(*s, {Session(5, "", 0, 0, false, true, "manual", T(7)),
                  Session(7, "", 0, 0, false, true, "unknown", T(9))});  // a reason newer than this build
  EXPECT_EQ(pipeline::StatusAt(Get(*s, 5), T(0)), SessionStatus::kRevoked);
}

TEST(SessionsView, EndedSessionsIgnoreLaterExpiry) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Created(T(1), 1, "a", T(1), T(50)), Created(T(1), 2, "b", T(1), T(50))});
  testing::AppendAll(*s, {Revoked(T(10), 1, fb::RevokeReason::SecurityEvent), Expired(T(50), 1), Expired(T(50), 2),
                          Expired(T(60), 2)});
  ExpectList(*s, {Session(1, "a", T(1), T(50), false, true, "security_event", T(10)),
                  Session(2, "b", T(1), T(50), true, false, "", T(50))});
}

TEST(SessionsView, NullStringsAreSkippedNotFatal) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(
      *s, {Event(T(1), fb::Event::SessionCreated, [](auto& fbb) { return fb::CreateSessionCreatedDirect(fbb); }),
           Event(T(2), fb::Event::SessionExpired, [](auto& fbb) { return fb::CreateSessionExpiredDirect(fbb); }),
           Event(T(3), fb::Event::SessionRevoked, [](auto& fbb) { return fb::CreateSessionRevokedDirect(fbb); }),
           Event(T(4), fb::Event::SessionCreated,
                 [](auto& fbb) { return fb::CreateSessionCreatedDirect(fbb, TestDid(1).c_str(), nullptr, T(4), T(9)); }),
           Event(T(5), fb::Event::SessionCreated,
                 [](auto& fbb) { return fb::CreateSessionCreatedDirect(fbb, "", nullptr, T(5), T(9)); })});
  ExpectList(*s, {Session(1, "", T(4), T(9), false, false, "", 0)});
}

TEST(SessionsView, StatusAtIsJudgedOnTheGivenTime) {
  SessionInfo s = Session(1, "h", T(0), T(100), false, false, "", 0);
  EXPECT_EQ(pipeline::StatusAt(s, T(99)), SessionStatus::kActive);
  EXPECT_EQ(pipeline::StatusAt(s, T(100)), SessionStatus::kExpired);
  s.revoked = true;
  EXPECT_EQ(pipeline::StatusAt(s, T(99)), SessionStatus::kRevoked);
  s.revoked = false;
  s.expired = true;
  EXPECT_EQ(pipeline::StatusAt(s, T(0)), SessionStatus::kExpired);
}

TEST(SessionsView, RebuildYieldsTheLiveDigest) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  for (int i = 0; i < 20; ++i) {
    testing::AppendAll(*s, {Created(T(i), i % 7, "h" + std::to_string(i), T(i), T(i + 60))});
    if (i % 3 == 0) testing::AppendAll(*s, {Revoked(T(i + 1), i % 5, fb::RevokeReason::Manual)});
    if (i % 4 == 0) testing::AppendAll(*s, {Expired(T(i + 2), i % 7)});
  }
  auto live = pipeline::ViewDigest(s->db(), "sessions");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  const size_t sessions = List(*s).size();
  EXPECT_EQ(sessions, 7u);
  ASSERT_TRUE(s->runner()->Rebuild("sessions").ok());
  auto rebuilt = pipeline::ViewDigest(s->db(), "sessions");
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(*rebuilt, *live);
  EXPECT_EQ(List(*s).size(), sessions);
}

}  // namespace
}  // namespace sov
