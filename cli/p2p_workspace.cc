// `sov p2p workspace list` and `sov p2p workspace status ID`: workspaces and their members'
// contributions (from the workspaces view).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.h"
#include "pipeline/view_codec.h"
#include "pipeline/workspaces_view.h"

namespace sov::cli {

namespace {

using pipeline::SnakeCase;

nlohmann::json WorkspaceJson(const pipeline::WorkspaceInfo& w) {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& m : w.members) {
    members.push_back({{"did", m.did},
                       {"role", SnakeCase(fb::EnumNameWorkspaceRole(m.role))},
                       {"active", m.active},
                       {"joinedAt", JsonTime(m.joined_at_ns)},
                       {"leftAt", JsonTime(m.left_at_ns)},
                       {"commits", m.commits},
                       {"codeBytes", m.code_bytes},
                       {"messages", m.messages},
                       {"lastActive", JsonTime(m.last_active_ns)}});
  }
  return {{"id", w.workspace_id},
          {"name", w.name},
          {"goal", w.goal},
          {"status", SnakeCase(fb::EnumNameWorkspaceStatus(w.status))},
          {"creatorDid", w.creator_did},
          {"members", members},
          {"messages", w.messages},
          {"bundlesApplied", w.bundles_applied},
          {"bundlesRejected", w.bundles_rejected},
          {"createdAt", JsonTime(w.created_at_ns)},
          {"updatedAt", JsonTime(w.updated_at_ns)},
          {"archivedAt", JsonTime(w.archived_at_ns)}};
}

int List(Context& ctx) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto all = pipeline::ListWorkspaces((*h)->db());
  if (!all.ok()) return Fail(all.status());
  if (ctx.json) {
    PrintJson(JsonArray(*all, WorkspaceJson));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& w : *all) {
    rows.push_back({w.workspace_id, OrDash(w.name), SnakeCase(fb::EnumNameWorkspaceStatus(w.status)),
                    std::to_string(w.ActiveMembers()), std::to_string(w.messages), FormatTime(w.created_at_ns)});
  }
  PrintTable({"ID", "NAME", "STATUS", "MEMBERS", "MESSAGES", "CREATED"}, rows);
  return 0;
}

int Show(Context& ctx, const std::string& id) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto ws = pipeline::GetWorkspace((*h)->db(), id);
  if (!ws.ok()) return Fail(ws.status());
  if (!ws->has_value()) return Fail("no workspace '" + id + "'");
  const pipeline::WorkspaceInfo& w = **ws;
  if (ctx.json) {
    PrintJson(WorkspaceJson(w));
    return 0;
  }
  PrintFields({{"ID", w.workspace_id},
               {"NAME", OrDash(w.name)},
               {"GOAL", OrDash(w.goal)},
               {"STATUS", SnakeCase(fb::EnumNameWorkspaceStatus(w.status))},
               {"CREATOR", OrDash(w.creator_did)},
               {"MESSAGES", std::to_string(w.messages)},
               {"BUNDLES", std::to_string(w.bundles_applied) + " applied, " + std::to_string(w.bundles_rejected) +
                               " rejected"},
               {"CREATED", FormatTime(w.created_at_ns)},
               {"UPDATED", FormatTime(w.updated_at_ns)},
               {"ARCHIVED", FormatTime(w.archived_at_ns)}});
  std::cout << '\n';
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : w.members) {
    rows.push_back({m.did, SnakeCase(fb::EnumNameWorkspaceRole(m.role)), m.active ? "yes" : "no", std::to_string(m.commits),
                    std::to_string(m.code_bytes), std::to_string(m.messages), FormatTime(m.last_active_ns)});
  }
  PrintTable({"DID", "ROLE", "ACTIVE", "COMMITS", "CODE BYTES", "MESSAGES", "LAST ACTIVE"}, rows);
  return 0;
}

}  // namespace

void AddP2pWorkspaceCommands(CLI::App& p2p, Context& ctx) {
  auto* ws = p2p.add_subcommand("workspace", "Shared workspaces and members' contributions (from the workspaces view)");
  ws->require_subcommand(1);
  auto* list = ws->add_subcommand("list", "Every workspace with its status, active members and messages");
  list->callback([&ctx] { ctx.exit_code = List(ctx); });
  auto* status = ws->add_subcommand("status", "One workspace: its fields and each member's contributions");
  auto id = std::make_shared<std::string>();
  status->add_option("id", *id, "Workspace id")->required();
  status->callback([&ctx, id] { ctx.exit_code = Show(ctx, *id); });
}

}  // namespace sov::cli
