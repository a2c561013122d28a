// Hostile peers written by hand (garbage, truncated and oversize frames, bad signature, slowloris,
// stream flood, flow-control violation): each must end in a closed connection with the exact
// observer reason while the host keeps serving a well-behaved peer.

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
using sov::testing::RawConnection;
using sov::testing::RawFrame;
using sov::testing::RecordingObserver;
using sov::testing::TestHost;
using sov::testing::TestIdentity;
using sov::testing::YamuxFrame;
namespace t = sov::testing;
using sov::testing::Contains;
using sov::testing::HostTestBase;

// ---------------------------------------------------------------------------------------------
// C. Hostile peers.

class HostHostile : public HostTestBase {};

// Connects, writes `bytes`, half-closes if asked, and reads until the host closes the connection.
Task<Result<size_t>> SendRaw(Executor ex, Multiaddr addr, std::string bytes, bool close_write) {
  auto tcp = co_await t::DialTcp(ex, addr);
  if (!tcp.ok()) co_return tcp.status();
  if (!bytes.empty()) {
    if (Status s = co_await (*tcp)->Write(bytes); !s.ok()) co_return s;
  }
  if (close_write) (void)co_await (*tcp)->CloseWrite();
  co_return co_await t::ReadUntilClosed(*tcp);
}

// As SendRaw, after negotiating /noise with multistream-select.
Task<Result<size_t>> SendAfterNoiseSelect(Executor ex, Multiaddr addr, std::string bytes, bool close_write) {
  auto tcp = co_await t::DialTcp(ex, addr);
  if (!tcp.ok()) co_return tcp.status();
  auto plain = co_await t::Select(*tcp, std::string(kNoiseProtocol));
  if (!plain.ok()) co_return plain.status();
  if (!bytes.empty()) {
    if (Status s = co_await (*plain)->Write(bytes); !s.ok()) co_return s;
  }
  if (close_write) (void)co_await (*plain)->CloseWrite();
  co_return co_await t::ReadUntilClosed(*plain);
}

// Writes `bytes` on an upgraded connection (in the background: the host may stop reading) while
// collecting every frame the host sends until it closes the connection.
Task<std::vector<RawFrame>> WriteAndCollect(Executor ex, RawConnection raw, std::string bytes) {
  asio::co_spawn(
      ex,
      [](std::shared_ptr<ByteStream> s, std::string b) -> Task<void> { (void)co_await s->Write(b); }(raw.stream,
                                                                                                       std::move(bytes)),
      asio::detached);
  co_return co_await t::ReadFramesUntilClosed(raw.stream);
}

const RecordingObserver::Disconnect* DisconnectOf(const TestHost& host, const PeerId& peer) {
  for (const auto& d : host.observer.disconnected) {
    if (d.info.peer == peer) return &d;
  }
  return nullptr;
}

bool HasGoAway(const std::vector<RawFrame>& frames, uint32_t code) {
  return std::any_of(frames.begin(), frames.end(), [&](const RawFrame& f) {
    return f.type == t::kYamuxGoAway && f.stream_id == 0 && f.length == code;
  });
}

TEST_F(HostHostile, GarbageInsteadOfMultistreamIsNegotiationFailed) {
  TestHost& s = h.AddHost(1, FastOptions());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"unterminated varint", std::string(16, '\xff')},
      {"an HTTP request",
       "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
       "Connection: close\r\n\r\n"},
      {"another multistream version", EncodeMultistreamMessage("/multistream/2.0.0") + EncodeMultistreamMessage("/noise")},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].first);
    auto closed = h.AwaitResult(SendRaw(h.ex(), s.listen_addr(), cases[i].second, false));
    ASSERT_TRUE(closed.ok()) << closed.status().ToString();  // the host closed the connection
    ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == i + 1; })) << s.observer.Dump();
    EXPECT_EQ(s.observer.rejected[i].reason, ConnectFail::kNegotiationFailed) << s.observer.rejected[i].error;
    EXPECT_EQ(s.observer.rejected[i].peer_id, "");
  }
  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, TruncatedNoiseFrameIsNoiseFailed) {
  TestHost& s = h.AddHost(1, FastOptions());
  std::string frame = std::string("\x03\xe8", 2) + std::string(10, 'x');  // announces 1000 bytes, sends 10
  auto closed = h.AwaitResult(SendAfterNoiseSelect(h.ex(), s.listen_addr(), frame, /*close_write=*/true));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kNoiseFailed) << s.observer.rejected[0].error;
  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, OversizeMultistreamLengthIsNegotiationFailed) {
  TestHost& s = h.AddHost(1, FastOptions());
  std::string bytes = EncodeUvarint(100000) + std::string(64, 'a');
  auto closed = h.AwaitResult(SendRaw(h.ex(), s.listen_addr(), bytes, false));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kNegotiationFailed);
  EXPECT_TRUE(Contains(s.observer.rejected[0].error, "100000")) << s.observer.rejected[0].error;
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, YamuxDataFrameLongerThanTheWindowIsFlowControl) {
  TestHost& s = h.AddHost(1, FastOptions());
  auto me = TestIdentity(40);
  const PeerId my_id = PeerId::FromEd25519(me->public_key());
  auto raw = h.AwaitResult(t::RawUpgrade(h.ex(), s.addr(), *me));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.ConnectedTo(my_id) == 1; })) << s.observer.Dump();

  const uint32_t length = 256 * 1024 + 1;  // one byte past the initial window, in one frame
  std::string bytes = YamuxFrame(t::kYamuxData, t::kYamuxSyn, 1, length, t::RandomBytes(length, 7));
  auto frames = h.Await(WriteAndCollect(h.ex(), *raw, std::move(bytes)));
  ASSERT_TRUE(frames.has_value()) << "the host did not close the connection";
  EXPECT_TRUE(HasGoAway(*frames, 1)) << "no GoAway(protocol_error)";
  ASSERT_TRUE(h.RunUntil([&] { return DisconnectOf(s, my_id) != nullptr; })) << s.observer.Dump();
  EXPECT_EQ(DisconnectOf(s, my_id)->cause, DisconnectCause::kFlowControl) << DisconnectOf(s, my_id)->detail;
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, BadNoiseSignatureIsBadSignature) {
  TestHost& s = h.AddHost(1, FastOptions());
  auto me = TestIdentity(40);
  auto client = [](Executor ex, Multiaddr addr, const Signer& id) -> Task<Result<size_t>> {
    auto tcp = co_await t::DialTcp(ex, addr);
    if (!tcp.ok()) co_return tcp.status();
    auto plain = co_await t::Select(*tcp, std::string(kNoiseProtocol));
    if (!plain.ok()) co_return plain.status();
    auto hs = co_await NoiseConnection::Handshake(*plain, NoiseHandshake::Role::kInitiator, id, addr.peer_id(),
                                                  NoiseOptions{.stream_muxers = {}, .test_corrupt_signature = true});
    // Our side authenticated the host; the host must refuse us.
    if (auto* f = std::get_if<NoiseConnection::Failure>(&hs)) co_return f->status;
    co_return co_await t::ReadUntilClosed(std::get<NoiseConnection::Upgraded>(hs).connection);
  };
  auto closed = h.AwaitResult(client(h.ex(), s.addr(), *me));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kBadSignature) << s.observer.rejected[0].error;
  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, DialedListenerWithAnotherPeerIdIsPeerIdMismatch) {
  TestHost& a = h.AddHost(1, FastOptions());
  TestHost& s = h.AddHost(2, FastOptions());
  const PeerId someone_else = PeerId::FromEd25519(TestIdentity(9)->public_key());
  const Multiaddr wrong = s.listen_addr().WithPeerId(someone_else);
  auto r = h.AwaitResult(a.host->Connect(wrong));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(a.observer.dial_failed.size(), 1u) << a.observer.Dump();
  EXPECT_EQ(a.observer.dial_failed[0].reason, ConnectFail::kPeerIdMismatch) << a.observer.dial_failed[0].error;
  EXPECT_EQ(a.observer.dial_failed[0].peer_id, someone_else.ToString());
  EXPECT_EQ(a.observer.dial_failed[0].address, wrong.ToString());
  EXPECT_EQ(a.host->connection_count(), 0u);
  EXPECT_TRUE(a.observer.connected.empty());
  // The listener sees the dialler give up in the middle of the handshake.
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kNoiseFailed);
  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
  ASSERT_TRUE(h.ConnectAndIdentify(a, s));  // with the right id it works
}

TEST_F(HostHostile, SlowlorisTimesOutInEveryPhase) {
  HostOptions so = FastOptions();
  so.negotiation_timeout = 300ms;
  so.upgrade_timeout = 300ms;
  TestHost& s = h.AddHost(1, so);
  auto me = TestIdentity(40);

  // 1. TCP connect, then silence.
  auto silent = h.AwaitResult(SendRaw(h.ex(), s.listen_addr(), "", false));
  ASSERT_TRUE(silent.ok()) << silent.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 1; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[0].reason, ConnectFail::kTimeout) << s.observer.rejected[0].error;
  EXPECT_TRUE(Contains(s.observer.rejected[0].error, "security negotiation")) << s.observer.rejected[0].error;

  // 2. /noise negotiated, Noise message A sent, message C never comes.
  NoiseHandshake hs(NoiseHandshake::Role::kInitiator, *me, s.id());
  auto a = hs.WriteMessageA();
  ASSERT_TRUE(a.ok());
  std::string frame = {static_cast<char>(a->size() >> 8), static_cast<char>(a->size() & 0xff)};
  frame += *a;
  auto stalled = h.AwaitResult(SendAfterNoiseSelect(h.ex(), s.listen_addr(), frame, false));
  ASSERT_TRUE(stalled.ok()) << stalled.status().ToString();
  EXPECT_GT(*stalled, 0u);  // message B arrived before the host gave up
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 2; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[1].reason, ConnectFail::kTimeout) << s.observer.rejected[1].error;
  EXPECT_TRUE(Contains(s.observer.rejected[1].error, "noise handshake")) << s.observer.rejected[1].error;

  // 3. Noise done, the muxer never negotiated.
  auto client = [](Executor ex, Multiaddr addr, const Signer& id) -> Task<Result<size_t>> {
    auto tcp = co_await t::DialTcp(ex, addr);
    if (!tcp.ok()) co_return tcp.status();
    auto plain = co_await t::Select(*tcp, std::string(kNoiseProtocol));
    if (!plain.ok()) co_return plain.status();
    auto up = co_await NoiseConnection::Handshake(*plain, NoiseHandshake::Role::kInitiator, id, addr.peer_id());
    if (auto* f = std::get_if<NoiseConnection::Failure>(&up)) co_return f->status;
    co_return co_await t::ReadUntilClosed(std::get<NoiseConnection::Upgraded>(up).connection);
  };
  auto muxless = h.AwaitResult(client(h.ex(), s.addr(), *me));
  ASSERT_TRUE(muxless.ok()) << muxless.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.rejected.size() == 3; })) << s.observer.Dump();
  EXPECT_EQ(s.observer.rejected[2].reason, ConnectFail::kTimeout) << s.observer.rejected[2].error;
  EXPECT_TRUE(Contains(s.observer.rejected[2].error, "muxer negotiation")) << s.observer.rejected[2].error;
  EXPECT_EQ(s.observer.rejected[2].peer_id, PeerId::FromEd25519(me->public_key()).ToString());

  EXPECT_TRUE(s.observer.connected.empty());
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

TEST_F(HostHostile, StreamFloodIsResetThenStreamLimit) {
  constexpr size_t kMaxStreams = 4;
  constexpr size_t kMaxRefused = 32;
  HostOptions so = FastOptions();
  so.yamux.max_inbound_streams = kMaxStreams;
  so.yamux.max_refused_streams = kMaxRefused;
  TestHost& s = h.AddHost(1, so);
  auto me = TestIdentity(40);
  const PeerId my_id = PeerId::FromEd25519(me->public_key());
  auto raw = h.AwaitResult(t::RawUpgrade(h.ex(), s.addr(), *me));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_TRUE(h.RunUntil([&] { return s.observer.ConnectedTo(my_id) == 1; })) << s.observer.Dump();

  std::string syns;  // far more SYNs than the host allows, none ever closed
  for (uint32_t i = 0; i < 400; ++i) syns += YamuxFrame(t::kYamuxWindowUpdate, t::kYamuxSyn, 1 + 2 * i, 0);
  auto frames = h.Await(WriteAndCollect(h.ex(), *raw, std::move(syns)));
  ASSERT_TRUE(frames.has_value()) << "the host did not close the connection";

  std::vector<uint32_t> acked, reset;
  size_t goaway_at = frames->size(), first_reset_at = frames->size();
  for (size_t i = 0; i < frames->size(); ++i) {
    const RawFrame& f = (*frames)[i];
    if (f.stream_id % 2 == 1 && (f.flags & t::kYamuxAck)) acked.push_back(f.stream_id);
    if (f.stream_id % 2 == 1 && (f.flags & t::kYamuxRst)) {
      if (reset.empty()) first_reset_at = i;
      reset.push_back(f.stream_id);
    }
    if (f.type == t::kYamuxGoAway && goaway_at == frames->size()) goaway_at = i;
  }
  EXPECT_EQ(acked, (std::vector<uint32_t>{1, 3, 5, 7}));
  ASSERT_EQ(reset.size(), kMaxRefused);  // every refused SYN was answered with RST, up to the limit
  EXPECT_EQ(reset.front(), 1 + 2 * kMaxStreams);
  EXPECT_EQ(reset.back(), 1 + 2 * (kMaxStreams + kMaxRefused - 1));
  ASSERT_LT(goaway_at, frames->size()) << "no GoAway";
  EXPECT_LT(first_reset_at, goaway_at);
  EXPECT_EQ((*frames)[goaway_at].length, 1u);  // protocol error
  ASSERT_TRUE(h.RunUntil([&] { return DisconnectOf(s, my_id) != nullptr; })) << s.observer.Dump();
  EXPECT_EQ(DisconnectOf(s, my_id)->cause, DisconnectCause::kStreamLimit) << DisconnectOf(s, my_id)->detail;
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

// A handler that holds its stream without reading until released.
Task<void> Park(std::shared_ptr<Signal> release, std::shared_ptr<ByteStream> stream) {
  co_await release->Wait();
  stream->Reset();
}

TEST_F(HostHostile, IgnoringFlowControlIsFlowControl) {
  constexpr std::string_view kPark = "/sov-test/park/1.0.0";
  TestHost& s = h.AddHost(1, FastOptions());
  auto release = std::make_shared<Signal>(h.ex());
  s.host->SetHandler(std::string(kPark), [release](std::shared_ptr<ByteStream> stream, ConnectionInfo) {
    return Park(release, std::move(stream));
  });
  auto me = TestIdentity(40);
  const PeerId my_id = PeerId::FromEd25519(me->public_key());
  auto raw = h.AwaitResult(t::RawUpgrade(h.ex(), s.addr(), *me));
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();

  // Stream 1 negotiates the parking protocol; wait until the host accepted it.
  const std::string mss = EncodeMultistreamMessage(kMultistreamHeader) + EncodeMultistreamMessage(kPark);
  std::string open = YamuxFrame(t::kYamuxWindowUpdate, t::kYamuxSyn, 1, 0) +
                     YamuxFrame(t::kYamuxData, 0, 1, static_cast<uint32_t>(mss.size()), mss);
  ASSERT_TRUE(h.AwaitResult([](std::shared_ptr<ByteStream> st, std::string b) -> Task<Result<bool>> {
                auto w = co_await st->Write(b);
                if (!w.ok()) co_return w;
                std::string on_stream_1;
                while (!Contains(on_stream_1, "/sov-test/park/1.0.0\n")) {
                  auto f = co_await t::ReadFrame(st);
                  if (!f.ok()) co_return f.status();
                  if (f->stream_id == 1) on_stream_1 += f->payload;
                }
                co_return true;
              }(raw->stream, open))
                  .ok());

  // 320 KiB in 16 KiB frames, never waiting for a window update: past the 256 KiB window.
  std::string flood;
  for (int i = 0; i < 20; ++i) flood += YamuxFrame(t::kYamuxData, 0, 1, 16384, t::RandomBytes(16384, i));
  auto frames = h.Await(WriteAndCollect(h.ex(), *raw, std::move(flood)));
  ASSERT_TRUE(frames.has_value()) << "the host did not close the connection";
  EXPECT_TRUE(HasGoAway(*frames, 1)) << "no GoAway(protocol_error)";
  ASSERT_TRUE(h.RunUntil([&] { return DisconnectOf(s, my_id) != nullptr; })) << s.observer.Dump();
  EXPECT_EQ(DisconnectOf(s, my_id)->cause, DisconnectCause::kFlowControl) << DisconnectOf(s, my_id)->detail;
  EXPECT_TRUE(Contains(DisconnectOf(s, my_id)->detail, "stream 1")) << DisconnectOf(s, my_id)->detail;
  release->Notify();
  EXPECT_TRUE(h.ServesWellBehavedPeer(s, 50));
}

}  // namespace
}  // namespace sov::p2p
