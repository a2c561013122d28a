// The teams view (lango §6): each team with its members, budget and spend, and each task delegated
// to it with its per-member results. Projector plus the queries `sov p2p team` uses.
//
// Keys: "t/<team_id>" = TeamRecord, "k/<team_id>/<task_id>" = TeamTaskRecord. Team ids containing '/'
// cannot be keyed unambiguously and are ignored (lango's are UUIDs).
//
// Fold rules (fixing lango's gaps: statuses really transition, members are bounded):
//  - team.formed: the team is Active at once (lango activates in the same call); the leader is an
//    Active Leader member. A second team.formed for a known id is ignored. Events naming an unknown
//    team are ignored.
//  - Membership: invited → Invited (unless Invited/Active already); joined → Active with the event's
//    role and time, refused when it would make more than max_members (0 = unlimited) Active members;
//    left → Left with time and reason; disbanded → every Active/Invited member Left ("team disbanded").
//    A disbanded team takes no invites, joins or delegations. The member list holds at most
//    MemberBound(max_members) entries: a new entry first replaces the oldest Left member, a join
//    may also replace the oldest pending invitation; otherwise it is not recorded.
//  - Tasks: delegated → Delegated (a known task id is ignored), tasks_delegated++. A result from one
//    of the task's workers is recorded (a repeated result for that member replaces the earlier one)
//    and its cost moves the team's `spent`; results from non-workers are ignored. Until a conflict
//    resolution decides it, a task's status follows its results: Delegated until every worker has
//    reported, then Completed (any success) or Failed. conflict_resolved (with a known outcome) sets
//    strategy (unknown → majority_vote, as lango treats it), winner and the status for good:
//    Resolved → Completed, Conflict → Conflict, NoSuccess → Failed; later results are still recorded.
//    The team's tasks_succeeded / tasks_failed are the numbers of its tasks now Completed / Failed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/projector.h"
#include "views_generated.h"

namespace sov::pipeline {

// Members recorded per team when max_members is 0 (unlimited), and the cap for any max_members.
inline constexpr uint32_t kMaxTeamMembers = 256;
inline uint32_t TeamMemberBound(uint32_t max_members) {
  return max_members == 0 || max_members > kMaxTeamMembers ? kMaxTeamMembers : max_members;
}

struct TeamMemberInfo {
  std::string did;
  fb::TeamRole role = fb::TeamRole::Unknown;
  fb::MemberStatus status = fb::MemberStatus::Unknown;
  int64_t joined_at_ns = 0, left_at_ns = 0;
  std::string left_reason;
  bool operator==(const TeamMemberInfo&) const = default;
};

struct TeamInfo {
  std::string team_id, name, goal, leader_did;
  fb::TeamStatus status = fb::TeamStatus::Unknown;
  uint32_t max_members = 0;
  int64_t budget = 0, spent = 0;  // minor units of `currency`
  std::string currency;
  std::vector<TeamMemberInfo> members;  // in the order they were first recorded
  uint64_t tasks_delegated = 0, tasks_succeeded = 0, tasks_failed = 0;
  int64_t formed_at_ns = 0, disbanded_at_ns = 0;
  std::string disband_reason;

  size_t ActiveMembers() const;
  bool operator==(const TeamInfo&) const = default;
};

struct TaskResultInfo {
  std::string member_did;
  bool success = false;
  std::string error;
  uint64_t duration_ms = 0;
  int64_t cost = 0;
  bool operator==(const TaskResultInfo&) const = default;
};

struct TeamTaskInfo {
  std::string team_id, task_id, tool;
  std::vector<std::string> workers;
  std::vector<TaskResultInfo> results;  // one per reporting worker, in first-report order
  fb::TaskStatus status = fb::TaskStatus::Unknown;
  fb::ConflictStrategy strategy = fb::ConflictStrategy::Unknown;
  std::string winner_did;
  int64_t delegated_at_ns = 0, updated_at_ns = 0;
  bool operator==(const TeamTaskInfo&) const = default;
};

std::unique_ptr<Projector> MakeTeamsProjector();

// Every team, in team id order.
Result<std::vector<TeamInfo>> ListTeams(const store::Db& db);
Result<std::optional<TeamInfo>> GetTeam(const store::Db& db, std::string_view team_id);
// The team's tasks in delegation order (event time, then task id); empty for an unknown team.
Result<std::vector<TeamTaskInfo>> ListTeamTasks(const store::Db& db, std::string_view team_id);

}  // namespace sov::pipeline
