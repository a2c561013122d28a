// RequestResponseProtocol and Request() between real hosts on loopback: the handler learns which
// connection (peer) a request came on, two versions of one protocol are served by one protocol
// object with the negotiated id, a handler error reaches the client as an error and is counted,
// and a request to a peer that is not connected fails naming the protocol.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "node/p2p/protocols/request_response_protocol.h"
#include "support/host_fixture.h"
#include "support/host_test_base.h"

namespace sov::p2p {
namespace {

using sov::testing::Contains;
using sov::testing::FastOptions;
using sov::testing::HostTestBase;
using sov::testing::TestHost;

constexpr std::string_view kV1 = "/sov-test/whoami/1.0.0";
constexpr std::string_view kV2 = "/sov-test/whoami/2.0.0";

class RequestResponseProtocolTest : public HostTestBase {
 protected:
  // Answers "<request> from <peer id>", or fails for the request "fail".
  std::shared_ptr<RequestResponseProtocol> WhoAmI(TestHost& server) {
    auto p = std::make_shared<RequestResponseProtocol>(
        h.ex(), std::vector<std::string>{std::string(kV1), std::string(kV2)}, RequestResponseOptions{},
        [](std::string request, ConnectionInfo connection) -> Task<Result<std::string>> {
          if (request == "fail") co_return Status::InvalidArgument("the handler refused");
          co_return request + " from " + connection.peer.ToString();
        });
    server.host->AddProtocol(p);
    return p;
  }
};

TEST_F(RequestResponseProtocolTest, TheHandlerKnowsThePeerAndBothVersionsAreServed) {
  TestHost& server = h.AddHost(1, FastOptions());
  TestHost& a = h.AddHost(2, FastOptions());
  TestHost& b = h.AddHost(3, FastOptions());
  auto whoami = WhoAmI(server);
  ASSERT_TRUE(h.ConnectAndIdentify(a, server));
  ASSERT_TRUE(h.ConnectAndIdentify(b, server));

  auto from_a = h.AwaitResult(Request(a.host->swarm(), server.id(), std::string(kV1), "hi", {}));
  ASSERT_TRUE(from_a.ok()) << from_a.status().ToString();
  EXPECT_EQ(*from_a, "hi from " + a.id().ToString());
  auto from_b = h.AwaitResult(Request(b.host->swarm(), server.id(), std::string(kV2), "yo", {}));
  ASSERT_TRUE(from_b.ok()) << from_b.status().ToString();
  EXPECT_EQ(*from_b, "yo from " + b.id().ToString());
  EXPECT_EQ(whoami->served(), 2u);
  EXPECT_EQ(whoami->failed(), 0u);
}

TEST_F(RequestResponseProtocolTest, AHandlerErrorFailsTheRequestAndTheConnectionStays) {
  TestHost& server = h.AddHost(1, FastOptions());
  TestHost& a = h.AddHost(2, FastOptions());
  auto whoami = WhoAmI(server);
  ASSERT_TRUE(h.ConnectAndIdentify(a, server));
  auto r = h.AwaitResult(Request(a.host->swarm(), server.id(), std::string(kV1), "fail", {}));
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(h.RunUntil([&] { return whoami->failed() == 1; }));
  EXPECT_EQ(whoami->served(), 0u);
  auto again = h.AwaitResult(Request(a.host->swarm(), server.id(), std::string(kV1), "ok", {}));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(server.host->connection_count(), 1u);
}

TEST_F(RequestResponseProtocolTest, ARequestToAPeerNotConnectedNamesTheProtocol) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& other = h.AddHost(2, FastOptions());
  auto r = h.AwaitResult(Request(a.host->swarm(), other.id(), std::string(kV1), "hi", {}));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().ToString(), std::string(kV1))) << r.status().ToString();
  EXPECT_TRUE(Contains(r.status().ToString(), "not connected")) << r.status().ToString();
}

}  // namespace
}  // namespace sov::p2p
