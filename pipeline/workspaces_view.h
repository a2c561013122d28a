// The workspaces view (lango §7): each workspace with its lifecycle, its members and every member's
// contributions (§7.4: commits, code bytes, messages, last activity), kept per DID and persisted
// here (lango keeps them in memory and once counts a team id as a DID). Projector plus the queries
// `sov p2p workspace` uses.
//
// Key = workspace id. Fold rules:
//  - workspace.created → Forming, the creator an active Creator member; a repeated id is ignored.
//    Events naming an unknown workspace are ignored.
//  - member_joined → the member active (idempotent; a rejoin after leaving reactivates it with the
//    new join time and keeps its contributions); with ≥ 2 active members a Forming workspace
//    becomes Active. member_left → inactive, left_at. Membership comes only from member_* events.
//  - message_posted (any type, MEMBER_JOINED/MEMBER_LEFT included) → messages++ on the workspace and,
//    if the sender is a recorded member, on that member with its last activity. A non-member's
//    message creates no member.
//  - git.bundle_created → the author's commits and code bytes (bundle size); git.bundle_applied →
//    bundles_applied++ and the sender's commits and code bytes; git.bundle_rejected →
//    bundles_rejected++.
//  - workspace.archived → Archived. Afterwards messages and membership changes are ignored (lango
//    rejects posts to an archived workspace); git outcomes are still counted.
//  - updated_at = time of the last event that changed the record. At most kMaxWorkspaceMembers
//    members are recorded; joins of new DIDs beyond that are not.
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

inline constexpr size_t kMaxWorkspaceMembers = 256;

struct WorkspaceMemberInfo {
  std::string did;
  fb::WorkspaceRole role = fb::WorkspaceRole::Unknown;
  bool active = false;
  int64_t joined_at_ns = 0, left_at_ns = 0;
  // Contributions.
  uint64_t commits = 0, code_bytes = 0, messages = 0;
  int64_t last_active_ns = 0;
  bool operator==(const WorkspaceMemberInfo&) const = default;
};

struct WorkspaceInfo {
  std::string workspace_id, name, goal, creator_did;
  fb::WorkspaceStatus status = fb::WorkspaceStatus::Unknown;
  std::vector<WorkspaceMemberInfo> members;  // in the order they first joined
  uint64_t messages = 0, bundles_applied = 0, bundles_rejected = 0;
  int64_t created_at_ns = 0, updated_at_ns = 0, archived_at_ns = 0;

  size_t ActiveMembers() const;
  bool operator==(const WorkspaceInfo&) const = default;
};

std::unique_ptr<Projector> MakeWorkspacesProjector();

// Every workspace, in workspace id order.
Result<std::vector<WorkspaceInfo>> ListWorkspaces(const store::Db& db);
Result<std::optional<WorkspaceInfo>> GetWorkspace(const store::Db& db, std::string_view workspace_id);

}  // namespace sov::pipeline
