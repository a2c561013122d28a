// Streams on one connection between real hosts: 1,000 concurrent echo streams, refusal of an
// unsupported protocol with the connection kept, and the per-connection limit of inbound ping
// streams (PingProtocol).

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "node/p2p/transport/multistream.h"
#include "node/p2p/wire/noise.h"
#include "node/p2p/transport/noise_connection.h"
#include "store/base/varint.h"
#include "support/host_fixture.h"
#include "support/host_test_base.h"

namespace sov::p2p {
namespace {

using sov::testing::FastOptions;
using sov::testing::TestHost;
namespace t = sov::testing;
using sov::testing::Contains;
using sov::testing::Dumps;
using sov::testing::HostTestBase;

// ---------------------------------------------------------------------------------------------
// B. Many streams on one connection.

class HostStreams : public HostTestBase {};

Task<Status> EchoRoundTrip(Host& host, PeerId peer, std::string payload) {
  std::vector<std::string> protocols{std::string(kEchoProtocol)};
  auto opened = co_await host.NewStream(peer, protocols);
  if (!opened.ok()) co_return opened.status().WithContext("open");
  if (opened->protocol != kEchoProtocol) co_return Status::Corruption("negotiated " + opened->protocol);
  auto stream = opened->stream;
  if (Status s = co_await stream->Write(payload); !s.ok()) co_return s.WithContext("write");
  if (Status s = co_await stream->CloseWrite(); !s.ok()) co_return s.WithContext("close write");
  auto echoed = co_await ReadToEnd(*stream, payload.size() + 1, "echo");
  if (!echoed.ok()) co_return echoed.status();
  if (*echoed != payload) {
    co_return Status::Corruption(fmt::format("echo: {} bytes back for {} sent, or different bytes", echoed->size(),
                                             payload.size()));
  }
  co_return Status::OK();
}

TEST_F(HostStreams, ThousandConcurrentEchoStreamsOnOneConnection) {
  constexpr size_t kStreams = 1000;
  constexpr size_t kBytes = 4096;
  HostOptions so = FastOptions();
  so.echo = true;
  so.negotiation_timeout = 30s;  // 1,000 negotiations queue up on one thread (and under ASan)
  HostOptions ao = FastOptions();
  ao.negotiation_timeout = 30s;
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, ao);
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  const uint64_t conn = a.host->Connection(s.id())->id;

  std::vector<std::optional<Status>> results(kStreams);
  for (size_t i = 0; i < kStreams; ++i) {
    asio::co_spawn(h.io(), EchoRoundTrip(*a.host, s.id(), t::RandomBytes(kBytes, 1000 + i)),
                   [&results, i](std::exception_ptr e, Status st) {
                     results[i] = e ? Status::Aborted("exception") : std::move(st);
                   });
  }
  ASSERT_TRUE(h.RunUntil(
      [&] { return std::all_of(results.begin(), results.end(), [](const auto& r) { return r.has_value(); }); }, 120s));
  size_t ok = 0;
  std::string first_error;
  for (const auto& r : results) {
    if (r->ok()) {
      ++ok;
    } else if (first_error.empty()) {
      first_error = r->ToString();
    }
  }
  EXPECT_EQ(ok, kStreams) << first_error;
  // Same connection throughout, every stream closed, nothing else happened.
  ASSERT_TRUE(h.RunUntil([&] {
    auto as = a.host->Connection(s.id());
    auto sa = s.host->Connection(a.id());
    return as && sa && as->open_streams == 0 && sa->open_streams == 0;
  }));
  EXPECT_EQ(a.host->Connection(s.id())->id, conn);
  EXPECT_TRUE(a.observer.disconnected.empty() && s.observer.disconnected.empty()) << Dumps(a, s);
}

TEST_F(HostStreams, UnsupportedProtocolIsRefusedAndTheConnectionStays) {
  TestHost& s = h.AddHost(1, FastOptions());  // echo off
  TestHost& a = h.AddHost(2, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  std::vector<std::string> wanted{std::string(kEchoProtocol), "/sov-test/none/1.0.0"};
  auto r = h.AwaitResult(a.host->NewStream(s.id(), wanted));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "peer supports none of")) << r.status().ToString();
  std::vector<std::string> fallback{"/sov-test/none/1.0.0", std::string(kPingProtocol)};
  auto second = h.AwaitResult(a.host->NewStream(s.id(), fallback));  // the second proposal is taken
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->protocol, kPingProtocol);
  EXPECT_TRUE(h.AwaitResult(a.host->Ping(s.id())).ok());
  EXPECT_TRUE(s.observer.disconnected.empty());
}

TEST_F(HostStreams, InboundPingStreamsAreLimitedPerConnection) {
  HostOptions so = FastOptions();
  so.max_inbound_ping_streams = 2;
  TestHost& s = h.AddHost(1, so);
  TestHost& a = h.AddHost(2, FastOptions());
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));
  // One ping round trip on a stream that stays open; returns the stream (or the error).
  auto ping_once = [](Host& host, PeerId peer) -> Task<Result<std::shared_ptr<ByteStream>>> {
    std::vector<std::string> ping{std::string(kPingProtocol)};
    auto opened = co_await host.NewStream(peer, ping);
    if (!opened.ok()) co_return opened.status();
    const std::string payload(32, 'p');
    if (Status w = co_await opened->stream->Write(payload); !w.ok()) co_return w;
    auto echo = co_await ReadExact(*opened->stream, 32, "ping");
    if (!echo.ok()) co_return echo.status();
    if (*echo != payload) co_return Status::Corruption("ping echoed other bytes");
    co_return opened->stream;
  };
  auto first = h.AwaitResult(ping_once(*a.host, s.id()));
  auto second = h.AwaitResult(ping_once(*a.host, s.id()));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  auto third = h.AwaitResult(ping_once(*a.host, s.id()));  // two are still open: reset
  ASSERT_FALSE(third.ok());
  EXPECT_TRUE(Contains(third.status().message(), "reset")) << third.status().ToString();
  // Closing one makes room again.
  (*first)->Reset();
  first = Status::Aborted("closed");
  ASSERT_TRUE(h.RunUntil([&] { return s.host->Connection(a.id())->open_streams == 1; }));
  h.RunFor(20ms);  // the server's ping handler sees the reset and returns
  EXPECT_TRUE(h.AwaitResult(ping_once(*a.host, s.id())).ok());
  EXPECT_TRUE(s.observer.disconnected.empty());
}

}  // namespace
}  // namespace sov::p2p
