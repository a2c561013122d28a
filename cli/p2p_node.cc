// `sov p2p status|identity|connect|disconnect|ping`: questions and orders for the running node,
// through its control socket. With no node running each says so and how to start one.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.h"
#include "cli/control_client.h"
#include "node/gateway/control/fields.h"
#include "node/identity/peer_id.h"
#include "node/p2p/wire/multiaddr.h"
#include "store/base/crypto.h"

namespace sov::cli {

namespace {

using nlohmann::json;
using node::control::GetBool;
using node::control::GetInt;
using node::control::GetObject;
using node::control::GetString;
using node::control::GetStrings;
using node::control::GetUint;
using Fields = std::vector<std::pair<std::string, std::string>>;

// Prints `fields`, or fails with the error that kept them from being read.
int PrintOrFail(const Result<Fields>& fields) {
  if (!fields.ok()) return Fail(fields.status());
  PrintFields(*fields);
  return 0;
}

Result<Fields> StatusFields(const json& s) {
  SOV_ASSIGN_OR_RETURN(json features, GetObject(s, "features"));
  std::vector<std::string> on, off;
  for (auto& [name, enabled] : features.items()) {
    if (!enabled.is_boolean()) {
      return sov::Status::Corruption("the node's answer to 'status': feature \"" + name + "\" must be a boolean");
    }
    (enabled.get<bool>() ? on : off).push_back(name);
  }
  SOV_ASSIGN_OR_RETURN(std::string peer_id, GetString(s, "peerId"));
  SOV_ASSIGN_OR_RETURN(std::string did, GetString(s, "did"));
  SOV_ASSIGN_OR_RETURN(std::string version, GetString(s, "version"));
  SOV_ASSIGN_OR_RETURN(std::vector<std::string> listen, GetStrings(s, "listenAddrs"));
  SOV_ASSIGN_OR_RETURN(uint64_t connected, GetUint(s, "connectedPeers"));
  SOV_ASSIGN_OR_RETURN(uint64_t max_peers, GetUint(s, "maxPeers"));
  SOV_ASSIGN_OR_RETURN(uint64_t low_watermark, GetUint(s, "lowWatermark"));
  SOV_ASSIGN_OR_RETURN(std::vector<std::string> protocols, GetStrings(s, "protocols"));
  SOV_ASSIGN_OR_RETURN(int64_t started_at_ns, GetInt(s, "startedAtNs"));
  SOV_ASSIGN_OR_RETURN(uint64_t events, GetUint(s, "eventsRecorded"));
  return Fields{{"peer id", peer_id},
                {"did", did},
                {"version", version},
                {"listening", JoinComma(listen, "-")},
                {"peers", std::to_string(connected) + " connected / " + std::to_string(max_peers) + " max (trim to " +
                              std::to_string(low_watermark) + ")"},
                {"protocols", JoinComma(protocols, "-")},
                {"started", FormatTime(started_at_ns)},
                {"events", std::to_string(events) + " recorded since start"},
                {"features on", JoinComma(on, "-")},
                {"features off", JoinComma(off, "-")}};
}

int ShowStatus(Context& ctx) {
  auto r = CallCommand(ctx, node::control::kStatus);
  if (!r.ok()) return Fail(r.status());
  json& s = *r;
  s.erase("ok");
  if (ctx.json) {
    PrintJson(s);
    return 0;
  }
  return PrintOrFail(StatusFields(s));
}

Result<Fields> IdentityFields(const json& id) {
  SOV_ASSIGN_OR_RETURN(std::string peer_id, GetString(id, "peerId"));
  SOV_ASSIGN_OR_RETURN(std::string did, GetString(id, "did"));
  SOV_ASSIGN_OR_RETURN(std::string key_file, GetString(id, "keyFile"));
  SOV_ASSIGN_OR_RETURN(bool running, GetBool(id, "running"));
  SOV_ASSIGN_OR_RETURN(std::vector<std::string> listen, GetStrings(id, "listenAddrs"));
  return Fields{{"peer id", peer_id},
                {"did", did},
                {"key file", key_file},
                {"listening", running ? JoinComma(listen, "-") : "- (no node running)"}};
}

// Works without a running node too: the key gives peer id and DID; listen addresses need the node.
int Identity(Context& ctx) {
  auto home = ctx.home();
  json id;
  auto r = CallCommand(ctx, node::control::kIdentity);
  if (r.ok()) {
    id = *r;
    id.erase("ok");
  } else if (r.status().IsNotFound()) {
    auto key = identity::Keystore::Load(home.key());
    if (!key.ok()) return Fail(key.status());
    id = {{"peerId", identity::PeerId::FromEd25519((*key)->public_key()).ToString()},
          {"did", (*key)->did()},
          {"keyFile", home.key()},
          {"listenAddrs", json::array()},
          {"running", false}};
  } else {
    return Fail(r.status());
  }
  if (!id.contains("running")) id["running"] = true;
  if (ctx.json) {
    PrintJson(id);
    return 0;
  }
  return PrintOrFail(IdentityFields(id));
}

Result<std::string> ConnectedLine(const json& response) {
  SOV_ASSIGN_OR_RETURN(json p, GetObject(response, "peer"));
  SOV_RETURN_IF_ERROR(node::control::CheckFields(p, node::control::spec::kConnection, "the node's answer to 'connect'"));
  SOV_ASSIGN_OR_RETURN(std::string peer_id, GetString(p, "peerId"));
  SOV_ASSIGN_OR_RETURN(std::string address, GetString(p, "address"));
  SOV_ASSIGN_OR_RETURN(std::string direction, GetString(p, "direction"));
  return "connected to " + peer_id + " (" + address + ", " + direction + ")";
}

int Connect(Context& ctx, const std::string& addr) {
  // Not a multiaddr at all is the user's mistake; one without a transport is the node's to report
  // (and record as peer.dial_failed).
  if (auto parsed = p2p::Multiaddr::Parse(addr); !parsed.ok()) return Fail(parsed.status());
  auto r = CallCommand(ctx, node::control::kConnect, {{"addr", addr}});
  if (!r.ok()) return Fail(r.status());
  if (ctx.json) {
    PrintJson((*r)["peer"]);
    return 0;
  }
  auto line = ConnectedLine(*r);
  if (!line.ok()) return Fail(line.status());
  std::cout << *line << std::endl;
  return 0;
}

int Disconnect(Context& ctx, const std::string& peer) {
  if (auto parsed = identity::PeerId::ParsePeerOrDid(peer); !parsed.ok()) return Fail(parsed.status());
  auto r = CallCommand(ctx, node::control::kDisconnect, {{"peer", peer}});
  if (!r.ok()) return Fail(r.status());
  if (ctx.json) {
    r->erase("ok");
    PrintJson(*r);
    return 0;
  }
  auto peer_id = GetString(*r, "peerId");
  if (!peer_id.ok()) return Fail(peer_id.status());
  std::cout << "disconnected " << *peer_id << std::endl;
  return 0;
}

int Ping(Context& ctx, const std::string& peer) {
  // A bad name is the user's mistake whether or not a node runs: say so first.
  if (auto parsed = identity::PeerId::ParsePeerOrDid(peer); !parsed.ok()) return Fail(parsed.status());
  auto r = CallCommand(ctx, node::control::kPing, {{"peer", peer}});
  if (!r.ok()) return Fail(r.status());
  if (ctx.json) {
    r->erase("ok");
    PrintJson(*r);
    return 0;
  }
  auto peer_id = GetString(*r, "peerId");
  if (!peer_id.ok()) return Fail(peer_id.status());
  auto rtt = GetInt(*r, "rttNs");
  if (!rtt.ok()) return Fail(rtt.status());
  std::cout << *peer_id << ": " << *rtt / 1000 << " us" << std::endl;
  return 0;
}

}  // namespace

void AddP2pNodeCommands(CLI::App& p2p, Context& ctx) {
  p2p.add_subcommand("status", "The running node: peer id, listen addresses, peers, features")
      ->callback([&ctx] { ctx.exit_code = ShowStatus(ctx); });
  p2p.add_subcommand("identity", "Peer id, DID, key file and listen addresses")
      ->callback([&ctx] { ctx.exit_code = Identity(ctx); });
  auto addr = std::make_shared<std::string>();
  auto* connect = p2p.add_subcommand("connect", "Connect the running node to a peer");
  connect->add_option("multiaddr", *addr, "e.g. /ip4/127.0.0.1/tcp/9000/p2p/12D3KooW...")->required();
  connect->callback([&ctx, addr] { ctx.exit_code = Connect(ctx, *addr); });
  auto peer = std::make_shared<std::string>();
  auto* disconnect = p2p.add_subcommand("disconnect", "Close the running node's connections to a peer");
  disconnect->add_option("peer", *peer, "peer id (12D3KooW...) or did:key")->required();
  disconnect->callback([&ctx, peer] { ctx.exit_code = Disconnect(ctx, *peer); });
  auto ping_peer = std::make_shared<std::string>();
  auto* ping = p2p.add_subcommand("ping", "One /ipfs/ping/1.0.0 round trip to a connected peer");
  ping->add_option("peer", *ping_peer, "peer id (12D3KooW...) or did:key")->required();
  ping->callback([&ctx, ping_peer] { ctx.exit_code = Ping(ctx, *ping_peer); });
}

}  // namespace sov::cli
