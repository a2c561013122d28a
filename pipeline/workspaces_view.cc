#include "pipeline/workspaces_view.h"

#include <algorithm>
#include <limits>

#include "events_generated.h"
#include "pipeline/view_codec.h"

namespace sov::pipeline {

namespace {

constexpr std::string_view kView = "workspaces";

// A usable workspace id: present, non-empty, not starting with the checkpoint's zero byte.
bool ValidId(const flatbuffers::String* id) { return id != nullptr && id->size() > 0 && id->c_str()[0] != '\0'; }
bool NonEmpty(const flatbuffers::String* s) { return s != nullptr && s->size() > 0; }

uint64_t SatAdd(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<uint64_t>::max() : r;
}

std::string Encode(const WorkspaceInfo& w) {
  flatbuffers::FlatBufferBuilder fbb(256);
  std::vector<flatbuffers::Offset<fb::WorkspaceMemberRecord>> members;
  members.reserve(w.members.size());
  for (const auto& m : w.members) {
    auto did = fbb.CreateString(m.did);
    members.push_back(fb::CreateWorkspaceMemberRecord(fbb, did, m.role, m.active, m.joined_at_ns, m.left_at_ns,
                                                      m.commits, m.code_bytes, m.messages, m.last_active_ns));
  }
  auto id = fbb.CreateString(w.workspace_id);
  auto name = fbb.CreateString(w.name);
  auto goal = fbb.CreateString(w.goal);
  auto creator = fbb.CreateString(w.creator_did);
  auto mv = fbb.CreateVector(members);
  fbb.Finish(fb::CreateWorkspaceRecord(fbb, id, name, goal, creator, w.status, mv, w.messages, w.bundles_applied,
                                       w.bundles_rejected, w.created_at_ns, w.updated_at_ns, w.archived_at_ns));
  return FinishedBytes(fbb);
}

Result<WorkspaceInfo> Decode(std::string_view bytes, std::string_view key) {
  auto rec = DecodeView<fb::WorkspaceRecord>(bytes, "workspace record " + std::string(key));
  if (!rec.ok()) return rec.status();
  const fb::WorkspaceRecord* r = *rec;
  WorkspaceInfo w;
  w.workspace_id = Str(r->workspace_id());
  w.name = Str(r->name());
  w.goal = Str(r->goal());
  w.creator_did = Str(r->creator_did());
  w.status = r->status();
  if (r->members() != nullptr) {
    for (const fb::WorkspaceMemberRecord* m : *r->members()) {
      w.members.push_back({Str(m->did()), m->role(), m->active(), m->joined_at_ns(), m->left_at_ns(), m->commits(),
                           m->code_bytes(), m->messages(), m->last_active_ns()});
    }
  }
  w.messages = r->messages();
  w.bundles_applied = r->bundles_applied();
  w.bundles_rejected = r->bundles_rejected();
  w.created_at_ns = r->created_at_ns();
  w.updated_at_ns = r->updated_at_ns();
  w.archived_at_ns = r->archived_at_ns();
  return w;
}

WorkspaceMemberInfo* FindMember(WorkspaceInfo& w, const flatbuffers::String* did) {
  if (!NonEmpty(did)) return nullptr;
  for (auto& m : w.members) {
    if (m.did == did->string_view()) return &m;
  }
  return nullptr;
}

void Contribute(WorkspaceMemberInfo& m, uint64_t commits, uint64_t code_bytes, uint64_t messages, int64_t ts) {
  m.commits = SatAdd(m.commits, commits);
  m.code_bytes = SatAdd(m.code_bytes, code_bytes);
  m.messages = SatAdd(m.messages, messages);
  m.last_active_ns = std::max(m.last_active_ns, ts);
}

class WorkspacesProjector final : public Projector {
 public:
  std::string_view name() const override { return kView; }
  uint32_t version() const override { return 1; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const int64_t ts = env.timestamp_ns();
    switch (env.payload_type()) {
      case fb::Event::WorkspaceCreated: return Created(env.payload_as_WorkspaceCreated(), ts, txn);
      case fb::Event::WorkspaceMemberJoined: {
        auto* e = env.payload_as_WorkspaceMemberJoined();
        if (e == nullptr) return Status::OK();
        return Update(txn, e->workspace_id(), ts, /*when_archived=*/false, [&](WorkspaceInfo& w) {
          if (!NonEmpty(e->member_did())) return false;
          if (WorkspaceMemberInfo* m = FindMember(w, e->member_did())) {
            if (m->active) return false;  // idempotent
            m->active = true;
            m->joined_at_ns = ts;
            m->left_at_ns = 0;
          } else {
            if (w.members.size() >= kMaxWorkspaceMembers) return false;
            WorkspaceMemberInfo added;
            added.did = e->member_did()->str();
            added.role = e->role() == fb::WorkspaceRole::Unknown ? fb::WorkspaceRole::Member : e->role();
            added.active = true;
            added.joined_at_ns = ts;
            w.members.push_back(std::move(added));
          }
          if (w.status == fb::WorkspaceStatus::Forming && w.ActiveMembers() >= 2) w.status = fb::WorkspaceStatus::Active;
          return true;
        });
      }
      case fb::Event::WorkspaceMemberLeft: {
        auto* e = env.payload_as_WorkspaceMemberLeft();
        if (e == nullptr) return Status::OK();
        return Update(txn, e->workspace_id(), ts, false, [&](WorkspaceInfo& w) {
          WorkspaceMemberInfo* m = FindMember(w, e->member_did());
          if (m == nullptr || !m->active) return false;
          m->active = false;
          m->left_at_ns = ts;
          return true;
        });
      }
      case fb::Event::WorkspaceMessagePosted: {
        auto* e = env.payload_as_WorkspaceMessagePosted();
        if (e == nullptr) return Status::OK();
        return Update(txn, e->workspace_id(), ts, false, [&](WorkspaceInfo& w) {
          w.messages = SatAdd(w.messages, 1);
          if (WorkspaceMemberInfo* m = FindMember(w, e->sender_did())) Contribute(*m, 0, 0, 1, ts);
          return true;
        });
      }
      case fb::Event::WorkspaceArchived: {
        auto* e = env.payload_as_WorkspaceArchived();
        if (e == nullptr) return Status::OK();
        return Update(txn, e->workspace_id(), ts, false, [&](WorkspaceInfo& w) {
          w.status = fb::WorkspaceStatus::Archived;
          w.archived_at_ns = ts;
          return true;
        });
      }
      case fb::Event::GitBundleCreated: {
        auto* e = env.payload_as_GitBundleCreated();
        if (e == nullptr) return Status::OK();
        return Update(txn, e->workspace_id(), ts, true, [&](WorkspaceInfo& w) {
          WorkspaceMemberInfo* m = FindMember(w, e->author_did());
          if (m == nullptr) return false;
          Contribute(*m, e->commits(), e->size_bytes(), 0, ts);
          return true;
        });
      }
      case fb::Event::GitBundleApplied: {
        auto* e = env.payload_as_GitBundleApplied();
        if (e == nullptr) return Status::OK();
        return Update(txn, e->workspace_id(), ts, true, [&](WorkspaceInfo& w) {
          w.bundles_applied = SatAdd(w.bundles_applied, 1);
          if (WorkspaceMemberInfo* m = FindMember(w, e->from_did())) Contribute(*m, e->commits(), e->code_bytes(), 0, ts);
          return true;
        });
      }
      case fb::Event::GitBundleRejected: {
        auto* e = env.payload_as_GitBundleRejected();
        if (e == nullptr) return Status::OK();
        return Update(txn, e->workspace_id(), ts, true, [&](WorkspaceInfo& w) {
          w.bundles_rejected = SatAdd(w.bundles_rejected, 1);
          return true;
        });
      }
      default: return Status::OK();
    }
  }

 private:
  static Result<std::optional<WorkspaceInfo>> Load(const ViewTxn& txn, const flatbuffers::String* id) {
    if (!ValidId(id)) return std::optional<WorkspaceInfo>();
    const std::string key = id->str();
    auto v = txn.Get(key);
    if (!v.ok()) return v.status();
    if (!v->has_value()) return std::optional<WorkspaceInfo>();
    auto w = Decode(**v, key);
    if (!w.ok()) return w.status();
    return std::optional<WorkspaceInfo>(std::move(*w));
  }

  static Status Created(const fb::WorkspaceCreated* e, int64_t ts, ViewTxn& txn) {
    if (e == nullptr) return Status::OK();
    auto existing = Load(txn, e->workspace_id());
    if (!existing.ok()) return existing.status();
    if (existing->has_value() || !ValidId(e->workspace_id())) return Status::OK();
    WorkspaceInfo w;
    w.workspace_id = e->workspace_id()->str();
    w.name = Str(e->name());
    w.goal = Str(e->goal());
    w.creator_did = Str(e->creator_did());
    w.status = fb::WorkspaceStatus::Forming;
    w.created_at_ns = w.updated_at_ns = ts;
    if (!w.creator_did.empty()) {
      WorkspaceMemberInfo m;
      m.did = w.creator_did;
      m.role = fb::WorkspaceRole::Creator;
      m.active = true;
      m.joined_at_ns = ts;
      w.members.push_back(std::move(m));
    }
    txn.Put(w.workspace_id, Encode(w));
    return Status::OK();
  }

  // Loads the workspace `id`, applies `change` (which returns whether it changed anything) and
  // stores it with updated_at = ts. Unknown workspaces are skipped, and archived ones too unless
  // `when_archived`.
  template <class Change>
  static Status Update(ViewTxn& txn, const flatbuffers::String* id, int64_t ts, bool when_archived, Change&& change) {
    auto w = Load(txn, id);
    if (!w.ok()) return w.status();
    if (!w->has_value()) return Status::OK();
    WorkspaceInfo& ws = **w;
    if (ws.status == fb::WorkspaceStatus::Archived && !when_archived) return Status::OK();
    if (!change(ws)) return Status::OK();
    ws.updated_at_ns = ts;
    txn.Put(ws.workspace_id, Encode(ws));
    return Status::OK();
  }
};

}  // namespace

size_t WorkspaceInfo::ActiveMembers() const {
  return static_cast<size_t>(std::count_if(members.begin(), members.end(), [](const WorkspaceMemberInfo& m) { return m.active; }));
}

std::unique_ptr<Projector> MakeWorkspacesProjector() { return std::make_unique<WorkspacesProjector>(); }

Result<std::vector<WorkspaceInfo>> ListWorkspaces(const store::Db& db) {
  return ListViewRecords<WorkspaceInfo>(db, kView, "", Decode);
}

Result<std::optional<WorkspaceInfo>> GetWorkspace(const store::Db& db, std::string_view workspace_id) {
  if (workspace_id.empty() || workspace_id[0] == '\0') return std::optional<WorkspaceInfo>();
  return GetViewRecord<WorkspaceInfo>(db, kView, workspace_id, Decode);
}

}  // namespace sov::pipeline
