// The teams view: formation, membership within max_members, task delegation and results, conflict
// resolution, disbanding, odd input, and live folding equal to a rebuild.
#include "events_generated.h"
#include "pipeline/runner.h"
#include "pipeline/teams_view.h"
#include "support/test_util.h"

namespace sov {
namespace {

using pipeline::TaskResultInfo;
using pipeline::TeamInfo;
using pipeline::TeamMemberInfo;
using pipeline::TeamTaskInfo;
using testing::Event;
using testing::T;

std::string D(int n) { return testing::TestDid(n); }

std::string Formed(int64_t ts, const char* team, const char* leader, uint32_t max, int64_t budget,
                   const char* name = "Research", const char* currency = "USDC") {
  return Event(ts, fb::Event::TeamFormed, [&](auto& fbb) {
    return fb::CreateTeamFormedDirect(fbb, team, name, "find things", leader, max, budget, currency);
  });
}
std::string Invited(int64_t ts, const char* team, const char* member, fb::TeamRole role = fb::TeamRole::Worker) {
  return Event(ts, fb::Event::TeamMemberInvited,
               [&](auto& fbb) { return fb::CreateTeamMemberInvitedDirect(fbb, team, member, role); });
}
std::string Joined(int64_t ts, const char* team, const char* member, fb::TeamRole role = fb::TeamRole::Worker) {
  return Event(ts, fb::Event::TeamMemberJoined,
               [&](auto& fbb) { return fb::CreateTeamMemberJoinedDirect(fbb, team, member, role); });
}
std::string Left(int64_t ts, const char* team, const char* member, const char* reason) {
  return Event(ts, fb::Event::TeamMemberLeft,
               [&](auto& fbb) { return fb::CreateTeamMemberLeftDirect(fbb, team, member, reason); });
}
std::string Delegated(int64_t ts, const char* team, const char* task, const std::vector<std::string>& workers) {
  return Event(ts, fb::Event::TeamTaskDelegated, [&](auto& fbb) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> w;
    for (const auto& s : workers) w.push_back(fbb.CreateString(s));
    return fb::CreateTeamTaskDelegatedDirect(fbb, team, task, "summarize", &w);
  });
}
std::string Result(int64_t ts, const char* team, const char* task, const char* member, bool success, int64_t cost,
                   const char* error = nullptr) {
  return Event(ts, fb::Event::TeamTaskResult, [&](auto& fbb) {
    return fb::CreateTeamTaskResultDirect(fbb, team, task, member, success, nullptr, error, 40, cost);
  });
}
std::string Resolved(int64_t ts, const char* team, const char* task, fb::ConflictStrategy strategy,
                     fb::ConflictOutcome outcome, const char* winner) {
  return Event(ts, fb::Event::TeamConflictResolved, [&](auto& fbb) {
    return fb::CreateTeamConflictResolvedDirect(fbb, team, task, strategy, outcome, winner);
  });
}
std::string Disbanded(int64_t ts, const char* team, const char* reason) {
  return Event(ts, fb::Event::TeamDisbanded, [&](auto& fbb) { return fb::CreateTeamDisbandedDirect(fbb, team, reason); });
}

TeamInfo Team(pipeline::EventStore& s, const std::string& id) {
  auto t = pipeline::GetTeam(s.db(), id);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t.ok() && t->has_value()) << "no team " << id;
  return t.ok() && t->has_value() ? **t : TeamInfo{};
}

std::vector<TeamTaskInfo> Tasks(pipeline::EventStore& s, const std::string& id) {
  auto k = pipeline::ListTeamTasks(s.db(), id);
  EXPECT_TRUE(k.ok()) << k.status().ToString();
  return k.ok() ? *k : std::vector<TeamTaskInfo>{};
}

TeamMemberInfo M(int n, fb::TeamRole role, fb::MemberStatus status, int64_t joined, int64_t left = 0,
                 std::string reason = "") {
  return {D(n), role, status, joined, left, std::move(reason)};
}

constexpr auto kLeader = fb::TeamRole::Leader;
constexpr auto kWorker = fb::TeamRole::Worker;
constexpr auto kActive = fb::MemberStatus::Active;
constexpr auto kInvited = fb::MemberStatus::Invited;
constexpr auto kLeft = fb::MemberStatus::Left;

TEST(TeamsView, FormJoinDelegateAndComplete) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Formed(T(1), "team-a", D(1).c_str(), 3, 5'000'000),
                          Invited(T(2), "team-a", D(2).c_str()),
                          Invited(T(2), "team-a", D(2).c_str(), fb::TeamRole::Observer),  // already invited
                          Joined(T(3), "team-a", D(2).c_str()),
                          Joined(T(4), "team-a", D(3).c_str(), fb::TeamRole::Reviewer),
                          Joined(T(5), "team-a", D(4).c_str()),   // a fourth active member: over max_members
                          Joined(T(6), "team-a", D(2).c_str()),   // duplicate join keeps the first time
                          Invited(T(6), "team-a", D(3).c_str())});  // already active
  TeamInfo want;
  want.team_id = "team-a";
  want.name = "Research";
  want.goal = "find things";
  want.leader_did = D(1);
  want.status = fb::TeamStatus::Active;
  want.max_members = 3;
  want.budget = 5'000'000;
  want.currency = "USDC";
  want.formed_at_ns = T(1);
  want.members = {M(1, kLeader, kActive, T(1)), M(2, kWorker, kActive, T(3)),
                  M(3, fb::TeamRole::Reviewer, kActive, T(4))};
  EXPECT_EQ(Team(*s, "team-a"), want);
  EXPECT_EQ(want.ActiveMembers(), 3u);

  // task-1: one success and one failure → Completed once both workers reported.
  testing::AppendAll(*s, {Delegated(T(10), "team-a", "task-1", {D(2), D(3)}),
                          Result(T(11), "team-a", "task-1", D(2).c_str(), true, 100'000),
                          Result(T(12), "team-a", "task-1", D(4).c_str(), true, 999)});  // not a worker
  ASSERT_EQ(Tasks(*s, "team-a").size(), 1u);
  EXPECT_EQ(Tasks(*s, "team-a")[0].status, fb::TaskStatus::Delegated);
  EXPECT_EQ(Team(*s, "team-a").spent, 100'000);
  testing::AppendAll(*s, {Result(T(13), "team-a", "task-1", D(3).c_str(), false, 50'000, "timeout")});
  TeamTaskInfo task1;
  task1.team_id = "team-a";
  task1.task_id = "task-1";
  task1.tool = "summarize";
  task1.workers = {D(2), D(3)};
  task1.results = {TaskResultInfo{D(2), true, "", 40, 100'000}, TaskResultInfo{D(3), false, "timeout", 40, 50'000}};
  task1.status = fb::TaskStatus::Completed;
  task1.delegated_at_ns = T(10);
  task1.updated_at_ns = T(13);
  ASSERT_EQ(Tasks(*s, "team-a").size(), 1u);
  EXPECT_EQ(Tasks(*s, "team-a")[0], task1);

  // task-2: both fail → Failed; a repeated result from worker 3 replaces its first one (and its cost).
  testing::AppendAll(*s, {Delegated(T(20), "team-a", "task-2", {D(2), D(3)}),
                          Result(T(21), "team-a", "task-2", D(2).c_str(), false, 1'000, "boom"),
                          Result(T(22), "team-a", "task-2", D(3).c_str(), false, 2'000)});
  TeamInfo t = Team(*s, "team-a");
  EXPECT_EQ(t.spent, 153'000);
  EXPECT_EQ(t.tasks_succeeded, 1u);
  EXPECT_EQ(t.tasks_failed, 1u);
  testing::AppendAll(*s, {Result(T(23), "team-a", "task-2", D(3).c_str(), true, 500)});

  // task-3: both succeed, then the leader's resolution says they conflict; a later result is still
  // recorded but no longer moves the status.
  testing::AppendAll(*s, {Delegated(T(30), "team-a", "task-3", {D(2), D(3)}),
                          Result(T(31), "team-a", "task-3", D(2).c_str(), true, 0),
                          Result(T(32), "team-a", "task-3", D(3).c_str(), true, 0),
                          Resolved(T(33), "team-a", "task-3", fb::ConflictStrategy::FailOnConflict,
                                   fb::ConflictOutcome::Conflict, nullptr),
                          Result(T(34), "team-a", "task-3", D(3).c_str(), false, 7),
                          Delegated(T(40), "team-a", "task-1", {D(3)}),  // known task id: ignored
                          Resolved(T(41), "team-a", "task-9", fb::ConflictStrategy::MajorityVote,
                                   fb::ConflictOutcome::Resolved, D(2).c_str())});  // unknown task

  want.spent = 150'000 + 1'000 + 500 + 7;
  want.tasks_delegated = 3;
  want.tasks_succeeded = 2;  // task-1, task-2
  want.tasks_failed = 0;
  EXPECT_EQ(Team(*s, "team-a"), want);

  auto tasks = Tasks(*s, "team-a");
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0], task1);
  EXPECT_EQ(tasks[1].task_id, "task-2");
  EXPECT_EQ(tasks[1].status, fb::TaskStatus::Completed);
  EXPECT_EQ(tasks[1].results, (std::vector<TaskResultInfo>{{D(2), false, "boom", 40, 1'000}, {D(3), true, "", 40, 500}}));
  EXPECT_EQ(tasks[1].updated_at_ns, T(23));
  EXPECT_EQ(tasks[2].task_id, "task-3");
  EXPECT_EQ(tasks[2].status, fb::TaskStatus::Conflict);
  EXPECT_EQ(tasks[2].strategy, fb::ConflictStrategy::FailOnConflict);
  EXPECT_EQ(tasks[2].winner_did, "");
  EXPECT_EQ(tasks[2].results, (std::vector<TaskResultInfo>{{D(2), true, "", 40, 0}, {D(3), false, "", 40, 7}}));
  EXPECT_EQ(tasks[2].updated_at_ns, T(34));

  // Resolutions move the team's task counts: Conflict → Completed (resolved), then NoSuccess → Failed.
  testing::AppendAll(*s, {Resolved(T(50), "team-a", "task-3", fb::ConflictStrategy::Unknown,
                                   fb::ConflictOutcome::Resolved, D(2).c_str())});
  EXPECT_EQ(Tasks(*s, "team-a")[2].strategy, fb::ConflictStrategy::MajorityVote);  // lango's default
  EXPECT_EQ(Tasks(*s, "team-a")[2].winner_did, D(2));
  EXPECT_EQ(Team(*s, "team-a").tasks_succeeded, 3u);
  testing::AppendAll(*s, {Resolved(T(51), "team-a", "task-1", fb::ConflictStrategy::TrustWeighted,
                                   fb::ConflictOutcome::NoSuccess, nullptr),
                          Resolved(T(52), "team-a", "task-2", fb::ConflictStrategy::TrustWeighted,
                                   static_cast<fb::ConflictOutcome>(99), nullptr)});  // outcome unknown: ignored
  t = Team(*s, "team-a");
  EXPECT_EQ(t.tasks_succeeded, 2u);
  EXPECT_EQ(t.tasks_failed, 1u);
  EXPECT_EQ(Tasks(*s, "team-a")[0].status, fb::TaskStatus::Failed);
  EXPECT_EQ(Tasks(*s, "team-a")[1].strategy, fb::ConflictStrategy::Unknown);

  auto all = pipeline::ListTeams(s->db());
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0], t);
}

TEST(TeamsView, LeaveRejoinDisbandWithinMaxMembers) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Formed(T(1), "team-b", D(1).c_str(), 2, 0),
                          Joined(T(2), "team-b", D(2).c_str()),
                          Invited(T(3), "team-b", D(3).c_str()),   // list full (2 of 2), nothing to replace
                          Joined(T(4), "team-b", D(3).c_str()),    // team full
                          Left(T(5), "team-b", D(2).c_str(), "bored"),
                          Left(T(5), "team-b", D(9).c_str(), "never joined")});
  TeamInfo t = Team(*s, "team-b");
  EXPECT_EQ(t.members, (std::vector<TeamMemberInfo>{M(1, kLeader, kActive, T(1)), M(2, kWorker, kLeft, T(2), T(5), "bored")}));

  // An invitation takes the place of the member who left; the invitee then joins.
  testing::AppendAll(*s, {Invited(T(6), "team-b", D(3).c_str(), fb::TeamRole::Reviewer)});
  EXPECT_EQ(Team(*s, "team-b").members,
            (std::vector<TeamMemberInfo>{M(1, kLeader, kActive, T(1)), M(3, fb::TeamRole::Reviewer, kInvited, 0)}));
  testing::AppendAll(*s, {Joined(T(7), "team-b", D(3).c_str(), fb::TeamRole::Unknown)});  // keeps the invited role
  EXPECT_EQ(Team(*s, "team-b").members,
            (std::vector<TeamMemberInfo>{M(1, kLeader, kActive, T(1)), M(3, fb::TeamRole::Reviewer, kActive, T(7))}));
  testing::AppendAll(*s, {Left(T(8), "team-b", D(3).c_str(), nullptr),
                          Joined(T(9), "team-b", D(3).c_str()),  // rejoin
                          Invited(T(10), "team-b", D(4).c_str())});  // full again: not recorded
  EXPECT_EQ(Team(*s, "team-b").members,
            (std::vector<TeamMemberInfo>{M(1, kLeader, kActive, T(1)), M(3, kWorker, kActive, T(9))}));

  testing::AppendAll(*s, {Left(T(11), "team-b", D(3).c_str(), nullptr),
                          Invited(T(12), "team-b", D(5).c_str()),
                          Disbanded(T(20), "team-b", "goal reached"),
                          // A disbanded team takes no members or tasks, and is disbanded once.
                          Joined(T(21), "team-b", D(6).c_str()),
                          Invited(T(21), "team-b", D(6).c_str()),
                          Delegated(T(21), "team-b", "late", {D(1)}),
                          Disbanded(T(22), "team-b", "again")});
  TeamInfo want;
  want.team_id = "team-b";
  want.name = "Research";
  want.goal = "find things";
  want.leader_did = D(1);
  want.status = fb::TeamStatus::Disbanded;
  want.max_members = 2;
  want.currency = "USDC";
  want.formed_at_ns = T(1);
  want.disbanded_at_ns = T(20);
  want.disband_reason = "goal reached";
  want.members = {M(1, kLeader, kLeft, T(1), T(20), "team disbanded"), M(5, kWorker, kLeft, 0, T(20), "team disbanded")};
  EXPECT_EQ(Team(*s, "team-b"), want);
  EXPECT_TRUE(Tasks(*s, "team-b").empty());
}

TEST(TeamsView, UnlimitedTeamKeepsAtMost256Members) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  std::vector<std::string> events = {Formed(T(0), "big", D(1).c_str(), 0, 0)};
  for (int i = 2; i <= 300; ++i) events.push_back(Joined(T(i), "big", D(i).c_str()));
  testing::AppendAll(*s, events);
  TeamInfo t = Team(*s, "big");
  ASSERT_EQ(t.members.size(), 256u);
  EXPECT_EQ(t.ActiveMembers(), 256u);
  EXPECT_EQ(t.members.back(), M(256, kWorker, kActive, T(256)));
  // When a member leaves, a newcomer takes its entry.
  testing::AppendAll(*s, {Left(T(400), "big", D(10).c_str(), "done"), Joined(T(401), "big", D(299).c_str())});
  t = Team(*s, "big");
  ASSERT_EQ(t.members.size(), 256u);
  EXPECT_EQ(t.members.back(), M(299, kWorker, kActive, T(401)));
  EXPECT_EQ(t.members[8].did, D(9));
  EXPECT_EQ(t.members[9].did, D(11));
}

TEST(TeamsView, IgnoresOddEvents) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {// Events for a team nobody formed.
                          Invited(T(1), "ghost", D(2).c_str()), Joined(T(1), "ghost", D(2).c_str()),
                          Left(T(1), "ghost", D(2).c_str(), "x"), Delegated(T(1), "ghost", "t", {D(2)}),
                          Result(T(1), "ghost", "t", D(2).c_str(), true, 5),
                          Resolved(T(1), "ghost", "t", fb::ConflictStrategy::MajorityVote, fb::ConflictOutcome::Resolved, nullptr),
                          Disbanded(T(1), "ghost", nullptr),
                          // Unusable team ids.
                          Formed(T(2), nullptr, D(1).c_str(), 0, 0), Formed(T(2), "", D(1).c_str(), 0, 0),
                          Formed(T(2), "a/b", D(1).c_str(), 0, 0),
                          // A team with every string missing, formed twice: the first wins.
                          Formed(T(3), "bare", nullptr, 4, -1, nullptr, nullptr),
                          Formed(T(4), "bare", D(1).c_str(), 9, 100, "Other"),
                          Joined(T(5), "bare", nullptr), Joined(T(5), "bare", ""), Invited(T(5), "bare", nullptr),
                          Left(T(5), "bare", nullptr, nullptr),
                          Delegated(T(6), "bare", nullptr, {D(2)}), Delegated(T(6), "bare", "", {D(2)}),
                          Delegated(T(7), "bare", "dup-workers", {D(2), "", D(3), D(2)}),
                          Result(T(8), "bare", "dup-workers", nullptr, true, 5),
                          Result(T(8), "bare", nullptr, D(2).c_str(), true, 5),
                          Result(T(8), "bare", "nope", D(2).c_str(), true, 5),
                          Disbanded(T(9), "bare", nullptr)});
  auto all = pipeline::ListTeams(s->db());
  ASSERT_TRUE(all.ok());
  TeamInfo want;
  want.team_id = "bare";
  want.goal = "find things";
  want.status = fb::TeamStatus::Disbanded;
  want.max_members = 4;
  want.budget = -1;
  want.tasks_delegated = 1;
  want.formed_at_ns = T(3);
  want.disbanded_at_ns = T(9);
  EXPECT_EQ(*all, std::vector<TeamInfo>{want});
  auto tasks = Tasks(*s, "bare");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].workers, (std::vector<std::string>{D(2), D(3)}));
  EXPECT_TRUE(tasks[0].results.empty());
  EXPECT_EQ(tasks[0].status, fb::TaskStatus::Delegated);

  for (const char* id : {"ghost", "a/b", "", "a"}) {
    auto g = pipeline::GetTeam(s->db(), id);
    ASSERT_TRUE(g.ok());
    EXPECT_FALSE(g->has_value()) << id;
    EXPECT_TRUE(Tasks(*s, id).empty()) << id;
  }
}

TEST(TeamsView, LiveFoldEqualsRebuild) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  ASSERT_TRUE(s);
  // Many small batches (the live path) against one fold from sequence 1 (the rebuild).
  const std::vector<std::string> events = {
      Formed(T(1), "t1", D(1).c_str(), 3, 1'000'000), Formed(T(1), "t2", D(2).c_str(), 0, 0),
      Invited(T(2), "t1", D(2).c_str()), Joined(T(3), "t1", D(2).c_str()), Joined(T(3), "t1", D(3).c_str()),
      Joined(T(3), "t1", D(4).c_str()), Joined(T(4), "t2", D(5).c_str()),
      Delegated(T(5), "t1", "a", {D(2), D(3)}), Result(T(6), "t1", "a", D(2).c_str(), true, 10),
      Result(T(6), "t1", "a", D(3).c_str(), false, 20, "err"), Result(T(7), "t1", "a", D(3).c_str(), true, 5),
      Delegated(T(8), "t2", "b", {D(5)}), Result(T(9), "t2", "b", D(5).c_str(), false, 1),
      Resolved(T(10), "t2", "b", fb::ConflictStrategy::LeaderDecides, fb::ConflictOutcome::NoSuccess, nullptr),
      Left(T(11), "t1", D(3).c_str(), "bye"), Joined(T(12), "t1", D(4).c_str()), Disbanded(T(13), "t2", "done")};
  for (size_t i = 0; i < events.size(); i += 3) {
    std::vector<std::string> batch(events.begin() + static_cast<long>(i),
                                   events.begin() + static_cast<long>(std::min(i + 3, events.size())));
    testing::AppendAll(*s, batch);
  }
  auto live = pipeline::ViewDigest(s->db(), "teams");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  auto before = pipeline::ListTeams(s->db());
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 2u);
  ASSERT_TRUE(s->runner()->Rebuild("teams").ok());
  auto rebuilt = pipeline::ViewDigest(s->db(), "teams");
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(*live, *rebuilt);
  auto after = pipeline::ListTeams(s->db());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);
}

}  // namespace
}  // namespace sov
