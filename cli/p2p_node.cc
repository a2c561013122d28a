// `sov p2p status|identity|connect|disconnect|ping`: questions and orders for the running node,
// through its control socket. With no node running each says so and how to start one.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.h"
#include "cli/control_client.h"
#include "node/identity/peer_id.h"
#include "store/base/crypto.h"

namespace sov::cli {

namespace {

using nlohmann::json;

std::vector<std::string> Strings(const json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& s : j) out.push_back(s.get<std::string>());
  }
  return out;
}

int Status(Context& ctx) {
  auto r = CallNode(ctx, {{"cmd", "status"}});
  if (!r.ok()) return Fail(r.status());
  json& s = *r;
  s.erase("ok");
  if (ctx.json) {
    PrintJson(s);
    return 0;
  }
  std::vector<std::string> on, off;
  for (auto& [name, enabled] : s["features"].items()) (enabled.get<bool>() ? on : off).push_back(name);
  PrintFields({{"peer id", s["peerId"]},
               {"did", s["did"]},
               {"version", s["version"]},
               {"listening", JoinComma(Strings(s["listenAddrs"]), "-")},
               {"peers", std::to_string(s["connectedPeers"].get<size_t>()) + " connected / " +
                             std::to_string(s["maxPeers"].get<size_t>()) + " max (trim to " +
                             std::to_string(s["lowWatermark"].get<size_t>()) + ")"},
               {"protocols", JoinComma(Strings(s["protocols"]), "-")},
               {"started", FormatTime(s["startedAtNs"].get<int64_t>())},
               {"events", std::to_string(s["eventsRecorded"].get<uint64_t>()) + " recorded since start"},
               {"features on", JoinComma(on, "-")},
               {"features off", JoinComma(off, "-")}});
  return 0;
}

// Works without a running node too: the key gives peer id and DID; listen addresses need the node.
int Identity(Context& ctx) {
  auto home = ctx.home();
  json id;
  auto r = CallNode(ctx, {{"cmd", "identity"}});
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
  PrintFields({{"peer id", id["peerId"]},
               {"did", id["did"]},
               {"key file", id["keyFile"]},
               {"listening", id["running"].get<bool>() ? JoinComma(Strings(id["listenAddrs"]), "-")
                                                       : "- (no node running)"}});
  return 0;
}

int Connect(Context& ctx, const std::string& addr) {
  auto r = CallNode(ctx, {{"cmd", "connect"}, {"addr", addr}});
  if (!r.ok()) return Fail(r.status());
  const json& p = (*r)["peer"];
  if (ctx.json) {
    PrintJson(p);
  } else {
    std::cout << "connected to " << p["peerId"].get<std::string>() << " (" << p["address"].get<std::string>()
              << ", " << p["direction"].get<std::string>() << ")" << std::endl;
  }
  return 0;
}

int Disconnect(Context& ctx, const std::string& peer) {
  auto r = CallNode(ctx, {{"cmd", "disconnect"}, {"peer", peer}});
  if (!r.ok()) return Fail(r.status());
  if (ctx.json) {
    r->erase("ok");
    PrintJson(*r);
  } else {
    std::cout << "disconnected " << (*r)["peerId"].get<std::string>() << std::endl;
  }
  return 0;
}

int Ping(Context& ctx, const std::string& peer) {
  auto r = CallNode(ctx, {{"cmd", "ping"}, {"peer", peer}});
  if (!r.ok()) return Fail(r.status());
  if (ctx.json) {
    r->erase("ok");
    PrintJson(*r);
  } else {
    std::cout << (*r)["peerId"].get<std::string>() << ": " << (*r)["rttNs"].get<int64_t>() / 1000 << " us"
              << std::endl;
  }
  return 0;
}

}  // namespace

void AddP2pNodeCommands(CLI::App& p2p, Context& ctx) {
  p2p.add_subcommand("status", "The running node: peer id, listen addresses, peers, features")
      ->callback([&ctx] { ctx.exit_code = Status(ctx); });
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
