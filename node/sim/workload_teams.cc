#include "node/sim/workload_generator.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace sov::node::workload_internal {

namespace {

bool IsInTeam(const Team& t, uint32_t p) {
  for (const auto& m : t.members) {
    if (m.peer == p) return true;
  }
  for (const auto& m : t.invited) {
    if (m.peer == p) return true;
  }
  return false;
}

}  // namespace

bool Generator::DoTeam() {
  if (teams.size() < kMinTeams || (teams.size() < kMaxTeams && rng.Chance(60))) return FormTeam();
  const size_t index = rng.Below(teams.size());
  Team& t = teams[index];
  if (t.task) return TeamResult(t);
  size_t workers = 0;
  for (const auto& m : t.members) workers += m.role == fb::TeamRole::Worker ? 1 : 0;
  if (t.budget_exhausted || (t.tasks_done >= 3 && teams.size() > kMinTeams && rng.Chance(200))) {
    DisbandTeam(index);
    return true;
  }
  if (!t.invited.empty() && rng.Chance(600)) {
    const Member m = t.invited.front();
    t.invited.erase(t.invited.begin());
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto did = S(Did(m.peer));
    Emit(ts, fb::Event::TeamMemberJoined, fb::CreateTeamMemberJoined(F(), id, did, m.role));
    t.members.push_back(m);
    return true;
  }
  if (t.members.size() + t.invited.size() < t.max_members && (workers == 0 || rng.Chance(250))) {
    const fb::TeamRole role =
        workers == 0 ? fb::TeamRole::Worker : static_cast<fb::TeamRole>(2 + rng.Weighted({70, 20, 10}));
    return Invite(t, role);
  }
  if (workers > 0 && rng.Chance(750)) return Delegate(t);
  if (t.members.size() > 1 && rng.Chance(300)) {
    for (size_t tries = 0; tries < 3; ++tries) {
      const size_t i = rng.Below(t.members.size());
      if (t.members[i].role == fb::TeamRole::Leader) continue;
      static constexpr const char* kReasons[] = {"left: task load", "unhealthy: missed 3 health pings",
                                                 "left: capacity needed elsewhere"};
      EmitMemberLeft(t, i, rng.Pick(kReasons));
      return true;
    }
  }
  return workers > 0 && Delegate(t);
}

bool Generator::FormTeam() {
  Team t;
  t.id = rng.Uuid();
  t.max_members = static_cast<uint32_t>(rng.Range(3, 8));
  const bool funded = rng.Chance(700);
  t.budget = funded ? rng.Range(1, 50) * 1000000 : 0;
  std::string name = "team-" + rng.Word();
  name += "-" + rng.Hex(2);
  const char* goal = kGoals[rng.Below(kGoalCount)];
  if (rng.Chance(200) && !sessions.empty()) t.leader_peer = sessions[rng.Below(sessions.size())];
  const std::string leader = t.leader_peer ? Did(*t.leader_peer) : origin.did;
  {
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto n = S(name);
    const auto g = S(goal);
    const auto l = S(leader);
    const auto cur = S(kCurrency);
    Emit(ts, fb::Event::TeamFormed, fb::CreateTeamFormed(F(), id, n, g, l, t.max_members, t.budget, cur));
  }
  if (t.leader_peer) {
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto l = S(leader);
    Emit(ts, fb::Event::TeamMemberJoined, fb::CreateTeamMemberJoined(F(), id, l, fb::TeamRole::Leader));
    t.members.push_back({*t.leader_peer, fb::TeamRole::Leader});
  }
  teams.push_back(std::move(t));
  return true;
}

bool Generator::Invite(Team& t, fb::TeamRole role) {
  for (int tries = 0; tries < 6; ++tries) {
    const uint32_t p = PickCandidate(150);
    if (IsInTeam(t, p)) continue;
    const bool answers = !rng.Chance(100);  // one in ten never answers
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto did = S(Did(p));
    Emit(ts, fb::Event::TeamMemberInvited, fb::CreateTeamMemberInvited(F(), id, did, role));
    if (answers) t.invited.push_back({p, role});
    return true;
  }
  return false;
}

// lango §6.2: a task fans out to every worker.
bool Generator::Delegate(Team& t) {
  TeamTask task;
  task.id = "task-" + rng.Hex(6);
  task.tool = static_cast<uint8_t>(rng.PickTool(false));
  task.infeasible = rng.Chance(80);
  for (const auto& m : t.members) {
    if (m.role == fb::TeamRole::Worker && task.workers.size() < kMaxTeamWorkers) task.workers.push_back(m.peer);
  }
  if (task.workers.empty()) return false;
  task.state.assign(task.workers.size(), 0);
  task.duration_ms.assign(task.workers.size(), 0);
  task.pending = task.workers.size();
  const int64_t ts = Tick();
  const auto id = S(t.id);
  const auto tid = S(task.id);
  const auto tool = S(kTools[task.tool].name);
  std::vector<StrOff> w;
  for (uint32_t p : task.workers) w.push_back(S(Did(p)));
  const auto wv = F().CreateVector(w);
  Emit(ts, fb::Event::TeamTaskDelegated, fb::CreateTeamTaskDelegated(F(), id, tid, tool, wv));
  t.task = std::move(task);
  return true;
}

bool Generator::TeamResult(Team& t) {
  TeamTask& task = *t.task;
  size_t i = rng.Below(task.workers.size());
  while (task.state[i] != 0) i = (i + 1) % task.workers.size();
  const uint32_t p = task.workers[i];
  const Profile& prof = kProfiles[peers[p].profile];
  const bool ok = !rng.Chance(task.infeasible ? 800 : prof.fail + prof.timeout);
  const uint32_t typical = kTools[task.tool].typical_ms;
  const uint32_t duration =
      static_cast<uint32_t>(ok ? rng.Range(typical / 4 + 1, typical * 2) : rng.Range(10, 30000));
  int64_t cost = 0;
  if (t.budget > 0 && ok) {
    cost = std::max<int64_t>(kTools[task.tool].price, 100000);  // at least 0.1 USDC per successful call
    if (t.spent + cost >= t.budget) {
      cost = t.budget - t.spent;
      t.budget_exhausted = true;
    }
    t.spent += cost;
  }
  const std::string result_hash = ok ? rng.RandomBytes(32) : std::string();
  const char* error = ok ? nullptr : rng.Pick(kToolErrors);
  const double old_score = peers[p].Score();
  {
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto tid = S(task.id);
    const auto did = S(Did(p));
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> hash;
    if (ok) hash = Bytes(F(), result_hash);
    StrOff err;
    if (!ok) err = S(error);
    Emit(ts, fb::Event::TeamTaskResult,
         fb::CreateTeamTaskResult(F(), id, tid, did, ok, hash, err, duration, cost));
  }
  task.state[i] = ok ? 1 : 2;
  task.duration_ms[i] = duration;
  --task.pending;
  if (ok) {
    peers[p].successes++;
  } else {
    peers[p].failures++;
  }
  if (task.pending == 0) {
    if (task.workers.size() >= 2 && rng.Chance(600)) ResolveConflict(t);
    t.task.reset();
    t.tasks_done++;
  }
  ReputationMoved(p, old_score);
  return true;
}

// lango §6.3: trust_weighted takes the fastest success, majority_vote and leader_decides the first;
// fail_on_conflict fails when several successes disagree.
void Generator::ResolveConflict(Team& t) {
  const TeamTask& task = *t.task;
  const auto strategy = Rotate<fb::ConflictStrategy>(&strategy_turn);
  std::vector<size_t> ok;
  for (size_t i = 0; i < task.workers.size(); ++i) {
    if (task.state[i] == 1) ok.push_back(i);
  }
  fb::ConflictOutcome outcome = fb::ConflictOutcome::Resolved;
  std::string winner;
  if (ok.empty()) {
    outcome = fb::ConflictOutcome::NoSuccess;
  } else if (strategy == fb::ConflictStrategy::FailOnConflict && ok.size() > 1 && rng.Chance(600)) {
    outcome = fb::ConflictOutcome::Conflict;
  } else if (strategy == fb::ConflictStrategy::TrustWeighted) {
    size_t best = ok[0];
    for (size_t i : ok) {
      if (task.duration_ms[i] < task.duration_ms[best]) best = i;
    }
    winner = Did(task.workers[best]);
  } else {
    winner = Did(task.workers[ok[0]]);
  }
  const int64_t ts = Tick();
  const auto id = S(t.id);
  const auto tid = S(task.id);
  const auto win = S(winner);
  Emit(ts, fb::Event::TeamConflictResolved, fb::CreateTeamConflictResolved(F(), id, tid, strategy, outcome, win));
}

void Generator::EmitMemberLeft(Team& t, size_t member, const char* reason) {
  const int64_t ts = Tick();
  const auto id = S(t.id);
  const auto did = S(Did(t.members[member].peer));
  const auto why = S(reason);
  Emit(ts, fb::Event::TeamMemberLeft, fb::CreateTeamMemberLeft(F(), id, did, why));
  t.members.erase(t.members.begin() + static_cast<std::ptrdiff_t>(member));
}

// lango §6.2: every member leaves ("team disbanded"), then the team is disbanded.
void Generator::DisbandTeam(size_t index) {
  Team& t = teams[index];
  while (!t.members.empty()) EmitMemberLeft(t, t.members.size() - 1, "team disbanded");
  static constexpr const char* kReasons[] = {"goal reached", "leader request", "idle: no tasks for a day"};
  const char* reason = t.budget_exhausted ? "budget exhausted" : rng.Pick(kReasons);
  const int64_t ts = Tick();
  const auto id = S(t.id);
  const auto why = S(reason);
  Emit(ts, fb::Event::TeamDisbanded, fb::CreateTeamDisbanded(F(), id, why));
  teams.erase(teams.begin() + static_cast<std::ptrdiff_t>(index));
}

}  // namespace sov::node::workload_internal
