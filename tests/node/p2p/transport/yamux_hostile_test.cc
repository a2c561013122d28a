// Our yamux session against hostile peers written frame by frame on a raw socket: window overrun,
// wrong parity, bad version, truncation, stream floods, duplicate SYN, unsolicited ping acks; and
// window updates, pings and go-away as a correct peer sees them.

#include <gtest/gtest.h>

#include "support/yamux_harness.h"

namespace sov::p2p {
namespace {

using namespace yamux_testing;  // NOLINT: the harness is this test's vocabulary
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Hostile peers: our session against frames written by hand.

struct Collected {
  bool done = false;
  Status status;
  std::string data;
};

Task<void> Collect(std::shared_ptr<YamuxStream> s, std::shared_ptr<Collected> out) {
  auto r = co_await ReadToEnd(*s, 16 << 20, "collect");
  out->status = r.status();
  if (r.ok()) out->data = std::move(*r);
  out->done = true;
}

struct WindowScript {
  bool done = false;
  std::vector<RawFrame> frames;  // frames received from our session, in order
  std::string sent;
  Status error;
};

// Opens stream 1, sends 128 KiB, waits for the window update, then uses the whole new credit.
Task<void> WindowPeer(std::shared_ptr<TcpStream> raw, std::shared_ptr<WindowScript> log) {
  auto fail = [&](Status s) {
    log->error = s;
    log->done = true;
  };
  Status st = co_await SendFrame(raw, FrameType::kWindowUpdate, yamux::kFlagSyn, 1, 0);
  if (!st.ok()) co_return fail(st);
  uint64_t credit = yamux::kSpecInitialWindow;
  auto send = [&](size_t n) -> std::string {
    std::string chunk = RandomBytes(n, log->sent.size() + 7);
    log->sent += chunk;
    credit -= n;
    return Frame(FrameType::kData, 0, 1, static_cast<uint32_t>(n), chunk);
  };
  std::string batch = send(64 * kKiB);
  batch += send(64 * kKiB);
  st = co_await raw->Write(batch);
  if (!st.ok()) co_return fail(st);
  // Expect the ACK, then one update once the reader consumed half the window.
  while (log->frames.size() < 2) {
    auto f = co_await ReadFrame(raw);
    if (!f.ok()) co_return fail(f.status());
    log->frames.push_back(*f);
    if (f->h.type == FrameType::kWindowUpdate) credit += f->h.length;
  }
  // Use all the credit we were given: more than the initial 256 KiB in one go.
  batch.clear();
  while (credit > 0) batch += send(std::min<uint64_t>(credit, 64 * kKiB));
  batch += Frame(FrameType::kWindowUpdate, yamux::kFlagFin, 1, 0);
  st = co_await raw->Write(batch);
  if (!st.ok()) co_return fail(st);
  log->done = true;
}

TEST(YamuxHostile, WindowUpdatesFollowConsumptionAndAutoTune) {
  auto received = std::make_shared<Collected>();
  asio::io_context* io_ptr = nullptr;
  Hostile h(Role::kServer, {}, [&io_ptr, received](std::shared_ptr<YamuxStream> s) {
    Spawn(io_ptr->get_executor(), Collect(std::move(s), received), "collect");
  });
  io_ptr = &h.io;
  auto log = std::make_shared<WindowScript>();
  Spawn(h.ex(), WindowPeer(h.raw, log), "peer");
  ASSERT_TRUE(RunUntil(h.io, [&] { return log->done && received->done; }));
  ASSERT_TRUE(log->error.ok()) << log->error.ToString();
  ASSERT_EQ(log->frames.size(), 2u);
  EXPECT_EQ(log->frames[0].h.type, FrameType::kWindowUpdate);
  EXPECT_EQ(log->frames[0].h.flags, yamux::kFlagAck);
  EXPECT_EQ(log->frames[0].h.stream_id, 1u);
  EXPECT_EQ(log->frames[0].h.length, 0u);
  // 128 KiB consumed (half the window) with the buffer drained: credit back plus a doubled window.
  EXPECT_EQ(log->frames[1].h.type, FrameType::kWindowUpdate);
  EXPECT_EQ(log->frames[1].h.flags, 0);
  EXPECT_EQ(log->frames[1].h.length, 128 * kKiB + 256 * kKiB);
  ASSERT_TRUE(received->status.ok()) << received->status.ToString();
  EXPECT_EQ(received->data.size(), 640 * kKiB);
  EXPECT_TRUE(received->data == log->sent);
  EXPECT_EQ(h.closed->count, 0) << h.closed->status.ToString();
}

TEST(YamuxHostile, DataBeyondWindowIsFlowControlError) {
  Hostile h(Role::kServer);
  std::string bytes = Frame(FrameType::kWindowUpdate, yamux::kFlagSyn, 1, 0);
  const std::string chunk(64 * kKiB, 'd');
  for (int i = 0; i < 4; ++i) bytes += Frame(FrameType::kData, 0, 1, 64 * kKiB, chunk);
  bytes += Frame(FrameType::kData, 0, 1, 1, "!");
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(), SendRaw(h.raw, bytes, false, sent), "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kFlowControl);
  EXPECT_TRUE(Contains(h.closed->status.message(),
                       "stream 1: data frame of 1 bytes exceeds the receive window (0 bytes left of 262144)"))
      << h.closed->status.ToString();
}

TEST(YamuxHostile, DataFrameAboveMaxWindowIsFlowControlError) {
  Hostile h(Role::kServer);
  const std::string bytes = Frame(FrameType::kWindowUpdate, yamux::kFlagSyn, 1, 0) +
                            Frame(FrameType::kData, 0, 1, 32u << 20);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(), SendRaw(h.raw, bytes, false, sent), "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kFlowControl);
  EXPECT_TRUE(Contains(h.closed->status.message(),
                       "data frame of 33554432 bytes on stream 1 exceeds the maximum window of 16777216 bytes"))
      << h.closed->status.ToString();
}

TEST(YamuxHostile, WrongParityIsProtocolError) {
  Hostile h(Role::kServer);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(), SendRaw(h.raw, Frame(FrameType::kWindowUpdate, yamux::kFlagSyn, 2, 0), false, sent), "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kProtocolError);
  EXPECT_TRUE(Contains(h.closed->status.message(), "peer opened stream 2 with the wrong parity"))
      << h.closed->status.ToString();
}

TEST(YamuxHostile, BadVersionIsProtocolError) {
  Hostile h(Role::kServer);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(), SendRaw(h.raw, std::string("\x07\x01\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00", 12), false, sent),
        "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kProtocolError);
  EXPECT_TRUE(Contains(h.closed->status.message(), "unsupported version 7")) << h.closed->status.ToString();
}

TEST(YamuxHostile, DataOnStreamZeroIsProtocolError) {
  Hostile h(Role::kServer);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(), SendRaw(h.raw, Frame(FrameType::kData, 0, 0, 3, "abc"), false, sent), "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kProtocolError);
  EXPECT_TRUE(Contains(h.closed->status.message(), "data frame on stream 0")) << h.closed->status.ToString();
}

TEST(YamuxHostile, DuplicateSynIsProtocolError) {
  Hostile h(Role::kServer);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(),
        SendRaw(h.raw,
                Frame(FrameType::kWindowUpdate, yamux::kFlagSyn, 1, 0) +
                    Frame(FrameType::kData, yamux::kFlagSyn, 1, 2, "hi"),
                false, sent),
        "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kProtocolError);
  EXPECT_TRUE(Contains(h.closed->status.message(), "SYN on stream 1, which is already open"))
      << h.closed->status.ToString();
}

TEST(YamuxHostile, UnsolicitedPingAckIsProtocolError) {
  Hostile h(Role::kServer);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(), SendRaw(h.raw, Frame(FrameType::kPing, yamux::kFlagAck, 0, 42), false, sent), "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kProtocolError);
  EXPECT_TRUE(Contains(h.closed->status.message(), "ping ACK with value 42 matches no outstanding ping"))
      << h.closed->status.ToString();
}

TEST(YamuxHostile, TruncatedHeaderThenEof) {
  Hostile h(Role::kServer);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(), SendRaw(h.raw, std::string("\x00\x01\x00\x01\x00", 5), true, sent), "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kEof);
  EXPECT_TRUE(Contains(h.closed->status.message(), "connection ended inside a frame header (5 of 12 bytes)"))
      << h.closed->status.ToString();
}

TEST(YamuxHostile, TruncatedPayloadThenEof) {
  Hostile h(Role::kServer);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(),
        SendRaw(h.raw, Frame(FrameType::kWindowUpdate, yamux::kFlagSyn, 1, 0) + Frame(FrameType::kData, 0, 1, 100) +
                           std::string(10, 'p'),
                true, sent),
        "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kEof);
  EXPECT_TRUE(Contains(h.closed->status.message(), "the payload of a data frame on stream 1 (10 of 100 bytes)"))
      << h.closed->status.ToString();
}

TEST(YamuxHostile, CleanEofIsEof) {
  Hostile h(Role::kServer);
  auto sent = std::make_shared<bool>(false);
  Spawn(h.ex(), SendRaw(h.raw, "", true, sent), "peer");
  ASSERT_TRUE(h.WaitClosed());
  EXPECT_EQ(h.closed->end, YamuxEnd::kEof);
  EXPECT_EQ(h.closed->status.message(), "yamux: connection closed by the peer");
}

struct FloodLog {
  bool done = false;
  Status error;
  int acks = 0;
  int resets = 0;
  bool goaway_protocol_error = false;
  bool eof_after = false;
};

// Opens streams one at a time and reads the answer to each: 8 accepted, then resets, then GoAway.
Task<void> FloodPeer(std::shared_ptr<TcpStream> raw, std::shared_ptr<FloodLog> log) {
  for (uint32_t i = 0; i < 24; ++i) {
    const uint32_t id = 2 * i + 1;
    Status st = co_await SendFrame(raw, FrameType::kWindowUpdate, yamux::kFlagSyn, id, 0);
    if (!st.ok()) {
      log->error = st;
      break;
    }
    auto f = co_await ReadFrame(raw);
    if (!f.ok()) {
      log->error = f.status();
      break;
    }
    EXPECT_EQ(f->h.type, FrameType::kWindowUpdate);
    EXPECT_EQ(f->h.stream_id, id);
    if (f->h.flags == yamux::kFlagAck) ++log->acks;
    if (f->h.flags == yamux::kFlagRst) ++log->resets;
  }
  auto goaway = co_await ReadFrame(raw);
  log->goaway_protocol_error = goaway.ok() && goaway->h.type == FrameType::kGoAway &&
                               goaway->h.length == yamux::kGoAwayProtocolError;
  auto after = co_await ReadFrame(raw);
  log->eof_after = !after.ok();
  log->done = true;
}

TEST(YamuxHostile, StreamFloodIsResetThenStreamLimit) {
  YamuxOptions options;
  options.max_inbound_streams = 8;
  options.max_refused_streams = 16;
  Hostile h(Role::kServer, options);
  auto log = std::make_shared<FloodLog>();
  Spawn(h.ex(), FloodPeer(h.raw, log), "peer");
  ASSERT_TRUE(RunUntil(h.io, [&] { return log->done && h.closed->count > 0; }));
  EXPECT_TRUE(log->error.ok()) << log->error.ToString();
  EXPECT_EQ(log->acks, 8);
  EXPECT_EQ(log->resets, 16);
  EXPECT_TRUE(log->goaway_protocol_error);
  EXPECT_TRUE(log->eof_after);
  EXPECT_EQ(h.held.size(), 8u);
  EXPECT_EQ(h.closed->end, YamuxEnd::kStreamLimit);
  EXPECT_TRUE(Contains(h.closed->status.message(), "past the limit of 8 open streams 16 times (last: stream 47)"))
      << h.closed->status.ToString();
}

struct PingScript {
  bool done = false;
  Status error;
  std::vector<RawFrame> frames;
};

// Ping, then data for a stream that does not exist (its payload must be skipped), then ping again.
Task<void> PingPeer(std::shared_ptr<TcpStream> raw, std::shared_ptr<PingScript> log) {
  std::string bytes = Frame(FrameType::kPing, yamux::kFlagSyn, 0, 0xABCD);
  // The payload looks like a frame header; it must not be parsed as one.
  bytes += Frame(FrameType::kData, 0, 99, 12, Frame(FrameType::kGoAway, 0, 0, 1));
  bytes += Frame(FrameType::kWindowUpdate, yamux::kFlagRst, 77, 0);
  bytes += Frame(FrameType::kPing, yamux::kFlagSyn, 0, 7);
  Status st = co_await raw->Write(bytes);
  if (!st.ok()) {
    log->error = st;
    log->done = true;
    co_return;
  }
  for (int i = 0; i < 2; ++i) {
    auto f = co_await ReadFrame(raw);
    if (!f.ok()) {
      log->error = f.status();
      break;
    }
    log->frames.push_back(*f);
  }
  log->done = true;
}

TEST(YamuxHostile, PingAnsweredAndUnknownStreamsIgnored) {
  Hostile h(Role::kServer);
  auto log = std::make_shared<PingScript>();
  Spawn(h.ex(), PingPeer(h.raw, log), "peer");
  ASSERT_TRUE(RunUntil(h.io, [&] { return log->done; }));
  ASSERT_TRUE(log->error.ok()) << log->error.ToString();
  ASSERT_EQ(log->frames.size(), 2u);
  EXPECT_EQ(log->frames[0].h.type, FrameType::kPing);
  EXPECT_EQ(log->frames[0].h.flags, yamux::kFlagAck);
  EXPECT_EQ(log->frames[0].h.length, 0xABCDu);
  EXPECT_EQ(log->frames[1].h.type, FrameType::kPing);
  EXPECT_EQ(log->frames[1].h.flags, yamux::kFlagAck);
  EXPECT_EQ(log->frames[1].h.length, 7u);
  RunFor(h.io, 20ms);
  EXPECT_EQ(h.closed->count, 0) << h.closed->status.ToString();
  EXPECT_EQ(h.session->open_streams(), 0u);
}

struct GoAwayScript {
  bool goaway_seen = false;  // our session answered a ping sent after the GoAway
  bool done = false;
  Status error;
};

// Plays a server: takes stream 1, sends GoAway, proves it was processed with a ping, then finishes
// stream 1 (data + FIN).
Task<void> GoAwayPeer(std::shared_ptr<TcpStream> raw, std::shared_ptr<GoAwayScript> log,
                      std::shared_ptr<bool> finish) {
  auto syn = co_await ReadFrame(raw);
  if (!syn.ok() || syn->h.flags != yamux::kFlagSyn || syn->h.stream_id != 1) {
    log->error = syn.ok() ? Status::Corruption("expected SYN on stream 1") : syn.status();
    log->done = true;
    co_return;
  }
  Status st = co_await raw->Write(Frame(FrameType::kWindowUpdate, yamux::kFlagAck, 1, 0) +
                                  Frame(FrameType::kGoAway, 0, 0, yamux::kGoAwayNormal) +
                                  Frame(FrameType::kPing, yamux::kFlagSyn, 0, 5));
  for (;;) {
    auto f = co_await ReadFrame(raw);
    if (!f.ok()) {
      log->error = f.status();
      log->done = true;
      co_return;
    }
    if (f->h.type == FrameType::kPing && f->h.flags == yamux::kFlagAck && f->h.length == 5) break;
  }
  log->goaway_seen = true;
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  while (!*finish) {
    timer.expires_after(2ms);
    co_await timer.async_wait(kUseAwaitable);
  }
  st = co_await raw->Write(Frame(FrameType::kData, yamux::kFlagFin, 1, 3, "bye"));
  log->error = st;
  // Drain what our session sends (its FIN) until it closes the connection.
  auto rest = co_await ReadToEnd(*raw, 1 << 20, "drain");
  (void)rest;
  log->done = true;
}

struct GoAwayClient {
  bool opened = false;
  bool done = false;
  Status second_open;
  std::string read;
  Status read_status;
  Status close_status;
};

Task<void> GoAwayClientSecondOpen(std::shared_ptr<YamuxSession> session, std::shared_ptr<GoAwayClient> log) {
  auto second = co_await session->OpenStream();
  log->second_open = second.status();
  if (second.ok()) log->second_open = Status::Aborted("second OpenStream unexpectedly succeeded");
}

Task<void> GoAwayClientFinish(std::shared_ptr<YamuxStream> s, std::shared_ptr<GoAwayClient> log) {
  auto r = co_await ReadToEnd(*s, 1024, "after go-away");
  log->read_status = r.status();
  if (r.ok()) log->read = *r;
  log->close_status = co_await s->CloseWrite();
  log->done = true;
}

TEST(YamuxHostile, GoAwayStopsNewStreamsExistingOnesFinish) {
  Hostile h(Role::kClient);
  auto script = std::make_shared<GoAwayScript>();
  auto finish = std::make_shared<bool>(false);
  Spawn(h.ex(), GoAwayPeer(h.raw, script, finish), "peer");
  auto stream = std::make_shared<std::shared_ptr<YamuxStream>>();
  auto open_status = std::make_shared<Status>();
  Spawn(h.ex(), OpenHold(h.session, stream, open_status), "open");
  ASSERT_TRUE(RunUntil(h.io, [&] { return script->goaway_seen || script->done; }));
  ASSERT_TRUE(script->error.ok()) << script->error.ToString();
  ASSERT_NE(*stream, nullptr);
  auto log = std::make_shared<GoAwayClient>();
  Spawn(h.ex(), GoAwayClientSecondOpen(h.session, log), "second open");
  RunFor(h.io, 20ms);
  EXPECT_FALSE(log->second_open.ok());
  EXPECT_TRUE(Contains(log->second_open.message(), "the peer sent GoAway (normal); no new streams"))
      << log->second_open.ToString();
  EXPECT_FALSE(h.session->closed());
  EXPECT_EQ(h.session->open_streams(), 1u);
  // The existing stream still works; when it is done the session ends.
  *finish = true;
  Spawn(h.ex(), GoAwayClientFinish(*stream, log), "finish");
  ASSERT_TRUE(RunUntil(h.io, [&] { return log->done && h.closed->count > 0 && script->done; }));
  EXPECT_TRUE(log->read_status.ok()) << log->read_status.ToString();
  EXPECT_EQ(log->read, "bye");
  EXPECT_TRUE(log->close_status.ok()) << log->close_status.ToString();
  EXPECT_EQ(h.closed->end, YamuxEnd::kRemoteGoAway);
  EXPECT_TRUE(Contains(h.closed->status.message(), "peer sent GoAway (normal) and its last stream ended"))
      << h.closed->status.ToString();
}

}  // namespace
}  // namespace sov::p2p
