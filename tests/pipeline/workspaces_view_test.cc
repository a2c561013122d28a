// The workspaces view: lifecycle (forming → active → archived), membership, per-DID contributions
// from messages and git bundles, odd input, and live folding equal to a rebuild.
#include "events_generated.h"
#include "pipeline/runner.h"
#include "pipeline/workspaces_view.h"
#include "support/test_util.h"

namespace sov {
namespace {

using pipeline::WorkspaceInfo;
using pipeline::WorkspaceMemberInfo;
using testing::Event;
using testing::T;

std::string D(int n) { return testing::TestDid(n); }

std::string Created(int64_t ts, const char* ws, const char* creator, const char* name = "Build", const char* goal = "ship it") {
  return Event(ts, fb::Event::WorkspaceCreated,
               [&](auto& fbb) { return fb::CreateWorkspaceCreatedDirect(fbb, ws, name, goal, creator); });
}
std::string Joined(int64_t ts, const char* ws, const char* member, fb::WorkspaceRole role = fb::WorkspaceRole::Member) {
  return Event(ts, fb::Event::WorkspaceMemberJoined,
               [&](auto& fbb) { return fb::CreateWorkspaceMemberJoinedDirect(fbb, ws, member, role); });
}
std::string Left(int64_t ts, const char* ws, const char* member) {
  return Event(ts, fb::Event::WorkspaceMemberLeft,
               [&](auto& fbb) { return fb::CreateWorkspaceMemberLeftDirect(fbb, ws, member); });
}
std::string Posted(int64_t ts, const char* ws, const char* sender,
                   fb::WorkspaceMessageType type = fb::WorkspaceMessageType::KnowledgeShare) {
  return Event(ts, fb::Event::WorkspaceMessagePosted, [&](auto& fbb) {
    return fb::CreateWorkspaceMessagePostedDirect(fbb, ws, "msg", sender, type, "hello", nullptr, nullptr);
  });
}
std::string Archived(int64_t ts, const char* ws) {
  return Event(ts, fb::Event::WorkspaceArchived, [&](auto& fbb) { return fb::CreateWorkspaceArchivedDirect(fbb, ws); });
}
std::string BundleCreated(int64_t ts, const char* ws, const char* author, uint32_t commits, uint64_t size) {
  return Event(ts, fb::Event::GitBundleCreated, [&](auto& fbb) {
    return fb::CreateGitBundleCreatedDirect(fbb, ws, "bundle", author, nullptr, "base", commits, size);
  });
}
std::string BundleApplied(int64_t ts, const char* ws, const char* from, uint32_t commits, uint64_t bytes) {
  return Event(ts, fb::Event::GitBundleApplied, [&](auto& fbb) {
    return fb::CreateGitBundleAppliedDirect(fbb, ws, "bundle", from, nullptr, commits, bytes);
  });
}
std::string BundleRejected(int64_t ts, const char* ws, const char* from) {
  return Event(ts, fb::Event::GitBundleRejected, [&](auto& fbb) {
    return fb::CreateGitBundleRejectedDirect(fbb, ws, "bundle", from, fb::GitRejectReason::TooLarge, nullptr);
  });
}

WorkspaceInfo Ws(pipeline::EventStore& s, const std::string& id) {
  auto w = pipeline::GetWorkspace(s.db(), id);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE(w.ok() && w->has_value()) << "no workspace " << id;
  return w.ok() && w->has_value() ? **w : WorkspaceInfo{};
}

WorkspaceMemberInfo M(int n, fb::WorkspaceRole role, bool active, int64_t joined, int64_t left = 0, uint64_t commits = 0,
                      uint64_t code_bytes = 0, uint64_t messages = 0, int64_t last_active = 0) {
  return {D(n), role, active, joined, left, commits, code_bytes, messages, last_active};
}

constexpr auto kCreator = fb::WorkspaceRole::Creator;
constexpr auto kMember = fb::WorkspaceRole::Member;

TEST(WorkspacesView, LifecycleAndContributions) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Created(T(1), "ws-1", D(1).c_str())});
  WorkspaceInfo want;
  want.workspace_id = "ws-1";
  want.name = "Build";
  want.goal = "ship it";
  want.creator_did = D(1);
  want.status = fb::WorkspaceStatus::Forming;
  want.members = {M(1, kCreator, true, T(1))};
  want.created_at_ns = want.updated_at_ns = T(1);
  EXPECT_EQ(Ws(*s, "ws-1"), want);

  testing::AppendAll(*s, {Joined(T(2), "ws-1", D(2).c_str()),
                          Joined(T(3), "ws-1", D(2).c_str())});  // idempotent
  want.status = fb::WorkspaceStatus::Active;  // two active members
  want.members.push_back(M(2, kMember, true, T(2)));
  want.updated_at_ns = T(2);
  EXPECT_EQ(Ws(*s, "ws-1"), want);

  testing::AppendAll(*s, {Posted(T(4), "ws-1", D(2).c_str(), fb::WorkspaceMessageType::TaskProposal),
                          Posted(T(5), "ws-1", D(9).c_str()),  // not a member: counted, no member made
                          Posted(T(6), "ws-1", nullptr, fb::WorkspaceMessageType::MemberJoined),  // no membership change
                          BundleCreated(T(7), "ws-1", D(1).c_str(), 3, 1200),
                          BundleCreated(T(8), "ws-1", D(9).c_str(), 5, 5000),  // not a member: nothing
                          BundleApplied(T(9), "ws-1", D(2).c_str(), 2, 800),
                          BundleRejected(T(10), "ws-1", D(2).c_str()),
                          Left(T(11), "ws-1", D(2).c_str()),
                          Left(T(11), "ws-1", D(9).c_str()),
                          Posted(T(12), "ws-1", D(2).c_str())});  // a former member's message still counts for it
  want.messages = 4;
  want.bundles_applied = 1;
  want.bundles_rejected = 1;
  want.updated_at_ns = T(12);
  want.members = {M(1, kCreator, true, T(1), 0, 3, 1200, 0, T(7)), M(2, kMember, false, T(2), T(11), 2, 800, 2, T(12))};
  EXPECT_EQ(Ws(*s, "ws-1"), want);

  // Rejoining reactivates and keeps contributions; leaving never returns the workspace to forming.
  testing::AppendAll(*s, {Joined(T(13), "ws-1", D(2).c_str(), fb::WorkspaceRole::Unknown)});
  want.members[1] = M(2, kMember, true, T(13), 0, 2, 800, 2, T(12));
  want.updated_at_ns = T(13);
  EXPECT_EQ(Ws(*s, "ws-1"), want);

  // Archived: messages and membership changes are ignored, git outcomes still count.
  testing::AppendAll(*s, {Archived(T(14), "ws-1"),
                          Posted(T(15), "ws-1", D(1).c_str()),
                          Joined(T(15), "ws-1", D(3).c_str()),
                          Left(T(15), "ws-1", D(1).c_str()),
                          Archived(T(16), "ws-1"),
                          BundleApplied(T(17), "ws-1", D(1).c_str(), 1, 10)});
  want.status = fb::WorkspaceStatus::Archived;
  want.archived_at_ns = T(14);
  want.bundles_applied = 2;
  want.members[0] = M(1, kCreator, true, T(1), 0, 4, 1210, 0, T(17));
  want.updated_at_ns = T(17);
  EXPECT_EQ(Ws(*s, "ws-1"), want);

  auto all = pipeline::ListWorkspaces(s->db());
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, std::vector<WorkspaceInfo>{want});
}

TEST(WorkspacesView, IgnoresOddEvents) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  const std::string nul_id("\0x", 2);
  testing::AppendAll(*s, {// Events for a workspace nobody created.
                          Joined(T(1), "ghost", D(2).c_str()), Left(T(1), "ghost", D(2).c_str()),
                          Posted(T(1), "ghost", D(2).c_str()), Archived(T(1), "ghost"),
                          BundleCreated(T(1), "ghost", D(2).c_str(), 1, 1), BundleApplied(T(1), "ghost", D(2).c_str(), 1, 1),
                          BundleRejected(T(1), "ghost", D(2).c_str()),
                          // Unusable ids.
                          Created(T(2), nullptr, D(1).c_str()), Created(T(2), "", D(1).c_str()),
                          Event(T(2), fb::Event::WorkspaceCreated,
                                [&](auto& fbb) {
                                  return fb::CreateWorkspaceCreated(fbb, fbb.CreateString(nul_id), 0, 0, 0);
                                }),
                          // Every string missing, created twice: the first wins.
                          Created(T(3), "b-bare", nullptr, nullptr, nullptr), Created(T(4), "b-bare", D(1).c_str(), "Other"),
                          Joined(T(5), "b-bare", nullptr), Joined(T(5), "b-bare", ""), Left(T(5), "b-bare", nullptr),
                          Joined(T(6), "b-bare", D(2).c_str()),
                          Posted(T(7), "b-bare", nullptr),
                          BundleCreated(T(8), "b-bare", nullptr, 1, 1), BundleApplied(T(8), "b-bare", nullptr, 1, 1),
                          // A second workspace sorting first.
                          Created(T(9), "a-ws", D(3).c_str())});
  WorkspaceInfo bare;
  bare.workspace_id = "b-bare";
  bare.status = fb::WorkspaceStatus::Forming;  // one active member only
  bare.members = {M(2, kMember, true, T(6))};
  bare.messages = 1;
  bare.bundles_applied = 1;
  bare.created_at_ns = T(3);
  bare.updated_at_ns = T(8);
  EXPECT_EQ(Ws(*s, "b-bare"), bare);

  testing::AppendAll(*s, {Joined(T(10), "b-bare", D(4).c_str(), fb::WorkspaceRole::Creator)});
  bare.status = fb::WorkspaceStatus::Active;
  bare.members.push_back(M(4, kCreator, true, T(10)));
  bare.updated_at_ns = T(10);
  auto all = pipeline::ListWorkspaces(s->db());
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].workspace_id, "a-ws");
  EXPECT_EQ((*all)[0].members, std::vector<WorkspaceMemberInfo>{M(3, kCreator, true, T(9))});
  EXPECT_EQ((*all)[1], bare);

  for (const std::string& id : {std::string("ghost"), std::string(), nul_id}) {
    auto g = pipeline::GetWorkspace(s->db(), id);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    EXPECT_FALSE(g->has_value());
  }
}

TEST(WorkspacesView, KeepsAtMost256Members) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  std::vector<std::string> events = {Created(T(0), "crowd", D(1).c_str())};
  for (int i = 2; i <= 300; ++i) events.push_back(Joined(T(i), "crowd", D(i).c_str()));
  events.push_back(Posted(T(500), "crowd", D(300).c_str()));  // not recorded as a member
  testing::AppendAll(*s, events);
  WorkspaceInfo w = Ws(*s, "crowd");
  ASSERT_EQ(w.members.size(), 256u);
  EXPECT_EQ(w.ActiveMembers(), 256u);
  EXPECT_EQ(w.members.back(), M(256, kMember, true, T(256)));
  EXPECT_EQ(w.messages, 1u);
  EXPECT_EQ(w.updated_at_ns, T(500));
}

TEST(WorkspacesView, LiveFoldEqualsRebuild) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  const std::vector<std::string> events = {
      Created(T(1), "w1", D(1).c_str()), Created(T(1), "w2", D(2).c_str()), Joined(T(2), "w1", D(3).c_str()),
      Posted(T(3), "w1", D(3).c_str()), Posted(T(3), "w1", D(1).c_str()), BundleCreated(T(4), "w1", D(1).c_str(), 2, 100),
      BundleApplied(T(5), "w1", D(3).c_str(), 1, 50), BundleRejected(T(6), "w2", D(2).c_str()),
      Left(T(7), "w1", D(3).c_str()), Joined(T(8), "w1", D(3).c_str()), Posted(T(9), "w2", D(7).c_str()),
      Archived(T(10), "w2"), Posted(T(11), "w2", D(2).c_str()), Joined(T(12), "w2", D(4).c_str())};
  for (size_t i = 0; i < events.size(); i += 4) {
    std::vector<std::string> batch(events.begin() + static_cast<long>(i),
                                   events.begin() + static_cast<long>(std::min(i + 4, events.size())));
    testing::AppendAll(*s, batch);
  }
  auto live = pipeline::ViewDigest(s->db(), "workspaces");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  auto before = pipeline::ListWorkspaces(s->db());
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 2u);
  ASSERT_TRUE(s->runner()->Rebuild("workspaces").ok());
  auto rebuilt = pipeline::ViewDigest(s->db(), "workspaces");
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(*live, *rebuilt);
  auto after = pipeline::ListWorkspaces(s->db());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);
}

}  // namespace
}  // namespace sov
