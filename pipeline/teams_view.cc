#include "pipeline/teams_view.h"

#include <algorithm>
#include <limits>

#include "events_generated.h"
#include "pipeline/view_codec.h"

namespace sov::pipeline {

namespace {

constexpr std::string_view kView = "teams";

std::string TeamKey(std::string_view team_id) { return "t/" + std::string(team_id); }
std::string TaskPrefix(std::string_view team_id) { return "k/" + std::string(team_id) + "/"; }
std::string TaskKey(std::string_view team_id, std::string_view task_id) {
  return TaskPrefix(team_id) + std::string(task_id);
}

// A usable team id: present, non-empty, and free of the key separator.
bool ValidTeamId(const flatbuffers::String* id) {
  return id != nullptr && id->size() > 0 && id->string_view().find('/') == std::string_view::npos;
}
bool NonEmpty(const flatbuffers::String* s) { return s != nullptr && s->size() > 0; }

int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return r;
}
int64_t SatSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return r;
}

// ---- encoding ----

std::string EncodeTeam(const TeamInfo& t) {
  flatbuffers::FlatBufferBuilder fbb(256);
  std::vector<flatbuffers::Offset<fb::TeamMemberRecord>> members;
  members.reserve(t.members.size());
  for (const auto& m : t.members) {
    auto did = fbb.CreateString(m.did);
    auto reason = fbb.CreateString(m.left_reason);
    members.push_back(fb::CreateTeamMemberRecord(fbb, did, m.role, m.status, m.joined_at_ns, m.left_at_ns, reason));
  }
  auto id = fbb.CreateString(t.team_id);
  auto name = fbb.CreateString(t.name);
  auto goal = fbb.CreateString(t.goal);
  auto leader = fbb.CreateString(t.leader_did);
  auto currency = fbb.CreateString(t.currency);
  auto mv = fbb.CreateVector(members);
  auto reason = fbb.CreateString(t.disband_reason);
  fbb.Finish(fb::CreateTeamRecord(fbb, id, name, goal, leader, t.status, t.max_members, t.budget, t.spent, currency,
                                  mv, t.tasks_delegated, t.tasks_succeeded, t.tasks_failed, t.formed_at_ns,
                                  t.disbanded_at_ns, reason));
  return FinishedBytes(fbb);
}

std::string EncodeTask(const TeamTaskInfo& k) {
  flatbuffers::FlatBufferBuilder fbb(256);
  std::vector<flatbuffers::Offset<flatbuffers::String>> workers;
  workers.reserve(k.workers.size());
  for (const auto& w : k.workers) workers.push_back(fbb.CreateString(w));
  std::vector<flatbuffers::Offset<fb::TaskResultRecord>> results;
  results.reserve(k.results.size());
  for (const auto& r : k.results) {
    auto did = fbb.CreateString(r.member_did);
    auto error = fbb.CreateString(r.error);
    results.push_back(fb::CreateTaskResultRecord(fbb, did, r.success, error, r.duration_ms, r.cost));
  }
  auto team = fbb.CreateString(k.team_id);
  auto task = fbb.CreateString(k.task_id);
  auto tool = fbb.CreateString(k.tool);
  auto wv = fbb.CreateVector(workers);
  auto rv = fbb.CreateVector(results);
  auto winner = fbb.CreateString(k.winner_did);
  fbb.Finish(fb::CreateTeamTaskRecord(fbb, team, task, tool, wv, rv, k.status, k.strategy, winner, k.delegated_at_ns,
                                      k.updated_at_ns));
  return FinishedBytes(fbb);
}

// ---- verified decoding ----

Result<TeamInfo> DecodeTeam(std::string_view bytes, std::string_view key) {
  auto rec = DecodeView<fb::TeamRecord>(bytes, "team record " + std::string(key));
  if (!rec.ok()) return rec.status();
  const fb::TeamRecord* r = *rec;
  TeamInfo t;
  t.team_id = Str(r->team_id());
  t.name = Str(r->name());
  t.goal = Str(r->goal());
  t.leader_did = Str(r->leader_did());
  t.status = r->status();
  t.max_members = r->max_members();
  t.budget = r->budget();
  t.spent = r->spent();
  t.currency = Str(r->currency());
  if (r->members() != nullptr) {
    for (const fb::TeamMemberRecord* m : *r->members()) {
      t.members.push_back({Str(m->did()), m->role(), m->status(), m->joined_at_ns(), m->left_at_ns(), Str(m->left_reason())});
    }
  }
  t.tasks_delegated = r->tasks_delegated();
  t.tasks_succeeded = r->tasks_succeeded();
  t.tasks_failed = r->tasks_failed();
  t.formed_at_ns = r->formed_at_ns();
  t.disbanded_at_ns = r->disbanded_at_ns();
  t.disband_reason = Str(r->disband_reason());
  return t;
}

Result<TeamTaskInfo> DecodeTask(std::string_view bytes, std::string_view key) {
  auto rec = DecodeView<fb::TeamTaskRecord>(bytes, "team task record " + std::string(key));
  if (!rec.ok()) return rec.status();
  const fb::TeamTaskRecord* r = *rec;
  TeamTaskInfo k;
  k.team_id = Str(r->team_id());
  k.task_id = Str(r->task_id());
  k.tool = Str(r->tool());
  if (r->workers() != nullptr) {
    for (const flatbuffers::String* w : *r->workers()) k.workers.push_back(Str(w));
  }
  if (r->results() != nullptr) {
    for (const fb::TaskResultRecord* x : *r->results()) {
      k.results.push_back({Str(x->member_did()), x->success(), Str(x->error()), x->duration_ms(), x->cost()});
    }
  }
  k.status = r->status();
  k.strategy = r->strategy();
  k.winner_did = Str(r->winner_did());
  k.delegated_at_ns = r->delegated_at_ns();
  k.updated_at_ns = r->updated_at_ns();
  return k;
}

template <class T, class Decode>
Result<std::optional<T>> Load(const ViewTxn& txn, const std::string& key, Decode decode) {
  auto v = txn.Get(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<T>();
  auto info = decode(**v, key);
  if (!info.ok()) return info.status();
  return std::optional<T>(std::move(*info));
}

// ---- fold helpers ----

TeamMemberInfo* FindMember(TeamInfo& t, std::string_view did) {
  for (auto& m : t.members) {
    if (m.did == did) return &m;
  }
  return nullptr;
}

// Makes room for one more member entry: drops the oldest Left member, or (for a join) the oldest
// pending invitation. False when the list is at its bound with nothing to drop.
bool MakeRoom(TeamInfo& t, bool may_drop_invited) {
  if (t.members.size() < TeamMemberBound(t.max_members)) return true;
  for (fb::MemberStatus drop : {fb::MemberStatus::Left, fb::MemberStatus::Invited}) {
    if (drop == fb::MemberStatus::Invited && !may_drop_invited) break;
    auto it = std::find_if(t.members.begin(), t.members.end(), [drop](const TeamMemberInfo& m) { return m.status == drop; });
    if (it != t.members.end()) {
      t.members.erase(it);
      return true;
    }
  }
  return false;
}

// Keeps tasks_succeeded / tasks_failed equal to the numbers of Completed / Failed tasks.
void Recount(TeamInfo& t, fb::TaskStatus from, fb::TaskStatus to) {
  if (from == to) return;
  if (from == fb::TaskStatus::Completed && t.tasks_succeeded > 0) --t.tasks_succeeded;
  if (from == fb::TaskStatus::Failed && t.tasks_failed > 0) --t.tasks_failed;
  if (to == fb::TaskStatus::Completed) ++t.tasks_succeeded;
  if (to == fb::TaskStatus::Failed) ++t.tasks_failed;
}

class TeamsProjector final : public Projector {
 public:
  std::string_view name() const override { return kView; }
  uint32_t version() const override { return 1; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const int64_t ts = env.timestamp_ns();
    switch (env.payload_type()) {
      case fb::Event::TeamFormed: return Formed(env.payload_as_TeamFormed(), ts, txn);
      case fb::Event::TeamMemberInvited: return Invited(env.payload_as_TeamMemberInvited(), txn);
      case fb::Event::TeamMemberJoined: return Joined(env.payload_as_TeamMemberJoined(), ts, txn);
      case fb::Event::TeamMemberLeft: return MemberLeft(env.payload_as_TeamMemberLeft(), ts, txn);
      case fb::Event::TeamTaskDelegated: return Delegated(env.payload_as_TeamTaskDelegated(), ts, txn);
      case fb::Event::TeamTaskResult: return TaskResult(env.payload_as_TeamTaskResult(), ts, txn);
      case fb::Event::TeamConflictResolved: return ConflictResolved(env.payload_as_TeamConflictResolved(), ts, txn);
      case fb::Event::TeamDisbanded: return Disbanded(env.payload_as_TeamDisbanded(), ts, txn);
      default: return Status::OK();
    }
  }

 private:
  static Result<std::optional<TeamInfo>> LoadTeam(const ViewTxn& txn, const flatbuffers::String* team_id) {
    if (!ValidTeamId(team_id)) return std::optional<TeamInfo>();
    return Load<TeamInfo>(txn, TeamKey(team_id->string_view()), DecodeTeam);
  }

  static Status Formed(const fb::TeamFormed* e, int64_t ts, ViewTxn& txn) {
    if (e == nullptr) return Status::OK();
    auto existing = LoadTeam(txn, e->team_id());
    if (!existing.ok()) return existing.status();
    if (existing->has_value() || !ValidTeamId(e->team_id())) return Status::OK();
    TeamInfo t;
    t.team_id = e->team_id()->str();
    t.name = Str(e->name());
    t.goal = Str(e->goal());
    t.leader_did = Str(e->leader_did());
    t.status = fb::TeamStatus::Active;
    t.max_members = e->max_members();
    t.budget = e->budget();
    t.currency = Str(e->currency());
    t.formed_at_ns = ts;
    if (!t.leader_did.empty()) {
      t.members.push_back({t.leader_did, fb::TeamRole::Leader, fb::MemberStatus::Active, ts, 0, ""});
    }
    txn.Put(TeamKey(t.team_id), EncodeTeam(t));
    return Status::OK();
  }

  static Status Invited(const fb::TeamMemberInvited* e, ViewTxn& txn) {
    if (e == nullptr || !NonEmpty(e->member_did())) return Status::OK();
    auto team = LoadTeam(txn, e->team_id());
    if (!team.ok()) return team.status();
    if (!team->has_value() || (*team)->status == fb::TeamStatus::Disbanded) return Status::OK();
    TeamInfo& t = **team;
    const std::string did = e->member_did()->str();
    if (TeamMemberInfo* m = FindMember(t, did)) {
      if (m->status != fb::MemberStatus::Left) return Status::OK();  // already invited or active
      if (e->role() != fb::TeamRole::Unknown) m->role = e->role();
      m->status = fb::MemberStatus::Invited;
      m->left_at_ns = 0;
      m->left_reason.clear();
    } else {
      if (!MakeRoom(t, /*may_drop_invited=*/false)) return Status::OK();
      t.members.push_back({did, e->role(), fb::MemberStatus::Invited, 0, 0, ""});
    }
    txn.Put(TeamKey(t.team_id), EncodeTeam(t));
    return Status::OK();
  }

  static Status Joined(const fb::TeamMemberJoined* e, int64_t ts, ViewTxn& txn) {
    if (e == nullptr || !NonEmpty(e->member_did())) return Status::OK();
    auto team = LoadTeam(txn, e->team_id());
    if (!team.ok()) return team.status();
    if (!team->has_value() || (*team)->status == fb::TeamStatus::Disbanded) return Status::OK();
    TeamInfo& t = **team;
    const std::string did = e->member_did()->str();
    TeamMemberInfo* m = FindMember(t, did);
    if (m != nullptr && m->status == fb::MemberStatus::Active) return Status::OK();  // duplicate join
    if (t.max_members > 0 && t.ActiveMembers() >= t.max_members) return Status::OK();  // team full
    if (m == nullptr) {
      if (!MakeRoom(t, /*may_drop_invited=*/true)) return Status::OK();
      t.members.push_back({did, e->role(), fb::MemberStatus::Active, ts, 0, ""});
    } else {
      if (e->role() != fb::TeamRole::Unknown) m->role = e->role();
      m->status = fb::MemberStatus::Active;
      m->joined_at_ns = ts;
      m->left_at_ns = 0;
      m->left_reason.clear();
    }
    txn.Put(TeamKey(t.team_id), EncodeTeam(t));
    return Status::OK();
  }

  static Status MemberLeft(const fb::TeamMemberLeft* e, int64_t ts, ViewTxn& txn) {
    if (e == nullptr || !NonEmpty(e->member_did())) return Status::OK();
    auto team = LoadTeam(txn, e->team_id());
    if (!team.ok()) return team.status();
    if (!team->has_value()) return Status::OK();
    TeamInfo& t = **team;
    TeamMemberInfo* m = FindMember(t, e->member_did()->string_view());
    if (m == nullptr || m->status == fb::MemberStatus::Left) return Status::OK();
    m->status = fb::MemberStatus::Left;
    m->left_at_ns = ts;
    m->left_reason = Str(e->reason());
    txn.Put(TeamKey(t.team_id), EncodeTeam(t));
    return Status::OK();
  }

  static Status Delegated(const fb::TeamTaskDelegated* e, int64_t ts, ViewTxn& txn) {
    if (e == nullptr || !NonEmpty(e->task_id())) return Status::OK();
    auto team = LoadTeam(txn, e->team_id());
    if (!team.ok()) return team.status();
    if (!team->has_value() || (*team)->status == fb::TeamStatus::Disbanded) return Status::OK();
    TeamInfo& t = **team;
    const std::string key = TaskKey(t.team_id, e->task_id()->string_view());
    auto existing = Load<TeamTaskInfo>(txn, key, DecodeTask);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) return Status::OK();  // a task id is delegated once
    TeamTaskInfo k;
    k.team_id = t.team_id;
    k.task_id = e->task_id()->str();
    k.tool = Str(e->tool());
    if (e->workers() != nullptr) {
      for (const flatbuffers::String* w : *e->workers()) {
        if (!NonEmpty(w) || k.workers.size() >= kMaxTeamMembers) continue;
        if (std::find(k.workers.begin(), k.workers.end(), w->string_view()) == k.workers.end()) k.workers.push_back(w->str());
      }
    }
    k.status = fb::TaskStatus::Delegated;
    k.delegated_at_ns = k.updated_at_ns = ts;
    ++t.tasks_delegated;
    txn.Put(key, EncodeTask(k));
    txn.Put(TeamKey(t.team_id), EncodeTeam(t));
    return Status::OK();
  }

  static Status TaskResult(const fb::TeamTaskResult* e, int64_t ts, ViewTxn& txn) {
    if (e == nullptr || !NonEmpty(e->task_id()) || !NonEmpty(e->member_did())) return Status::OK();
    auto team = LoadTeam(txn, e->team_id());
    if (!team.ok()) return team.status();
    if (!team->has_value()) return Status::OK();
    TeamInfo& t = **team;
    const std::string key = TaskKey(t.team_id, e->task_id()->string_view());
    auto task = Load<TeamTaskInfo>(txn, key, DecodeTask);
    if (!task.ok()) return task.status();
    if (!task->has_value()) return Status::OK();
    TeamTaskInfo& k = **task;
    const std::string did = e->member_did()->str();
    if (std::find(k.workers.begin(), k.workers.end(), did) == k.workers.end()) return Status::OK();  // not a worker
    TaskResultInfo r{did, e->success(), Str(e->error()), e->duration_ms(), e->cost()};
    auto it = std::find_if(k.results.begin(), k.results.end(), [&](const TaskResultInfo& x) { return x.member_did == did; });
    if (it != k.results.end()) {
      t.spent = SatSub(t.spent, it->cost);
      *it = std::move(r);
    } else {
      k.results.push_back(std::move(r));
    }
    t.spent = SatAdd(t.spent, e->cost());
    k.updated_at_ns = ts;
    if (k.strategy == fb::ConflictStrategy::Unknown) {  // not yet decided by a conflict resolution
      fb::TaskStatus to = fb::TaskStatus::Delegated;
      if (k.results.size() == k.workers.size()) {
        const bool any = std::any_of(k.results.begin(), k.results.end(), [](const TaskResultInfo& x) { return x.success; });
        to = any ? fb::TaskStatus::Completed : fb::TaskStatus::Failed;
      }
      Recount(t, k.status, to);
      k.status = to;
    }
    txn.Put(key, EncodeTask(k));
    txn.Put(TeamKey(t.team_id), EncodeTeam(t));
    return Status::OK();
  }

  static Status ConflictResolved(const fb::TeamConflictResolved* e, int64_t ts, ViewTxn& txn) {
    if (e == nullptr || !NonEmpty(e->task_id())) return Status::OK();
    auto team = LoadTeam(txn, e->team_id());
    if (!team.ok()) return team.status();
    if (!team->has_value()) return Status::OK();
    TeamInfo& t = **team;
    const std::string key = TaskKey(t.team_id, e->task_id()->string_view());
    auto task = Load<TeamTaskInfo>(txn, key, DecodeTask);
    if (!task.ok()) return task.status();
    if (!task->has_value()) return Status::OK();
    fb::TaskStatus to;
    switch (e->outcome()) {
      case fb::ConflictOutcome::Resolved: to = fb::TaskStatus::Completed; break;
      case fb::ConflictOutcome::Conflict: to = fb::TaskStatus::Conflict; break;
      case fb::ConflictOutcome::NoSuccess: to = fb::TaskStatus::Failed; break;
      default: return Status::OK();  // an outcome this build cannot interpret
    }
    TeamTaskInfo& k = **task;
    // The strategy also marks the task as decided; lango runs an unknown strategy as majority_vote.
    k.strategy = e->strategy() == fb::ConflictStrategy::Unknown ? fb::ConflictStrategy::MajorityVote : e->strategy();
    k.winner_did = Str(e->winner_did());
    k.updated_at_ns = ts;
    Recount(t, k.status, to);
    k.status = to;
    txn.Put(key, EncodeTask(k));
    txn.Put(TeamKey(t.team_id), EncodeTeam(t));
    return Status::OK();
  }

  static Status Disbanded(const fb::TeamDisbanded* e, int64_t ts, ViewTxn& txn) {
    if (e == nullptr) return Status::OK();
    auto team = LoadTeam(txn, e->team_id());
    if (!team.ok()) return team.status();
    if (!team->has_value() || (*team)->status == fb::TeamStatus::Disbanded) return Status::OK();
    TeamInfo& t = **team;
    t.status = fb::TeamStatus::Disbanded;
    t.disbanded_at_ns = ts;
    t.disband_reason = Str(e->reason());
    for (auto& m : t.members) {
      if (m.status == fb::MemberStatus::Active || m.status == fb::MemberStatus::Invited) {
        m.status = fb::MemberStatus::Left;
        m.left_at_ns = ts;
        m.left_reason = "team disbanded";
      }
    }
    txn.Put(TeamKey(t.team_id), EncodeTeam(t));
    return Status::OK();
  }
};

}  // namespace

size_t TeamInfo::ActiveMembers() const {
  return static_cast<size_t>(std::count_if(members.begin(), members.end(),
                                           [](const TeamMemberInfo& m) { return m.status == fb::MemberStatus::Active; }));
}

std::unique_ptr<Projector> MakeTeamsProjector() { return std::make_unique<TeamsProjector>(); }

Result<std::vector<TeamInfo>> ListTeams(const store::Db& db) {
  return ListViewRecords<TeamInfo>(db, kView, "t/", DecodeTeam);
}

Result<std::optional<TeamInfo>> GetTeam(const store::Db& db, std::string_view team_id) {
  if (team_id.empty() || team_id.find('/') != std::string_view::npos) return std::optional<TeamInfo>();
  return GetViewRecord<TeamInfo>(db, kView, TeamKey(team_id), DecodeTeam);
}

Result<std::vector<TeamTaskInfo>> ListTeamTasks(const store::Db& db, std::string_view team_id) {
  if (team_id.empty() || team_id.find('/') != std::string_view::npos) return std::vector<TeamTaskInfo>();
  auto out = ListViewRecords<TeamTaskInfo>(db, kView, TaskPrefix(team_id), DecodeTask);
  if (!out.ok()) return out;
  std::stable_sort(out->begin(), out->end(), [](const TeamTaskInfo& a, const TeamTaskInfo& b) {
    return a.delegated_at_ns != b.delegated_at_ns ? a.delegated_at_ns < b.delegated_at_ns : a.task_id < b.task_id;
  });
  return out;
}

}  // namespace sov::pipeline
