// `sov p2p team list` and `sov p2p team status ID`: teams, their members and tasks (from the teams view).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.h"
#include "pipeline/teams_view.h"
#include "pipeline/view_codec.h"

namespace sov::cli {

namespace {

using pipeline::SnakeCase;

nlohmann::json MemberJson(const pipeline::TeamMemberInfo& m) {
  return {{"did", m.did},
          {"role", SnakeCase(fb::EnumNameTeamRole(m.role))},
          {"status", SnakeCase(fb::EnumNameMemberStatus(m.status))},
          {"joinedAt", JsonTime(m.joined_at_ns)},
          {"leftAt", JsonTime(m.left_at_ns)},
          {"leftReason", m.left_reason}};
}

nlohmann::json TeamJson(const pipeline::TeamInfo& t) {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& m : t.members) members.push_back(MemberJson(m));
  return {{"id", t.team_id},
          {"name", t.name},
          {"goal", t.goal},
          {"leaderDid", t.leader_did},
          {"status", SnakeCase(fb::EnumNameTeamStatus(t.status))},
          {"maxMembers", t.max_members},
          {"budget", t.budget},
          {"spent", t.spent},
          {"currency", t.currency},
          {"tasksDelegated", t.tasks_delegated},
          {"tasksSucceeded", t.tasks_succeeded},
          {"tasksFailed", t.tasks_failed},
          {"createdAt", JsonTime(t.formed_at_ns)},
          {"disbandedAt", JsonTime(t.disbanded_at_ns)},
          {"disbandReason", t.disband_reason},
          {"members", members}};
}

nlohmann::json TaskJson(const pipeline::TeamTaskInfo& k) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : k.results) {
    results.push_back({{"memberDid", r.member_did},
                       {"success", r.success},
                       {"error", r.error},
                       {"durationMs", r.duration_ms},
                       {"cost", r.cost}});
  }
  return {{"taskId", k.task_id},
          {"tool", k.tool},
          {"workers", k.workers},
          {"status", SnakeCase(fb::EnumNameTaskStatus(k.status))},
          {"strategy", k.strategy == fb::ConflictStrategy::Unknown ? nlohmann::json(nullptr)  // not resolved
                                                                   : nlohmann::json(SnakeCase(fb::EnumNameConflictStrategy(k.strategy)))},
          {"winnerDid", k.winner_did},
          {"results", results},
          {"delegatedAt", JsonTime(k.delegated_at_ns)},
          {"updatedAt", JsonTime(k.updated_at_ns)}};
}

int List(Context& ctx) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto teams = pipeline::ListTeams((*h)->db());
  if (!teams.ok()) return Fail(teams.status());
  if (ctx.json) {
    PrintJson(JsonArray(*teams, TeamJson));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : *teams) {
    rows.push_back({t.team_id, t.name, SnakeCase(fb::EnumNameTeamStatus(t.status)), OrDash(t.leader_did),
                    std::to_string(t.ActiveMembers()), std::to_string(t.tasks_delegated), FormatAmount(t.budget),
                    FormatAmount(t.spent)});
  }
  PrintTable({"ID", "NAME", "STATUS", "LEADER", "MEMBERS", "TASKS", "BUDGET", "SPENT"}, rows);
  return 0;
}

int Show(Context& ctx, const std::string& id) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto team = pipeline::GetTeam((*h)->db(), id);
  if (!team.ok()) return Fail(team.status());
  if (!team->has_value()) return Fail("no team '" + id + "'");
  const pipeline::TeamInfo& t = **team;
  auto tasks = pipeline::ListTeamTasks((*h)->db(), id);
  if (!tasks.ok()) return Fail(tasks.status());
  if (ctx.json) {
    nlohmann::json out = TeamJson(t);
    out["tasks"] = JsonArray(*tasks, TaskJson);
    PrintJson(out);
    return 0;
  }
  PrintFields({{"ID", t.team_id},
               {"NAME", OrDash(t.name)},
               {"GOAL", OrDash(t.goal)},
               {"STATUS", SnakeCase(fb::EnumNameTeamStatus(t.status))},
               {"LEADER", OrDash(t.leader_did)},
               {"MAX MEMBERS", t.max_members == 0 ? "unlimited" : std::to_string(t.max_members)},
               {"BUDGET", FormatAmount(t.budget) + (t.currency.empty() ? "" : " " + t.currency)},
               {"SPENT", FormatAmount(t.spent) + (t.currency.empty() ? "" : " " + t.currency)},
               {"TASKS", std::to_string(t.tasks_delegated) + " delegated, " + std::to_string(t.tasks_succeeded) +
                             " succeeded, " + std::to_string(t.tasks_failed) + " failed"},
               {"CREATED", FormatTime(t.formed_at_ns)},
               {"DISBANDED", FormatTime(t.disbanded_at_ns) + (t.disband_reason.empty() ? "" : " (" + t.disband_reason + ")")}});
  std::cout << '\n';
  std::vector<std::vector<std::string>> members;
  for (const auto& m : t.members) {
    members.push_back({m.did, SnakeCase(fb::EnumNameTeamRole(m.role)), SnakeCase(fb::EnumNameMemberStatus(m.status)),
                       FormatTime(m.joined_at_ns)});
  }
  PrintTable({"DID", "ROLE", "STATUS", "JOINED"}, members);
  std::cout << '\n';
  std::vector<std::vector<std::string>> rows;
  for (const auto& k : *tasks) {
    rows.push_back({k.task_id, OrDash(k.tool), SnakeCase(fb::EnumNameTaskStatus(k.status)), std::to_string(k.workers.size()),
                    std::to_string(k.results.size()),
                    k.strategy == fb::ConflictStrategy::Unknown ? "-" : SnakeCase(fb::EnumNameConflictStrategy(k.strategy)),
                    OrDash(k.winner_did),
                    FormatTime(k.delegated_at_ns)});
  }
  PrintTable({"TASK", "TOOL", "STATUS", "WORKERS", "RESULTS", "STRATEGY", "WINNER", "DELEGATED"}, rows);
  return 0;
}

}  // namespace

void AddP2pTeamCommands(CLI::App& p2p, Context& ctx) {
  auto* team = p2p.add_subcommand("team", "Agent teams, their members and delegated tasks (from the teams view)");
  team->require_subcommand(1);
  auto* list = team->add_subcommand("list", "Every team with its status, active members, tasks and spend");
  list->callback([&ctx] { ctx.exit_code = List(ctx); });
  auto* status = team->add_subcommand("status", "One team: its fields, members and tasks");
  auto id = std::make_shared<std::string>();
  status->add_option("id", *id, "Team id")->required();
  status->callback([&ctx, id] { ctx.exit_code = Show(ctx, *id); });
}

}  // namespace sov::cli
