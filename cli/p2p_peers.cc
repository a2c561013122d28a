// `sov p2p peers`: every peer the node has seen (from the peers view): identity, agent card,
// connection state and addresses.
#include <CLI/CLI.hpp>

#include "cli/context.h"
#include "pipeline/peers_view.h"

namespace sov::cli {

namespace {

nlohmann::json ToJson(const pipeline::PeerInfo& p) {
  return {{"peerDid", p.peer_did},
          {"peerId", p.peer_id},
          {"name", p.name},
          {"description", p.description},
          {"capabilities", p.capabilities},
          {"addresses", p.addresses},
          {"connected", p.connected},
          {"connections", p.connections},
          {"handshakes", p.handshakes},
          {"handshakeDenials", p.handshake_denials},
          {"firstSeen", FormatTime(p.first_seen_ns)},
          {"lastSeen", FormatTime(p.last_seen_ns)},
          {"cardReceivedAt", FormatTime(p.card_received_at_ns)}};
}

const std::vector<std::string> kHeader = {"PEER DID", "PEER ID", "NAME", "CONNECTED", "ADDRESSES", "LAST SEEN"};

int Run(Context& ctx) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto peers = pipeline::ListPeers((*h)->db());
  if (!peers.ok()) return Fail(peers.status());
  if (ctx.json) {
    PrintJson(JsonArray(*peers, ToJson));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : *peers) {
    rows.push_back({p.peer_did, OrDash(p.peer_id), OrDash(p.name), p.connected ? "yes" : "no", JoinComma(p.addresses, "-"),
                    FormatTime(p.last_seen_ns)});
  }
  PrintTable(kHeader, rows);
  return 0;
}

}  // namespace

void AddP2pPeersCommand(CLI::App& p2p, Context& ctx) {
  auto* cmd = p2p.add_subcommand("peers", "Known peers: identity, agent card, connection state (from the peers view)");
  cmd->callback([&ctx] { ctx.exit_code = Run(ctx); });
}

}  // namespace sov::cli
