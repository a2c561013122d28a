// `sov p2p session list [--all]`: sessions from the sessions view. By default only sessions active
// now (like lango); --all adds expired and revoked ones. Expiry is judged against the wall clock here.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "pipeline/sessions_view.h"
#include "store/base/bytes.h"
#include "store/base/clock.h"

namespace sov::cli {

namespace {

nlohmann::json ToJson(const pipeline::SessionInfo& s, pipeline::SessionStatus status) {
  return {{"peerDid", s.peer_did},
          {"status", pipeline::SessionStatusName(status)},
          {"createdAt", FormatTime(s.created_at_ns)},
          {"expiresAt", FormatTime(s.expires_at_ns)},
          {"endedAt", FormatTime(s.ended_at_ns)},
          {"reason", s.revoke_reason},
          {"tokenHash", ToHex(s.token_hash)}};
}

std::vector<std::string> Row(const pipeline::SessionInfo& s, pipeline::SessionStatus status) {
  return {s.peer_did,
          std::string(pipeline::SessionStatusName(status)),
          FormatTime(s.created_at_ns),
          FormatTime(s.expires_at_ns),
          FormatTime(s.ended_at_ns),
          OrDash(s.revoke_reason)};
}

const std::vector<std::string> kHeader = {"PEER DID", "STATUS", "CREATED", "EXPIRES", "ENDED", "REASON"};

int List(Context& ctx, bool all) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto sessions = pipeline::ListSessions((*h)->db());
  if (!sessions.ok()) return Fail(sessions.status());
  const int64_t now = WallClockNs();
  nlohmann::json arr = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *sessions) {
    const pipeline::SessionStatus status = pipeline::StatusAt(s, now);
    if (!all && status != pipeline::SessionStatus::kActive) continue;
    arr.push_back(ToJson(s, status));
    rows.push_back(Row(s, status));
  }
  if (ctx.json) {
    PrintJson(arr);
  } else {
    PrintTable(kHeader, rows);
  }
  return 0;
}

}  // namespace

void AddP2pSessionCommands(CLI::App& p2p, Context& ctx) {
  auto* session = p2p.add_subcommand("session", "Authenticated sessions with peers (from the sessions view)");
  session->require_subcommand(1);
  auto* list = session->add_subcommand("list", "List sessions (active ones unless --all)");
  auto all = std::make_shared<bool>(false);
  list->add_flag("--all", *all, "Include expired and revoked sessions");
  list->callback([&ctx, all] { ctx.exit_code = List(ctx, *all); });
}

}  // namespace sov::cli
