// The peers view: connections, agent cards, discovery, handshakes, identify and disconnect reasons
// folded per peer DID; addresses and protocols bounded; node start/stop clearing connections; odd
// input (no DID, null strings, events out of time order); rebuild = live.
#include <algorithm>

#include "events_generated.h"
#include "pipeline/peers_view.h"
#include "pipeline/runner.h"
#include "support/test_util.h"

namespace sov {
namespace {

using pipeline::PeerInfo;
using testing::Event;
using testing::T;
using testing::TestDid;
using Strings = std::vector<std::string>;

std::vector<flatbuffers::Offset<flatbuffers::String>> Offsets(flatbuffers::FlatBufferBuilder& fbb, const Strings& v) {
  std::vector<flatbuffers::Offset<flatbuffers::String>> out;
  for (const auto& s : v) out.push_back(fbb.CreateString(s));
  return out;
}

std::string Connected(int64_t ts, int peer, const char* peer_id, const char* address) {
  return Event(ts, fb::Event::PeerConnected, [&](auto& fbb) {
    return fb::CreatePeerConnectedDirect(fbb, TestDid(peer).c_str(), peer_id, address, true);
  });
}

std::string Disconnected(int64_t ts, int peer) {
  return Event(ts, fb::Event::PeerDisconnected, [&](auto& fbb) {
    return fb::CreatePeerDisconnectedDirect(fbb, TestDid(peer).c_str(), "P", fb::DisconnectReason::ClosedByPeer);
  });
}

std::string DisconnectedWhy(int64_t ts, int peer, fb::DisconnectReason reason, const char* address,
                            const char* detail) {
  return Event(ts, fb::Event::PeerDisconnected, [&](auto& fbb) {
    return fb::CreatePeerDisconnectedDirect(fbb, TestDid(peer).c_str(), "P", reason, address, detail);
  });
}

// nullptr lists are absent fields.
std::string Identified(int64_t ts, int peer, const char* peer_id, const char* agent, const char* protocol_version,
                       const Strings* protocols, const Strings* listen, const char* observed) {
  return Event(ts, fb::Event::PeerIdentified, [&](auto& fbb) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> p, l;
    if (protocols != nullptr) p = Offsets(fbb, *protocols);
    if (listen != nullptr) l = Offsets(fbb, *listen);
    return fb::CreatePeerIdentifiedDirect(fbb, TestDid(peer).c_str(), peer_id, agent, protocol_version,
                                          protocols != nullptr ? &p : nullptr, listen != nullptr ? &l : nullptr,
                                          observed);
  });
}

// node.started / node.stopped about `did` (the events' origin is TestDid(0): this node).
std::string NodeStarted(int64_t ts, const std::string& did) {
  return Event(ts, fb::Event::NodeStarted,
               [&](auto& fbb) { return fb::CreateNodeStartedDirect(fbb, did.c_str(), "Pself", "sov/test"); });
}
std::string NodeStopped(int64_t ts, const std::string& did) {
  return Event(ts, fb::Event::NodeStopped,
               [&](auto& fbb) { return fb::CreateNodeStoppedDirect(fbb, did.c_str(), "shutdown"); });
}

std::string Card(int64_t ts, int peer, const char* name, const char* description, const Strings& caps,
                 const Strings* addresses) {
  return Event(ts, fb::Event::AgentCardReceived, [&](auto& fbb) {
    auto c = Offsets(fbb, caps);
    std::vector<flatbuffers::Offset<flatbuffers::String>> a;
    if (addresses != nullptr) a = Offsets(fbb, *addresses);
    return fb::CreateAgentCardReceivedDirect(fbb, TestDid(peer).c_str(), "card-peer-id", name, description, &c,
                                             addresses != nullptr ? &a : nullptr);
  });
}

std::string Discovered(int64_t ts, int peer, const char* peer_id, const char* name, const Strings& caps) {
  return Event(ts, fb::Event::AgentDiscovered, [&](auto& fbb) {
    auto c = Offsets(fbb, caps);
    return fb::CreateAgentDiscoveredDirect(fbb, TestDid(peer).c_str(), peer_id, name, &c, fb::DiscoverySource::Mdns);
  });
}

std::string Handshake(int64_t ts, int peer) {
  return Event(ts, fb::Event::HandshakeCompleted, [&](auto& fbb) {
    return fb::CreateHandshakeCompletedDirect(fbb, TestDid(peer).c_str(), "P", "1.0", true);
  });
}

std::string HandshakeDenied(int64_t ts, int peer) {
  return Event(ts, fb::Event::HandshakeDenied, [&](auto& fbb) {
    return fb::CreateHandshakeDeniedDirect(fbb, TestDid(peer).c_str(), "not-his", fb::HandshakeDenyReason::DidMismatch);
  });
}

std::vector<PeerInfo> List(const pipeline::EventStore& s) {
  auto r = pipeline::ListPeers(s.db());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<PeerInfo>{};
}

PeerInfo Get(const pipeline::EventStore& s, int peer) {
  auto r = pipeline::GetPeer(s.db(), TestDid(peer));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r.ok() && r->has_value()) << "no record for peer " << peer;
  return r.ok() && r->has_value() ? **r : PeerInfo{};
}

void ExpectPeer(const PeerInfo& got, const PeerInfo& want) {
  EXPECT_EQ(got.peer_did, want.peer_did);
  EXPECT_EQ(got.peer_id, want.peer_id);
  EXPECT_EQ(got.addresses, want.addresses);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.capabilities, want.capabilities);
  EXPECT_EQ(got.connected, want.connected);
  EXPECT_EQ(got.connections, want.connections);
  EXPECT_EQ(got.handshakes, want.handshakes);
  EXPECT_EQ(got.handshake_denials, want.handshake_denials);
  EXPECT_EQ(got.first_seen_ns, want.first_seen_ns);
  EXPECT_EQ(got.last_seen_ns, want.last_seen_ns);
  EXPECT_EQ(got.card_received_at_ns, want.card_received_at_ns);
  EXPECT_EQ(got.agent_version, want.agent_version);
  EXPECT_EQ(got.protocol_version, want.protocol_version);
  EXPECT_EQ(got.protocols, want.protocols);
  EXPECT_EQ(got.observed_addr, want.observed_addr);
  EXPECT_EQ(got.identified_at_ns, want.identified_at_ns);
  EXPECT_EQ(got.disconnects, want.disconnects);
  EXPECT_EQ(got.last_disconnect_reason, want.last_disconnect_reason);
  EXPECT_EQ(got.last_disconnect_detail, want.last_disconnect_detail);
}

std::vector<std::string> ConnectedDids(const pipeline::EventStore& s) {
  auto r = pipeline::ListConnectedPeers(s.db());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> out;
  if (r.ok()) {
    for (const auto& p : *r) out.push_back(p.peer_did);
  }
  // The connected set agrees with the records.
  std::vector<std::string> from_records;
  for (const auto& p : List(s)) {
    if (p.connected) from_records.push_back(p.peer_did);
  }
  EXPECT_EQ(out, from_records);
  return out;
}

Strings Sorted(Strings v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(PeersView, ConnectionsCardsDiscoveryAndHandshakes) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  const Strings card_addresses = {"/ip4/10.0.0.1/tcp/4001", "/ip4/10.0.0.2/tcp/4001"};
  testing::AppendAll(*s, {Discovered(T(1), 1, "P-gossip", "gossip-name", {"search"}),
                          Connected(T(5), 1, "P-conn", "/ip4/1.2.3.4/tcp/4001")});
  testing::AppendAll(*s, {Connected(T(6), 1, "P-conn", "/ip4/1.2.3.4/tcp/4001"), Disconnected(T(7), 1),
                          Handshake(T(8), 1), HandshakeDenied(T(9), 1)});
  PeerInfo want;
  want.peer_did = TestDid(1);
  want.disconnects = 1;
  want.last_disconnect_reason = "closed_by_peer";
  want.peer_id = "P-conn";  // the connection's peer id replaces the one gossip claimed
  want.addresses = {"/ip4/1.2.3.4/tcp/4001"};
  want.name = "gossip-name";
  want.capabilities = {"search"};
  want.connected = false;
  want.connections = 2;
  want.handshakes = 1;
  want.handshake_denials = 1;  // a denied handshake's peer id ("not-his") is never taken
  want.first_seen_ns = T(1);
  want.last_seen_ns = T(9);
  ExpectPeer(Get(*s, 1), want);

  // A card is authoritative: it replaces name, description, capabilities and addresses; discovery
  // after it changes neither name nor capabilities, nor the known peer id.
  testing::AppendAll(*s, {Card(T(10), 1, "card-name", "does things", {"a", "b"}, &card_addresses),
                          Discovered(T(11), 1, "P-other", "later-name", {"z"}), Connected(T(12), 1, "P-conn", "/dns/x")});
  want.name = "card-name";
  want.description = "does things";
  want.capabilities = {"a", "b"};
  want.addresses = {"/ip4/10.0.0.1/tcp/4001", "/ip4/10.0.0.2/tcp/4001", "/dns/x"};
  want.connected = true;
  want.connections = 3;
  want.last_seen_ns = T(12);
  want.card_received_at_ns = T(10);
  ExpectPeer(Get(*s, 1), want);

  // An event older than everything seen moves first_seen back, not last_seen.
  testing::AppendAll(*s, {Handshake(T(0), 1)});
  want.handshakes = 2;
  want.first_seen_ns = T(0);
  ExpectPeer(Get(*s, 1), want);
  ASSERT_EQ(List(*s).size(), 1u);
}

TEST(PeersView, DiscoveryWithoutACardKeepsUpdating) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Discovered(T(1), 2, "P2", "first", {"x"}), Discovered(T(2), 2, "P2-new", "second", {"y", "z"}),
                          Discovered(T(3), 2, nullptr, nullptr, {})});
  PeerInfo want;
  want.peer_did = TestDid(2);
  want.peer_id = "P2";  // discovery only fills a missing peer id
  want.name = "second";
  want.capabilities = {"y", "z"};  // empty discovery data does not erase what is known
  want.first_seen_ns = T(1);
  want.last_seen_ns = T(3);
  ExpectPeer(Get(*s, 2), want);
}

TEST(PeersView, AddressesAreBoundedOldestDropped) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  std::vector<std::string> events;
  for (int i = 0; i < 20; ++i) {
    events.push_back(Connected(T(i), 3, "P3", ("/ip4/10.0.0." + std::to_string(i) + "/tcp/1").c_str()));
  }
  testing::AppendAll(*s, events);
  PeerInfo p = Get(*s, 3);
  ASSERT_EQ(p.addresses.size(), pipeline::kMaxPeerAddresses);
  EXPECT_EQ(p.addresses.front(), "/ip4/10.0.0.4/tcp/1");
  EXPECT_EQ(p.addresses.back(), "/ip4/10.0.0.19/tcp/1");
  EXPECT_EQ(p.connections, 20u);
  // A card with more than the bound keeps its last kMaxPeerAddresses, without duplicates.
  Strings many;
  for (int i = 0; i < 18; ++i) many.push_back("/card/" + std::to_string(i));
  many.push_back("/card/17");
  testing::AppendAll(*s, {Card(T(30), 3, "n", "d", {}, &many)});
  p = Get(*s, 3);
  ASSERT_EQ(p.addresses.size(), pipeline::kMaxPeerAddresses);
  EXPECT_EQ(p.addresses.front(), "/card/2");
  EXPECT_EQ(p.addresses.back(), "/card/17");
}

TEST(PeersView, OddInput) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(
      *s, {Event(T(1), fb::Event::PeerDialFailed,
                 [](auto& fbb) { return fb::CreatePeerDialFailedDirect(fbb, "P9", "/ip4/9.9.9.9/tcp/1", "refused"); }),
           Event(T(1), fb::Event::ConnectionRejected,
                 [](auto& fbb) {
                   return fb::CreateConnectionRejectedDirect(fbb, "/ip4/9.9.9.9/tcp/2", "P9",
                                                             fb::ConnectFailReason::NoiseFailed, "bad noise");
                 }),
           Event(T(1), fb::Event::PeerIdentified, [](auto& fbb) { return fb::CreatePeerIdentifiedDirect(fbb); }),
           Event(T(2), fb::Event::PeerConnected, [](auto& fbb) { return fb::CreatePeerConnectedDirect(fbb); }),
           Event(T(3), fb::Event::AgentCardReceived, [](auto& fbb) { return fb::CreateAgentCardReceivedDirect(fbb); }),
           Event(T(4), fb::Event::HandshakeDenied, [](auto& fbb) { return fb::CreateHandshakeDeniedDirect(fbb, ""); }),
           Event(T(5), fb::Event::PeerConnected,
                 [](auto& fbb) { return fb::CreatePeerConnectedDirect(fbb, TestDid(4).c_str()); }),
           Disconnected(T(6), 5)});
  auto peers = List(*s);
  ASSERT_EQ(peers.size(), 2u);
  PeerInfo four;
  four.peer_did = TestDid(4);
  four.connected = true;
  four.connections = 1;
  four.first_seen_ns = four.last_seen_ns = T(5);
  ExpectPeer(Get(*s, 4), four);
  PeerInfo five;  // a disconnect is the first thing known of this peer
  five.peer_did = TestDid(5);
  five.disconnects = 1;
  five.last_disconnect_reason = "closed_by_peer";
  five.first_seen_ns = five.last_seen_ns = T(6);
  ExpectPeer(Get(*s, 5), five);
  // A card with no address list keeps the known addresses; null name and description read as empty.
  testing::AppendAll(*s, {Connected(T(7), 4, "P4", "/a"),
                          Event(T(8), fb::Event::AgentCardReceived, [](auto& fbb) {
                            return fb::CreateAgentCardReceivedDirect(fbb, TestDid(4).c_str());
                          })});
  PeerInfo p = Get(*s, 4);
  EXPECT_EQ(p.addresses, Strings{"/a"});
  EXPECT_EQ(p.name, "");
  EXPECT_EQ(p.card_received_at_ns, T(8));
  auto none = pipeline::GetPeer(s->db(), TestDid(9));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(PeersView, IdentifyReplacesWhatThePeerSaysAndMergesListenAddressesWithBound) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  const std::string long_id = "/" + std::string(pipeline::kMaxProtocolIdBytes, 'x');  // 257 bytes: dropped
  const Strings protocols = {"/sov/a2a/1.0.0", "/ipfs/ping/1.0.0", "", "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", long_id};
  Strings listen = {"/a"};  // already known from the connection: not added twice
  for (int i = 0; i < 17; ++i) listen.push_back("/ip4/10.1.0." + std::to_string(i) + "/tcp/4001");
  listen.push_back("/" + std::string(pipeline::kMaxPeerTextBytes, 'y'));  // too long: not kept
  testing::AppendAll(*s, {Connected(T(1), 1, "P1", "/a"),
                          Identified(T(2), 1, "P-identify", "sov/0.2.0", "ipfs/0.1.0", &protocols, &listen,
                                     "/ip4/203.0.113.9/tcp/4001")});
  PeerInfo want;
  want.peer_did = TestDid(1);
  want.peer_id = "P1";  // the connection's peer id is kept
  // "/a" and the 17 listen addresses: 18 > 16, the two oldest ("/a", 10.1.0.0) dropped.
  for (int i = 1; i < 17; ++i) want.addresses.push_back("/ip4/10.1.0." + std::to_string(i) + "/tcp/4001");
  want.connected = true;
  want.connections = 1;
  want.first_seen_ns = T(1);
  want.last_seen_ns = T(2);
  want.agent_version = "sov/0.2.0";
  want.protocol_version = "ipfs/0.1.0";
  want.protocols = {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/sov/a2a/1.0.0"};
  want.observed_addr = "/ip4/203.0.113.9/tcp/4001";
  want.identified_at_ns = T(2);
  ExpectPeer(Get(*s, 1), want);

  // A later identify replaces agent, protocol version, protocols and observed address, even with
  // nothing (what the peer says now); absent listen addresses keep the known ones. An identify that
  // is older in event time does not move identified_at back.
  const std::string agent = std::string(pipeline::kMaxPeerTextBytes - 1, 'a') + "\xc3\xa9";  // 1025 bytes
  testing::AppendAll(*s, {Identified(T(3), 1, nullptr, agent.c_str(), nullptr, nullptr, nullptr, nullptr),
                          Identified(T(0), 1, nullptr, "old", "ipfs/0.0.1", nullptr, nullptr, nullptr)});
  want.agent_version = "old";
  want.protocol_version = "ipfs/0.0.1";
  want.protocols.clear();
  want.observed_addr.clear();
  want.identified_at_ns = T(3);
  want.first_seen_ns = T(0);
  want.last_seen_ns = T(3);
  ExpectPeer(Get(*s, 1), want);
  // The long agent version is cut before the 2-byte character that would cross the bound.
  testing::AppendAll(*s, {Identified(T(4), 1, nullptr, agent.c_str(), nullptr, nullptr, nullptr, nullptr)});
  EXPECT_EQ(Get(*s, 1).agent_version, std::string(pipeline::kMaxPeerTextBytes - 1, 'a'));

  // More protocols than the bound: the first kMaxPeerProtocols in sorted order are kept.
  Strings many;
  for (int i = 99; i >= 0; --i) many.push_back("/p/" + std::to_string(100 + i));
  testing::AppendAll(*s, {Identified(T(5), 2, "P2", "go-libp2p", "ipfs/0.1.0", &many, nullptr, "/obs")});
  PeerInfo two = Get(*s, 2);
  ASSERT_EQ(two.protocols.size(), pipeline::kMaxPeerProtocols);
  EXPECT_EQ(two.protocols.front(), "/p/100");
  EXPECT_EQ(two.protocols.back(), "/p/163");
  EXPECT_EQ(two.peer_id, "P2");  // no peer id was known: identify's is taken
  EXPECT_FALSE(two.connected);
  EXPECT_EQ(two.identified_at_ns, T(5));
  EXPECT_EQ(pipeline::NormalizeProtocols({"/b", "/a", "/b", ""}), (Strings{"/a", "/b"}));
}

TEST(PeersView, DisconnectKeepsReasonDetailAndCount) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {Connected(T(1), 1, "P1", "/a"),
                          DisconnectedWhy(T(2), 1, fb::DisconnectReason::KeepaliveTimeout, "/a",
                                          "ping: no answer within 30s"),
                          Connected(T(3), 1, "P1", "/a")});
  PeerInfo want;
  want.peer_did = TestDid(1);
  want.peer_id = "P1";
  want.addresses = {"/a"};
  want.connected = true;
  want.connections = 2;
  want.first_seen_ns = T(1);
  want.last_seen_ns = T(3);
  want.disconnects = 1;
  want.last_disconnect_reason = "keepalive_timeout";
  want.last_disconnect_detail = "ping: no answer within 30s";  // a reconnect does not erase the last disconnect
  ExpectPeer(Get(*s, 1), want);
  EXPECT_EQ(ConnectedDids(*s), Strings{TestDid(1)});

  testing::AppendAll(*s, {DisconnectedWhy(T(4), 1, fb::DisconnectReason::FlowControl, nullptr, nullptr)});
  want.connected = false;
  want.last_seen_ns = T(4);
  want.disconnects = 2;
  want.last_disconnect_reason = "flow_control";
  want.last_disconnect_detail = "";
  ExpectPeer(Get(*s, 1), want);
  EXPECT_TRUE(ConnectedDids(*s).empty());

  // A reason this build does not know (a newer writer) reads as "unknown"; a disconnect of a peer
  // that is not connected still counts.
  testing::AppendAll(*s, {DisconnectedWhy(T(5), 1, static_cast<fb::DisconnectReason>(200), "/a", "new")});
  want.last_seen_ns = T(5);
  want.disconnects = 3;
  want.last_disconnect_reason = "unknown";
  want.last_disconnect_detail = "new";
  ExpectPeer(Get(*s, 1), want);
}

TEST(PeersView, NodeStartedOrStoppedMarksEveryPeerDisconnected) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  testing::AppendAll(*s, {NodeStarted(T(0), TestDid(0)), Connected(T(1), 1, "P1", "/a"), Connected(T(2), 2, "P2", "/b"),
                          Connected(T(3), 3, "P3", "/c"), DisconnectedWhy(T(4), 2, fb::DisconnectReason::Duplicate, "/b", "")});
  EXPECT_EQ(ConnectedDids(*s), Sorted({TestDid(1), TestDid(3)}));
  // A node.started about another node (relayed, not this node's own) changes nothing.
  testing::AppendAll(*s, {NodeStarted(T(5), TestDid(7))});
  EXPECT_EQ(ConnectedDids(*s), Sorted({TestDid(1), TestDid(3)}));

  // The process died without node.stopped: the next node.started says its connections are gone.
  // Nothing else changes: no disconnect is counted, last_seen stays.
  testing::AppendAll(*s, {NodeStarted(T(100), TestDid(0))});
  EXPECT_TRUE(ConnectedDids(*s).empty());
  PeerInfo one;
  one.peer_did = TestDid(1);
  one.peer_id = "P1";
  one.addresses = {"/a"};
  one.connections = 1;
  one.first_seen_ns = one.last_seen_ns = T(1);
  ExpectPeer(Get(*s, 1), one);
  PeerInfo two = Get(*s, 2);
  EXPECT_EQ(two.disconnects, 1u);
  EXPECT_EQ(two.last_disconnect_reason, "duplicate");
  EXPECT_FALSE(Get(*s, 3).connected);

  // node.stopped, in the same batch as a connect (the set is read through the batch's writes); an
  // empty `did` counts as this node. A connect after it is connected again.
  testing::AppendAll(*s, {Connected(T(101), 2, "P2", "/b"), NodeStopped(T(102), ""), Connected(T(103), 3, "P3", "/c")});
  EXPECT_EQ(ConnectedDids(*s), Strings{TestDid(3)});
  EXPECT_FALSE(Get(*s, 2).connected);
  EXPECT_EQ(Get(*s, 2).connections, 2u);
  testing::AppendAll(*s, {NodeStopped(T(104), TestDid(0))});
  EXPECT_TRUE(ConnectedDids(*s).empty());
  EXPECT_EQ(List(*s).size(), 3u);  // the connected set is not listed as a peer
  // The reserved keys are not peers.
  auto reserved = pipeline::GetPeer(s->db(), pipeline::kConnectedSetKey);
  ASSERT_TRUE(reserved.ok());
  EXPECT_FALSE(reserved->has_value());
}

TEST(PeersView, RebuildYieldsTheLiveDigest) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get());
  ASSERT_TRUE(s);
  const Strings addrs = {"/x", "/y"};
  for (int i = 0; i < 30; ++i) {
    const std::string addr = "/ip4/10.0." + std::to_string(i % 3) + "." + std::to_string(i) + "/tcp/1";
    testing::AppendAll(*s, {Connected(T(i), i % 4, "P", addr.c_str()), Handshake(T(i), i % 4)});
    if (i % 5 == 0) testing::AppendAll(*s, {Disconnected(T(i + 1), i % 4), Card(T(i + 1), i % 4, "n", "d", {"c"}, &addrs)});
    if (i % 7 == 0) testing::AppendAll(*s, {Discovered(T(i), 6, "P6", "six", {"q"})});
    if (i % 3 == 0) {
      const Strings protocols = {"/p/" + std::to_string(i % 4), "/ipfs/id/1.0.0"};
      const Strings listen = {addr, "/listen/" + std::to_string(i)};
      testing::AppendAll(*s, {Identified(T(i), i % 4, "P", "agent", "ipfs/0.1.0", &protocols, &listen, "/me"),
                              DisconnectedWhy(T(i), (i + 1) % 4, static_cast<fb::DisconnectReason>(1 + i % 11), "/x",
                                              "why")});
    }
    if (i % 11 == 10) testing::AppendAll(*s, {NodeStarted(T(i), TestDid(0))});
  }
  EXPECT_FALSE(ConnectedDids(*s).empty());
  auto live = pipeline::ViewDigest(s->db(), "peers");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  EXPECT_EQ(List(*s).size(), 5u);
  ASSERT_TRUE(s->runner()->Rebuild("peers").ok());
  auto rebuilt = pipeline::ViewDigest(s->db(), "peers");
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(*rebuilt, *live);
}

}  // namespace
}  // namespace sov
