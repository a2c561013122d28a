#include "node/sim/workload_generator.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sov::node::workload_internal {

namespace {

bool IsMember(const Workspace& w, uint32_t p) {
  return std::find(w.members.begin(), w.members.end(), p) != w.members.end();
}

}  // namespace

bool Generator::DoWorkspace() {
  if (workspaces.size() < kMinWorkspaces || (workspaces.size() < kMaxWorkspaces && rng.Chance(25))) {
    return CreateWorkspace();
  }
  const size_t index = rng.Below(workspaces.size());
  Workspace& w = workspaces[index];
  const size_t r = rng.Below(1000);
  if (w.members.empty() || (w.members.size() < kMaxWorkspaceMembers && r < 90)) return JoinWorkspace(w);
  if (!w.pending.empty() && r < 250) return ResolveBundle(w, 0);
  if (r < 700) return Post(w, std::nullopt, std::nullopt);
  if (r < 780) return CreateBundle(w);
  if (r < 870) return ReceiveBundle(w);
  if (r < 940 && w.members.size() > 2) return LeaveWorkspace(w);
  if (r >= 940 && w.messages > 25 && workspaces.size() > kMinWorkspaces) {
    ArchiveWorkspace(index);
    return true;
  }
  return Post(w, std::nullopt, std::nullopt);
}

bool Generator::CreateWorkspace() {
  Workspace w;
  w.id = rng.Uuid();
  std::string name = rng.Word();
  name += "-" + rng.Word();
  const char* goal = kGoals[rng.Below(kGoalCount)];
  {
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto n = S(name);
    const auto g = S(goal);
    const auto creator = S(origin.did);
    Emit(ts, fb::Event::WorkspaceCreated, fb::CreateWorkspaceCreated(F(), id, n, g, creator));
  }
  const int64_t ts = Tick();
  const auto id = S(w.id);
  const auto did = S(origin.did);
  Emit(ts, fb::Event::WorkspaceMemberJoined, fb::CreateWorkspaceMemberJoined(F(), id, did, fb::WorkspaceRole::Creator));
  workspaces.push_back(std::move(w));
  return true;
}

bool Generator::JoinWorkspace(Workspace& w) {
  for (int tries = 0; tries < 6; ++tries) {
    const uint32_t p = PickCandidate(200);
    if (IsMember(w, p)) continue;
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto did = S(Did(p));
    Emit(ts, fb::Event::WorkspaceMemberJoined,
         fb::CreateWorkspaceMemberJoined(F(), id, did, fb::WorkspaceRole::Member));
    w.members.push_back(p);
    if (rng.Chance(600)) Post(w, fb::WorkspaceMessageType::MemberJoined, p);
    return true;
  }
  return false;
}

bool Generator::LeaveWorkspace(Workspace& w) {
  const size_t i = rng.Below(w.members.size());
  const uint32_t p = w.members[i];
  if (rng.Chance(600)) Post(w, fb::WorkspaceMessageType::MemberLeft, p);
  const int64_t ts = Tick();
  const auto id = S(w.id);
  const auto did = S(Did(p));
  Emit(ts, fb::Event::WorkspaceMemberLeft, fb::CreateWorkspaceMemberLeft(F(), id, did));
  w.members.erase(w.members.begin() + static_cast<std::ptrdiff_t>(i));
  return true;
}

bool Generator::Post(Workspace& w, std::optional<fb::WorkspaceMessageType> forced,
                     std::optional<uint32_t> sender_peer) {
  using T = fb::WorkspaceMessageType;
  static constexpr T kTypes[] = {T::TaskProposal,   T::LogStream,     T::CommitSignal, T::KnowledgeShare,
                                 T::ConflictReport, T::BranchCreated, T::BranchMerged, T::SyncRequest,
                                 T::MemberJoined,   T::MemberLeft};
  const T type = forced ? *forced : kTypes[rng.Weighted({12, 26, 10, 18, 5, 8, 6, 7, 1, 1})];
  std::string sender = origin.did;
  if (sender_peer) {
    sender = Did(*sender_peer);
  } else if (!w.members.empty() && rng.Chance(750)) {
    sender = Did(w.members[rng.Below(w.members.size())]);
  }
  std::string content;
  std::vector<std::pair<std::string, std::string>> meta;
  meta.reserve(2);
  const std::string oid = rng.Hex(20);
  switch (type) {
    case T::TaskProposal: {
      content = "Proposal: split the " + rng.Word();
      content += std::string(" pipeline so ") + kTools[rng.PickTool(false)].name + " runs in parallel";
      meta.emplace_back("priority", rng.Chance(300) ? "high" : "normal");
      meta.emplace_back("estimate", rng.Num(1, 16) + "h");
      break;
    }
    case T::LogStream: {
      static constexpr const char* kLevels[] = {"info", "info", "warn", "error", "debug"};
      const char* level = rng.Pick(kLevels);
      content = std::string("[") + level + "] " + rng.Word();
      content += ": processed batch " + rng.Num(1, 9999);
      content += " in " + rng.Num(2, 4000) + " ms";
      meta.emplace_back("level", level);
      break;
    }
    case T::CommitSignal: {
      const std::string branch = rng.Chance(500) ? std::string("main") : rng.Branch();
      content = "commit " + oid.substr(0, 7) + " on " + branch + ": ";
      content += rng.Word() + " handles empty input";
      meta.emplace_back("commit", oid);
      meta.emplace_back("branch", branch);
      break;
    }
    case T::KnowledgeShare: {
      content = "Finding: " + rng.Word();
      content += " latency halves when results are cached for " + rng.Num(1, 60) + " minutes";
      meta.emplace_back("topic", rng.Word());
      meta.emplace_back("confidence", "0." + rng.Num(50, 99));
      break;
    }
    case T::ConflictReport: {
      const std::string file = "src/" + rng.Word() + ".cc";
      content = "Conflict in " + file + " between " + rng.Branch() + " and main";
      meta.emplace_back("file", file);
      meta.emplace_back("severity", rng.Chance(300) ? "high" : "low");
      break;
    }
    case T::BranchCreated: {
      const std::string branch = rng.Branch();
      content = "Created " + branch + " from main@" + oid.substr(0, 7);
      meta.emplace_back("branch", branch);
      meta.emplace_back("base", oid);
      break;
    }
    case T::BranchMerged: {
      const std::string branch = rng.Branch();
      content = "Merged " + branch + " into main (" + rng.Num(1, 20) + " commits)";
      meta.emplace_back("branch", branch);
      break;
    }
    case T::SyncRequest:
      content = "Please sync to main@" + oid.substr(0, 7) + " before the next task";
      meta.emplace_back("ref", "refs/heads/main");
      meta.emplace_back("oid", oid);
      break;
    case T::MemberJoined:
      content = std::string("Joined; can run ") + kTools[rng.PickTool(false)].name;
      break;
    case T::MemberLeft:
      content = "Leaving the workspace; open tasks handed over";
      break;
    default:
      break;
  }
  if (meta.size() > 1 && rng.Chance(300)) meta.pop_back();
  std::string parent;
  if (w.recent_count > 0 && rng.Chance(350)) parent = w.recent[rng.Below(std::min(w.recent_count, kRecentMessages))];
  const std::string message_id = rng.Uuid();
  const int64_t ts = Tick();
  const auto id = S(w.id);
  const auto mid = S(message_id);
  const auto snd = S(sender);
  const auto body = S(content);
  const auto par = S(parent);
  std::vector<flatbuffers::Offset<fb::KeyValue>> kv;
  for (const auto& [k, v] : meta) {
    const auto ko = S(k);
    const auto vo = S(v);
    kv.push_back(fb::CreateKeyValue(F(), ko, vo));
  }
  const auto kvv = F().CreateVector(kv);
  Emit(ts, fb::Event::WorkspaceMessagePosted,
       fb::CreateWorkspaceMessagePosted(F(), id, mid, snd, type, body, par, kvv));
  w.recent[w.recent_count % kRecentMessages] = message_id;
  w.recent_count++;
  w.messages++;
  return true;
}

// Refs a bundle carries: main and sometimes a feature branch. Draws first, then builds.
flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::GitRef>>> Generator::Refs() {
  std::vector<std::pair<std::string, std::string>> list;
  list.emplace_back("refs/heads/main", rng.Hex(20));
  if (rng.Chance(400)) {
    std::string name = "refs/heads/" + rng.Branch();
    list.emplace_back(std::move(name), rng.Hex(20));
  }
  std::vector<flatbuffers::Offset<fb::GitRef>> refs;
  for (const auto& [name, oid] : list) {
    const auto n = S(name);
    const auto o = S(oid);
    refs.push_back(fb::CreateGitRef(F(), n, o));
  }
  return F().CreateVector(refs);
}

bool Generator::CreateBundle(Workspace& w) {
  const std::string bundle_id = "bundle-" + rng.Hex(8);
  const std::string base = rng.Hex(20);
  const auto commits = static_cast<uint32_t>(rng.Range(1, 12));
  const auto size = static_cast<uint64_t>(rng.Range(2048, 2 << 20));
  const auto refs = Refs();
  const int64_t ts = Tick();
  const auto id = S(w.id);
  const auto bid = S(bundle_id);
  const auto author = S(origin.did);
  const auto base_oid = S(base);
  Emit(ts, fb::Event::GitBundleCreated,
       fb::CreateGitBundleCreated(F(), id, bid, author, refs, base_oid, commits, size));
  if (rng.Chance(400)) Post(w, fb::WorkspaceMessageType::CommitSignal, std::nullopt);
  return true;
}

bool Generator::ReceiveBundle(Workspace& w) {
  if (w.pending.size() >= kMaxPendingBundles) return ResolveBundle(w, 0);
  PendingBundle pb;
  pb.id = "bundle-" + rng.Hex(8);
  pb.size = static_cast<uint64_t>(rng.Range(2048, 4 << 20));
  if (rng.Chance(80) || w.members.empty()) {  // from a peer that is not a member
    const uint32_t p = static_cast<uint32_t>(rng.Below(opt.peers));
    if (IsMember(w, p)) return Post(w, std::nullopt, std::nullopt);
    pb.from = p;
    pb.fate = fb::GitRejectReason::NotMember;
  } else {
    pb.from = w.members[rng.Below(w.members.size())];
    if (rng.Chance(220)) {
      using R = fb::GitRejectReason;
      pb.fate = Rotate<R>(&git_turn);
      if (pb.fate == R::NotMember) pb.fate = Rotate<R>(&git_turn);  // members are never NotMember
      if (pb.fate == R::TooLarge) pb.size = static_cast<uint64_t>(rng.Range(65 << 20, 512 << 20));
    }
  }
  const int64_t ts = Tick();
  const auto id = S(w.id);
  const auto bid = S(pb.id);
  const auto from = S(Did(pb.from));
  Emit(ts, fb::Event::GitBundleReceived, fb::CreateGitBundleReceived(F(), id, bid, from, pb.size));
  w.pending.push_back(std::move(pb));
  return true;
}

bool Generator::ResolveBundle(Workspace& w, size_t i) {
  const PendingBundle pb = w.pending[i];
  w.pending.erase(w.pending.begin() + static_cast<std::ptrdiff_t>(i));
  if (pb.fate == fb::GitRejectReason::Unknown) {
    const auto commits = static_cast<uint32_t>(rng.Range(1, 12));
    const uint64_t code_bytes = pb.size - rng.Below(pb.size / 2);
    const auto refs = Refs();
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto bid = S(pb.id);
    const auto from = S(Did(pb.from));
    Emit(ts, fb::Event::GitBundleApplied, fb::CreateGitBundleApplied(F(), id, bid, from, refs, commits, code_bytes));
    return true;
  }
  std::string detail;
  switch (pb.fate) {
    case fb::GitRejectReason::TooLarge:
      detail = "bundle of " + std::to_string(pb.size) + " bytes exceeds the 64 MiB limit";
      break;
    case fb::GitRejectReason::MissingPrerequisites:
      detail = "prerequisite commit " + rng.Hex(20) + " is not in the repository";
      break;
    case fb::GitRejectReason::BadFormat: detail = "not a v2 git bundle: bad header"; break;
    case fb::GitRejectReason::NotMember: detail = "sender is not a member of the workspace"; break;
    case fb::GitRejectReason::RefConflict: detail = "refs/heads/main would not fast-forward"; break;
    case fb::GitRejectReason::VerifyFailed:
      detail = "git bundle verify failed: object " + rng.Hex(20) + " missing";
      break;
    default: break;
  }
  const int64_t ts = Tick();
  const auto id = S(w.id);
  const auto bid = S(pb.id);
  const auto from = S(Did(pb.from));
  const auto det = S(detail);
  Emit(ts, fb::Event::GitBundleRejected, fb::CreateGitBundleRejected(F(), id, bid, from, pb.fate, det));
  return true;
}

// Pending bundles are decided first; members stay listed (lango: archive from any state).
void Generator::ArchiveWorkspace(size_t index) {
  Workspace& w = workspaces[index];
  while (!w.pending.empty()) ResolveBundle(w, 0);
  const int64_t ts = Tick();
  const auto id = S(w.id);
  Emit(ts, fb::Event::WorkspaceArchived, fb::CreateWorkspaceArchived(F(), id));
  workspaces.erase(workspaces.begin() + static_cast<std::ptrdiff_t>(index));
}

}  // namespace sov::node::workload_internal
