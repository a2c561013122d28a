// End to end: real `sov node run` processes on loopback, driven by the `sov p2p` CLI through their
// control sockets. Connect, ping, disconnect (by peer id and by did:key), reconnect; owner-only
// socket and home; the one-line answer when no node runs; SIGTERM and SIGINT stop cleanly with a
// log that verifies and tells the whole story up to a signed checkpoint; bootstrap from the config
// file; a refused dial reported and logged; the peers view read from the log after the nodes stopped.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "support/sov_node.h"
#include "support/test_util.h"

namespace sov {
namespace {

using nlohmann::json;
using testing::LogEvents;
using testing::OfType;
using testing::RunResult;
using testing::SovNode;

// A failing command prints exactly one line on stderr, starting with "sov: ", and nothing on stdout.
void ExpectOneLineFailure(const RunResult& r, const std::string& needle) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("sov: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
}

// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return -1;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode;
}

class NodeE2e : public ::testing::Test {
 protected:
  std::string Home(const std::string& name) const { return dir_.Sub(name); }
  // The last record of the log is a signed checkpoint covering node.stopped, signed by `did`.
  static void ExpectStoppedAndSigned(const std::vector<json>& events, const std::string& did, const std::string& reason) {
    ASSERT_GE(events.size(), 3u);
    const json& stopped = events[events.size() - 2];
    const json& checkpoint = events.back();
    EXPECT_EQ(stopped["type"], "node.stopped");
    EXPECT_EQ(stopped["payload"]["did"], did);
    EXPECT_NE(stopped["payload"]["reason"].get<std::string>().find(reason), std::string::npos) << stopped.dump();
    EXPECT_EQ(checkpoint["type"], "log.checkpoint_signed");
    EXPECT_EQ(checkpoint["payload"]["checkpoint_seq"], stopped["seq"]);
    EXPECT_EQ(checkpoint["payload"]["chain_hash"], stopped["chainHash"]);
    EXPECT_EQ(checkpoint["payload"]["signer_did"], did);
    EXPECT_EQ(checkpoint["payload"]["signature"].get<std::string>().size(), 128u);  // 64 bytes, hex
  }
  static void ExpectVerifies(const std::string& home, const std::string& did) {
    RunResult v = testing::Sov(home, {"log", "verify"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_EQ(v.out.rfind("ok: ", 0), 0u) << v.out;
    EXPECT_NE(v.out.find("signed by " + did), std::string::npos) << v.out;
    EXPECT_EQ(v.out.find("not yet covered"), std::string::npos) << v.out;  // the final checkpoint covers all
  }
  void StopsCleanlyWith(int signo, const std::string& reason);

  testing::TempDir dir_;
};

TEST_F(NodeE2e, ConnectPingDisconnectByPeerIdAndDidThenReconnect) {
  SovNode a(Home("a")), b(Home("b"));
  ASSERT_TRUE(a.ok() && b.ok());

  // Identity: the same node as status, a real loopback port.
  json id = b.CliJson({"p2p", "identity"});
  EXPECT_EQ(id["running"], true);
  EXPECT_EQ(id["peerId"], b.peer_id());
  EXPECT_EQ(id["did"], b.did());
  EXPECT_EQ(id["keyFile"], Home("b") + "/node.key");
  ASSERT_EQ(id["listenAddrs"].size(), 1u);
  const std::string listen = id["listenAddrs"][0];
  EXPECT_EQ(listen.rfind("/ip4/127.0.0.1/tcp/", 0), 0u) << listen;
  EXPECT_NE(listen, "/ip4/127.0.0.1/tcp/0");
  const std::string b_addr = listen + "/p2p/" + b.peer_id();
  EXPECT_EQ(a.ConnectedPeers(), 0);

  json peer = a.CliJson({"p2p", "connect", b_addr});
  EXPECT_EQ(peer["peerId"], b.peer_id());
  EXPECT_EQ(peer["did"], b.did());
  EXPECT_EQ(peer["direction"], "outbound");
  EXPECT_EQ(peer["address"], listen);
  EXPECT_EQ(a.ConnectedPeers(), 1);
  EXPECT_TRUE(b.WaitConnectedPeers(1)) << b.Stderr();

  RunResult ping = a.Cli({"p2p", "ping", b.peer_id()});
  EXPECT_EQ(ping.exit_code, 0) << ping.err;
  EXPECT_EQ(ping.out.rfind(b.peer_id() + ": ", 0), 0u) << ping.out;
  EXPECT_NE(ping.out.find(" us\n"), std::string::npos) << ping.out;
  json rtt = a.CliJson({"p2p", "ping", b.did()});  // by did:key too
  EXPECT_EQ(rtt["peerId"], b.peer_id());
  EXPECT_GT(rtt["rttNs"].get<int64_t>(), 0);

  // Disconnect by peer id: both ends see it.
  RunResult d1 = a.Cli({"p2p", "disconnect", b.peer_id()});
  EXPECT_EQ(d1.exit_code, 0) << d1.err;
  EXPECT_EQ(d1.out, "disconnected " + b.peer_id() + "\n");
  EXPECT_EQ(a.ConnectedPeers(), 0);
  EXPECT_TRUE(b.WaitConnectedPeers(0)) << b.Stderr();
  ExpectOneLineFailure(a.Cli({"p2p", "disconnect", b.peer_id()}), "not connected to " + b.peer_id());
  ExpectOneLineFailure(a.Cli({"p2p", "ping", b.peer_id()}), b.peer_id());

  // Reconnect, disconnect by did:key.
  EXPECT_EQ(a.CliJson({"p2p", "connect", b_addr})["peerId"], b.peer_id());
  EXPECT_TRUE(b.WaitConnectedPeers(1)) << b.Stderr();
  json d2 = a.CliJson({"p2p", "disconnect", b.did()});
  EXPECT_EQ(d2["peerId"], b.peer_id());
  EXPECT_EQ(d2["closed"], 1);
  EXPECT_EQ(a.ConnectedPeers(), 0);
  EXPECT_TRUE(b.WaitConnectedPeers(0)) << b.Stderr();

  // And once more: the connection is usable again.
  EXPECT_EQ(a.CliJson({"p2p", "connect", b_addr})["peerId"], b.peer_id());
  EXPECT_TRUE(b.WaitConnectedPeers(1)) << b.Stderr();
  EXPECT_EQ(a.Cli({"p2p", "ping", b.peer_id()}).exit_code, 0);

  // A's log: three outbound connections to b, two closed locally; b's: three inbound from a.
  auto a_log = testing::WaitLog(a.home(), [](const auto& log) {
    return testing::Count(log, "peer.connected") == 3 && testing::Count(log, "peer.disconnected") == 2;
  });
  auto connected = OfType(a_log, "peer.connected");
  ASSERT_EQ(connected.size(), 3u);
  for (const auto& e : connected) {
    EXPECT_EQ(e["payload"]["peer_id"], b.peer_id());
    EXPECT_EQ(e["payload"]["peer_did"], b.did());
    EXPECT_EQ(e["payload"]["inbound"], false);
    EXPECT_EQ(e["payload"]["address"], listen);
  }
  auto disconnected = OfType(a_log, "peer.disconnected");
  ASSERT_EQ(disconnected.size(), 2u);
  for (const auto& e : disconnected) EXPECT_EQ(e["payload"]["reason"], "ClosedLocally") << e.dump();
  auto b_connected = OfType(
      testing::WaitLog(b.home(), [](const auto& log) { return testing::Count(log, "peer.connected") == 3; }),
      "peer.connected");
  ASSERT_EQ(b_connected.size(), 3u);
  for (const auto& e : b_connected) {
    EXPECT_EQ(e["payload"]["peer_id"], a.peer_id());
    EXPECT_EQ(e["payload"]["inbound"], true);
  }
  EXPECT_EQ(a.Stop(SIGTERM), 0) << a.Stderr();
  EXPECT_EQ(b.Stop(SIGTERM), 0) << b.Stderr();
}

TEST_F(NodeE2e, ControlSocketIsOwnerOnlyAndNoNodeIsOneClearLine) {
  // No home at all yet.
  RunResult none = testing::Sov(Home("a"), {"p2p", "status"});
  ExpectOneLineFailure(none, "no node is running at " + Home("a"));
  EXPECT_NE(none.err.find("start one with: sov --home " + Home("a") + " node run"), std::string::npos) << none.err;

  {
    SovNode a(Home("a"));
    ASSERT_TRUE(a.ok());
    mode_t sock = Mode(Home("a") + "/node.sock");
    EXPECT_TRUE(S_ISSOCK(sock));
    EXPECT_EQ(sock & 07777, 0600u);
    mode_t home = Mode(Home("a"));
    EXPECT_TRUE(S_ISDIR(home));
    EXPECT_EQ(home & 07777, 0700u);
    EXPECT_EQ(Mode(Home("a") + "/node.key") & 07777, 0600u);
    EXPECT_EQ(a.Stop(SIGTERM), 0) << a.Stderr();
  }
  // Stopped: the socket is gone and every command says so in one line.
  EXPECT_FALSE(std::filesystem::exists(Home("a") + "/node.sock"));
  for (std::vector<std::string> args : {std::vector<std::string>{"p2p", "status"},
                                        {"--json", "p2p", "status"},
                                        {"p2p", "ping", "12D3KooWS2QZWaRFHzm5mriWY4SktaAEBBF8gaBLc5gzDVMEDZ6C"},
                                        {"p2p", "connect", "/ip4/127.0.0.1/tcp/1"}}) {
    RunResult r = testing::Sov(Home("a"), args);
    ExpectOneLineFailure(r, "no node is running at " + Home("a") + " (start one with: sov --home " + Home("a") +
                                " node run)");
  }
  // identity still answers from the key.
  json id = testing::SovJson(Home("a"), {"p2p", "identity"});
  EXPECT_EQ(id["running"], false);
  EXPECT_EQ(id["listenAddrs"], json::array());
}

// Stops `a` (connected to `b`) with `signo`: exit 0, the log verifies and has the whole story.
void NodeE2e::StopsCleanlyWith(int signo, const std::string& reason) {
  SovNode a(Home("a")), b(Home("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a.Cli({"p2p", "connect", b.addr()}).exit_code, 0);
  ASSERT_TRUE(b.WaitConnectedPeers(1));
  // Identify runs after the connection is up; wait until it is in the log.
  testing::WaitLog(a.home(), [](const auto& l) { return testing::Count(l, "peer.identified") == 1; });

  EXPECT_EQ(a.Stop(signo), 0) << a.Stderr();
  EXPECT_TRUE(b.WaitConnectedPeers(0)) << b.Stderr();
  ExpectVerifies(a.home(), a.did());

  auto log = LogEvents(a.home());
  ASSERT_GE(log.size(), 6u);
  EXPECT_EQ(log[0]["type"], "node.started");
  EXPECT_EQ(log[0]["payload"]["peer_id"], a.peer_id());
  EXPECT_EQ(log[0]["payload"]["did"], a.did());
  EXPECT_EQ(log[0]["payload"]["listen_addrs"].size(), 1u);
  auto connected = OfType(log, "peer.connected");
  ASSERT_EQ(connected.size(), 1u);
  EXPECT_EQ(connected[0]["payload"]["peer_id"], b.peer_id());
  auto identified = OfType(log, "peer.identified");
  ASSERT_EQ(identified.size(), 1u);
  const json& ident = identified[0]["payload"];
  EXPECT_EQ(ident["peer_id"], b.peer_id());
  EXPECT_EQ(ident["peer_did"], b.did());
  EXPECT_EQ(ident["agent_version"].get<std::string>().rfind("sov/", 0), 0u) << ident.dump();
  EXPECT_EQ(ident["protocols"], json::array({"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"}));
  auto disconnected = OfType(log, "peer.disconnected");
  ASSERT_EQ(disconnected.size(), 1u);
  EXPECT_EQ(disconnected[0]["payload"]["peer_id"], b.peer_id());
  EXPECT_EQ(disconnected[0]["payload"]["reason"], "Shutdown");
  EXPECT_LT(disconnected[0]["seq"].get<uint64_t>(), log[log.size() - 2]["seq"].get<uint64_t>());
  for (const auto& e : log) EXPECT_EQ(e["origin"], a.did());
  ExpectStoppedAndSigned(log, a.did(), reason);

  // b saw a go away as a close by the peer.
  EXPECT_EQ(b.Stop(signo), 0) << b.Stderr();
  ExpectVerifies(b.home(), b.did());
  auto b_log = LogEvents(b.home());
  auto b_disconnected = OfType(b_log, "peer.disconnected");
  ASSERT_EQ(b_disconnected.size(), 1u);
  EXPECT_EQ(b_disconnected[0]["payload"]["peer_id"], a.peer_id());
  EXPECT_EQ(b_disconnected[0]["payload"]["reason"], "ClosedByPeer") << b_disconnected[0].dump();
  ExpectStoppedAndSigned(b_log, b.did(), reason);
}

TEST_F(NodeE2e, SigtermStopsCleanlyAndTheLogVerifies) { StopsCleanlyWith(SIGTERM, "SIGTERM"); }
TEST_F(NodeE2e, SigintStopsCleanlyAndTheLogVerifies) { StopsCleanlyWith(SIGINT, "SIGINT"); }

TEST_F(NodeE2e, BootstrapPeersFromTheConfigFileAreDialledAtStart) {
  SovNode a(Home("a")), b(Home("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  std::filesystem::create_directories(Home("c"));
  {
    std::ofstream config(Home("c") + "/config.toml");
    config << "# written by node_test\n"
              "[log]\n"
              "sync = \"always\"\n"
              "level = \"info\"\n"
              "[p2p]\n"
              "listen = [\"/ip4/127.0.0.1/tcp/0\"]\n"
              "bootstrap = [\""
           << a.addr() << "\", \"" << b.addr() << "\"]\n";
  }
  SovNode c(Home("c"), {});  // no --listen: p2p.listen comes from the config too
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c.WaitConnectedPeers(2)) << c.Stderr();
  EXPECT_TRUE(a.WaitConnectedPeers(1)) << a.Stderr();
  EXPECT_TRUE(b.WaitConnectedPeers(1)) << b.Stderr();
  EXPECT_EQ(c.CliJson({"p2p", "identity"})["listenAddrs"][0].get<std::string>().rfind("/ip4/127.0.0.1/tcp/", 0), 0u);

  auto log = testing::WaitLog(c.home(), [](const auto& l) { return testing::Count(l, "peer.connected") == 2; });
  auto connected = OfType(log, "peer.connected");
  ASSERT_EQ(connected.size(), 2u);
  std::set<std::string> peers;
  for (const auto& e : connected) {
    peers.insert(e["payload"]["peer_id"].get<std::string>());
    EXPECT_EQ(e["payload"]["inbound"], false);
  }
  EXPECT_EQ(peers, (std::set<std::string>{a.peer_id(), b.peer_id()}));
  EXPECT_TRUE(OfType(log, "peer.dial_failed").empty());
  auto a_connected = OfType(
      testing::WaitLog(a.home(), [](const auto& l) { return testing::Count(l, "peer.connected") == 1; }),
      "peer.connected");
  ASSERT_EQ(a_connected.size(), 1u);
  EXPECT_EQ(a_connected[0]["payload"]["peer_id"], c.peer_id());
  EXPECT_EQ(a_connected[0]["payload"]["inbound"], true);
  for (SovNode* n : {&c, &a, &b}) EXPECT_EQ(n->Stop(SIGTERM), 0) << n->Stderr();
}

TEST_F(NodeE2e, RefusedDialFailsWithAMessageAndIsLogged) {
  SovNode a(Home("a"));
  ASSERT_TRUE(a.ok());
  int port = ClosedPort();
  ASSERT_GT(port, 0);
  const std::string addr = "/ip4/127.0.0.1/tcp/" + std::to_string(port);
  const std::string some_peer = "12D3KooWS2QZWaRFHzm5mriWY4SktaAEBBF8gaBLc5gzDVMEDZ6C";
  ExpectOneLineFailure(a.Cli({"p2p", "connect", addr}), "refused");
  ExpectOneLineFailure(a.Cli({"p2p", "connect", addr + "/p2p/" + some_peer}), "refused");
  ExpectOneLineFailure(a.Cli({"p2p", "connect", "/ip4/127.0.0.1/udp/1"}), "/ip4/127.0.0.1/udp/1");
  ExpectOneLineFailure(a.Cli({"p2p", "connect", "/ip4/1.2.3"}), "/ip4/1.2.3");  // not even a multiaddr
  EXPECT_EQ(a.ConnectedPeers(), 0);

  auto failed = OfType(
      testing::WaitLog(a.home(), [](const auto& l) { return testing::Count(l, "peer.dial_failed") == 3; }),
      "peer.dial_failed");
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[0]["payload"]["address"], addr);
  EXPECT_EQ(failed[0]["payload"]["peer_id"], "");
  EXPECT_EQ(failed[0]["payload"]["reason"], "Refused");
  EXPECT_NE(failed[0]["payload"]["error"].get<std::string>(), "");
  EXPECT_EQ(failed[1]["payload"]["address"], addr + "/p2p/" + some_peer);
  EXPECT_EQ(failed[1]["payload"]["peer_id"], some_peer);
  EXPECT_EQ(failed[1]["payload"]["reason"], "Refused");
  EXPECT_EQ(failed[2]["payload"]["address"], "/ip4/127.0.0.1/udp/1");  // no transport for it
  EXPECT_EQ(failed[2]["payload"]["reason"], "Unreachable") << failed[2].dump();
  EXPECT_EQ(a.Stop(SIGTERM), 0) << a.Stderr();
}

TEST_F(NodeE2e, OfflinePeersShowsWhatTheLogSaysAfterTheNodesStopped) {
  SovNode a(Home("a")), b(Home("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a.Cli({"p2p", "connect", b.addr()}).exit_code, 0);
  testing::WaitLog(a.home(), [](const auto& l) { return testing::Count(l, "peer.identified") == 1; });
  EXPECT_EQ(a.Stop(SIGTERM), 0) << a.Stderr();
  EXPECT_EQ(b.Stop(SIGTERM), 0) << b.Stderr();

  json peers = testing::SovJson(a.home(), {"p2p", "peers", "--offline"});
  ASSERT_TRUE(peers.is_array());
  ASSERT_EQ(peers.size(), 1u) << peers.dump(2);
  const json& p = peers[0];
  EXPECT_EQ(p["peerDid"], b.did());
  EXPECT_EQ(p["peerId"], b.peer_id());
  EXPECT_EQ(p["connected"], false);
  EXPECT_EQ(p["connections"], 1);
  EXPECT_EQ(p["disconnects"], 1);
  EXPECT_EQ(p["lastDisconnectReason"], "shutdown");
  EXPECT_EQ(p["agentVersion"].get<std::string>().rfind("sov/", 0), 0u);
  EXPECT_EQ(p["protocols"], json::array({"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"}));
  EXPECT_EQ(p["addresses"][0], b.addr().substr(0, b.addr().find("/p2p/")));
  RunResult table = testing::Sov(a.home(), {"p2p", "peers", "--offline"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find(b.did()), std::string::npos) << table.out;
}

}  // namespace
}  // namespace sov
