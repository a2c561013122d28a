// `sov p2p peers`: every peer the node has seen (from the peers view): identity, agent card, what it
// said over identify, connection state, disconnects and addresses. Without `--offline` it asks the
// running node for its live connections; `--offline` reads the peers view from the log (works with
// or without a node).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/context.h"
#include "cli/control_client.h"
#include "node/gateway/control/fields.h"
#include "pipeline/peers_view.h"
#include "pipeline/triples/rdf_terms.h"

namespace sov::cli {

namespace {

// Peer-supplied text may be any bytes; JSON strings must be valid UTF-8.
std::string Clean(const std::string& s) { return pipeline::SanitizeUtf8(s); }
std::vector<std::string> Clean(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& s : v) out.push_back(Clean(s));
  return out;
}

nlohmann::json ToJson(const pipeline::PeerInfo& p) {
  return {{"peerDid", Clean(p.peer_did)},
          {"peerId", Clean(p.peer_id)},
          {"name", Clean(p.name)},
          {"description", Clean(p.description)},
          {"capabilities", Clean(p.capabilities)},
          {"addresses", Clean(p.addresses)},
          {"connected", p.connected},
          {"connections", p.connections},
          {"handshakes", p.handshakes},
          {"handshakeDenials", p.handshake_denials},
          {"firstSeen", FormatTime(p.first_seen_ns)},
          {"lastSeen", FormatTime(p.last_seen_ns)},
          {"cardReceivedAt", FormatTime(p.card_received_at_ns)},
          {"agentVersion", Clean(p.agent_version)},
          {"protocolVersion", Clean(p.protocol_version)},
          {"protocols", Clean(p.protocols)},
          {"observedAddr", Clean(p.observed_addr)},
          {"identifiedAt", FormatTime(p.identified_at_ns)},
          {"disconnects", p.disconnects},
          {"lastDisconnectReason", p.last_disconnect_reason},
          {"lastDisconnectDetail", Clean(p.last_disconnect_detail)}};
}

const std::vector<std::string> kHeader = {"PEER DID", "PEER ID",   "NAME",      "AGENT",
                                          "PROTOCOLS", "CONNECTED", "ADDRESSES", "LAST SEEN"};

}  // namespace

int RunPeersOffline(Context& ctx, bool json) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto peers = pipeline::ListPeers((*h)->db());
  if (!peers.ok()) return Fail(peers.status());
  if (json) {
    PrintJson(JsonArray(*peers, ToJson));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : *peers) {
    rows.push_back({p.peer_did, OrDash(p.peer_id), OrDash(p.name), OrDash(p.agent_version),
                    std::to_string(p.protocols.size()), p.connected ? "yes" : "no", JoinComma(p.addresses, "-"),
                    FormatTime(p.last_seen_ns)});
  }
  PrintTable(kHeader, rows);
  return 0;
}

// One table row for a connection the node reported; an error names the missing or mistyped field.
Result<std::vector<std::string>> ConnectionRow(const nlohmann::json& p) {
  using namespace node::control;
  SOV_RETURN_IF_ERROR(CheckFields(p, spec::kConnection, "the node's answer to 'peers'"));
  SOV_ASSIGN_OR_RETURN(std::string peer_id, GetString(p, "peerId"));
  SOV_ASSIGN_OR_RETURN(std::string direction, GetString(p, "direction"));
  SOV_ASSIGN_OR_RETURN(std::string address, GetString(p, "address"));
  SOV_ASSIGN_OR_RETURN(std::string agent, GetString(p, "agentVersion"));
  SOV_ASSIGN_OR_RETURN(nlohmann::json protocols, GetArray(p, "protocols"));
  SOV_ASSIGN_OR_RETURN(int64_t streams, GetInt(p, "streams"));
  SOV_ASSIGN_OR_RETURN(int64_t opened_at_ns, GetInt(p, "openedAtNs"));
  return std::vector<std::string>{peer_id, direction, address, OrDash(agent), std::to_string(protocols.size()),
                                  std::to_string(streams), FormatTime(opened_at_ns)};
}

// The running node's connections, as its control socket reports them.
int RunPeersOnline(Context& ctx) {
  auto r = CallCommand(ctx, node::control::kPeers);
  if (!r.ok()) {
    if (r.status().IsNotFound()) return Fail(r.status().message() + "; `sov p2p peers --offline` reads the log");
    return Fail(r.status());
  }
  const nlohmann::json& peers = (*r)["peers"];
  if (ctx.json) {
    PrintJson(peers);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : peers) {
    auto row = ConnectionRow(p);
    if (!row.ok()) return Fail(row.status());
    rows.push_back(std::move(*row));
  }
  PrintTable({"PEER ID", "DIRECTION", "ADDRESS", "AGENT", "PROTOCOLS", "STREAMS", "SINCE"}, rows);
  return 0;
}

void AddP2pPeersCommand(CLI::App& p2p, Context& ctx) {
  auto* cmd = p2p.add_subcommand("peers", "Known peers: identity, agent card, identify, connection state (peers view)");
  auto offline = std::make_shared<bool>(false);
  cmd->add_flag("--offline", *offline, "Read the peers view from the log, not from a running node");
  cmd->callback([&ctx, offline] { ctx.exit_code = *offline ? RunPeersOffline(ctx, ctx.json) : RunPeersOnline(ctx); });
}

}  // namespace sov::cli
