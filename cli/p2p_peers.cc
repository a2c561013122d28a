// `sov p2p peers`: every peer the node has seen (from the peers view): identity, agent card, what it
// said over identify, connection state, disconnects and addresses. `--offline` reads the view from
// the log (the only mode until the node's control socket answers this command); RunPeersOffline is
// that mode, for the online path to fall back to.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/context.h"
#include "pipeline/peers_view.h"
#include "pipeline/rdf_terms.h"

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

void AddP2pPeersCommand(CLI::App& p2p, Context& ctx) {
  auto* cmd = p2p.add_subcommand("peers", "Known peers: identity, agent card, identify, connection state (peers view)");
  auto offline = std::make_shared<bool>(false);
  cmd->add_flag("--offline", *offline, "Read the peers view from the log, not from a running node");
  // Offline is the only mode for now: the flag is accepted and changes nothing yet. The callback
  // holds `offline` so the flag's bool lives as long as the command; the online path will read it.
  cmd->callback([&ctx, offline] { ctx.exit_code = RunPeersOffline(ctx, ctx.json); });
}

}  // namespace sov::cli
