// The peers view: connections, agent cards, discovery, handshakes folded per peer DID; addresses
// bounded; odd input (no DID, null strings, events out of time order); rebuild = live.
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
  }
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
