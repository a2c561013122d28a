// The seam between the swarm and its protocols, with real hosts on loopback: a Protocol hears of
// every connection that opens and closes (with the cause) and serves the ids it names with the
// negotiated id in hand; a StreamGate refuses a protocol on one connection (the opener sees the
// protocol refused, the connection stays, other protocols and other peers are served); a protocol
// whose ids are all taken over stops hearing of connections.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/host_fixture.h"
#include "support/host_test_base.h"

namespace sov::p2p {
namespace {

using sov::testing::Dumps;
using sov::testing::FastOptions;
using sov::testing::HostTestBase;
using sov::testing::TestHost;

constexpr std::string_view kGreet = "/sov-test/greet/1.0.0";
constexpr std::string_view kGreetV2 = "/sov-test/greet/2.0.0";

// Answers "hello <protocol id>" on each stream; records every connection event.
class GreetProtocol final : public Protocol {
 public:
  std::vector<std::string> ids() const override { return {std::string(kGreet), std::string(kGreetV2)}; }
  void OnConnectionEstablished(const ConnectionInfo& info) override { opened.push_back(info); }
  void OnConnectionClosed(const ConnectionInfo& info, DisconnectCause cause) override {
    closed.push_back(info);
    causes.push_back(cause);
  }
  Task<void> HandleInbound(std::shared_ptr<ByteStream> stream, std::string protocol_id, ConnectionInfo info) override {
    served_for.push_back(info.peer);
    (void)(co_await WriteLengthPrefixed(*stream, "hello " + protocol_id));
    (void)(co_await stream->CloseWrite());
  }

  std::vector<ConnectionInfo> opened, closed;
  std::vector<DisconnectCause> causes;
  std::vector<PeerId> served_for;
};

// Refuses `protocol` to `refused_peer`; records every question.
class RefuseOne final : public StreamGate {
 public:
  RefuseOne(PeerId peer, std::string protocol) : refused_peer(std::move(peer)), protocol(std::move(protocol)) {}
  bool Admit(const ConnectionInfo& info, std::string_view protocol_id) override {
    asked.push_back(std::string(protocol_id));
    return !(info.peer == refused_peer && protocol_id == protocol);
  }
  PeerId refused_peer;
  std::string protocol;
  std::vector<std::string> asked;
};

Task<Result<std::string>> Greet(Host& host, PeerId peer, std::string protocol) {
  std::vector<std::string> wanted{std::move(protocol)};
  auto opened = co_await host.NewStream(peer, std::move(wanted));
  if (!opened.ok()) co_return opened.status();
  auto answer = co_await ReadLengthPrefixed(*opened->stream, 1024, "greeting");
  opened->stream->Reset();
  co_return answer;
}

class ProtocolSeam : public HostTestBase {};

TEST_F(ProtocolSeam, AProtocolHearsOfConnectionsAndServesItsIds) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& b = h.AddHost(2, FastOptions());
  auto greet = std::make_shared<GreetProtocol>();
  b.host->AddProtocol(greet);
  EXPECT_EQ(b.host->protocols(), (std::vector<std::string>{"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0",
                                                            std::string(kGreet), std::string(kGreetV2)}));
  ASSERT_TRUE(h.ConnectAndIdentify(a, b));
  ASSERT_EQ(greet->opened.size(), 1u);
  EXPECT_EQ(greet->opened[0].peer, a.id());
  EXPECT_TRUE(greet->opened[0].inbound);
  EXPECT_EQ(greet->opened[0].id, b.observer.connected.at(0).id);

  auto v1 = h.AwaitResult(Greet(*a.host, b.id(), std::string(kGreet)));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(*v1, "hello /sov-test/greet/1.0.0");
  auto v2 = h.AwaitResult(Greet(*a.host, b.id(), std::string(kGreetV2)));
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(*v2, "hello /sov-test/greet/2.0.0");
  EXPECT_EQ(greet->served_for, (std::vector<PeerId>{a.id(), a.id()}));

  EXPECT_EQ(a.host->Disconnect(b.id()), 1u);
  ASSERT_TRUE(h.RunUntil([&] { return greet->closed.size() == 1; })) << Dumps(a, b);
  EXPECT_EQ(greet->closed[0].id, greet->opened[0].id);
  EXPECT_EQ(greet->causes[0], DisconnectCause::kClosedByPeer);
  // The observer heard first.
  ASSERT_EQ(b.observer.disconnected.size(), 1u);
}

TEST_F(ProtocolSeam, TheGateRefusesOneProtocolToOnePeerAndTheConnectionStays) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& b = h.AddHost(2, FastOptions());
  TestHost& c = h.AddHost(3, FastOptions());
  auto greet = std::make_shared<GreetProtocol>();
  b.host->AddProtocol(greet);
  RefuseOne gate(a.id(), std::string(kGreet));
  b.host->SetGate(&gate);
  ASSERT_TRUE(h.ConnectAndIdentify(a, b));
  ASSERT_TRUE(h.ConnectAndIdentify(c, b));

  auto refused = h.AwaitResult(Greet(*a.host, b.id(), std::string(kGreet)));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(greet->served_for.empty());
  // Another protocol on the same connection, and the refused one to another peer, are served.
  auto other = h.AwaitResult(Greet(*a.host, b.id(), std::string(kGreetV2)));
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  auto from_c = h.AwaitResult(Greet(*c.host, b.id(), std::string(kGreet)));
  ASSERT_TRUE(from_c.ok()) << from_c.status().ToString();
  EXPECT_EQ(greet->served_for, (std::vector<PeerId>{a.id(), c.id()}));
  auto ping = h.AwaitResult(a.host->Ping(b.id()));
  ASSERT_TRUE(ping.ok()) << ping.status().ToString();
  EXPECT_EQ(b.host->connection_count(), 2u);
  EXPECT_TRUE(b.observer.disconnected.empty()) << Dumps(a, b);
  // The gate was asked for the refused id once, and for identify and ping too.
  EXPECT_EQ(std::count(gate.asked.begin(), gate.asked.end(), std::string(kGreet)), 2);
  EXPECT_GE(std::count(gate.asked.begin(), gate.asked.end(), "/ipfs/id/1.0.0"), 2);
}

TEST_F(ProtocolSeam, AProtocolWhoseIdsAreTakenOverNoLongerHearsOfConnections) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& b = h.AddHost(2, FastOptions());
  auto first = std::make_shared<GreetProtocol>();
  auto second = std::make_shared<GreetProtocol>();
  b.host->AddProtocol(first);
  b.host->AddProtocol(second);
  ASSERT_TRUE(h.ConnectAndIdentify(a, b));
  EXPECT_TRUE(first->opened.empty());
  EXPECT_EQ(second->opened.size(), 1u);
  auto r = h.AwaitResult(Greet(*a.host, b.id(), std::string(kGreet)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(first->served_for.empty());
  EXPECT_EQ(second->served_for.size(), 1u);
}

}  // namespace
}  // namespace sov::p2p
