// Yamux sessions over real loopback TCP: echo and 4 MiB integrity (flow control past the initial
// 256 KiB window), half-close and reset, 1,000 concurrent streams, the accept backlog, ping and
// keepalive, go-away, and session end failing pending operations.

#include <gtest/gtest.h>

#include "support/yamux_harness.h"

namespace sov::p2p {
namespace {

using namespace yamux_testing;  // NOLINT: the harness is this test's vocabulary
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Two real sessions.

TEST(Yamux, Echo4MiBBothDirections) {
  SessionPair p;
  p.Start(EchoHandler(p.ex()));
  const std::string payload = RandomBytes(4 << 20, 1);
  auto out = std::make_shared<Result2>();
  Spawn(p.ex(), EchoClient(p.ex(), p.client, payload, out), "client");
  ASSERT_TRUE(RunUntil(p.io, [&] { return out->done; }));
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  ASSERT_EQ(out->data.size(), payload.size());
  EXPECT_TRUE(out->data == payload);
  // Both FINs seen on both sides: the streams are gone from both tables.
  ASSERT_TRUE(RunUntil(p.io, [&] { return p.client->open_streams() == 0 && p.server->open_streams() == 0; }));
  EXPECT_EQ(p.client_closed->count, 0);
  EXPECT_EQ(p.server_closed->count, 0);
}

Task<void> ReadAllInto(std::shared_ptr<YamuxStream> s, std::shared_ptr<Result2> out) {
  auto r = co_await ReadToEnd(*s, 64 << 20, "read all");
  if (r.ok()) {
    out->data = std::move(*r);
    out->status = co_await s->CloseWrite();
  } else {
    out->status = r.status();
  }
  out->done = true;
}

Task<void> OpenWriteClose(std::shared_ptr<YamuxSession> session, std::string payload,
                          std::shared_ptr<Result2> out) {
  auto opened = co_await session->OpenStream();
  if (!opened.ok()) {
    out->status = opened.status();
    out->done = true;
    co_return;
  }
  std::shared_ptr<YamuxStream> s = *opened;
  out->data = std::to_string(s->id());
  Status st = co_await s->Write(payload);
  if (st.ok()) st = co_await s->CloseWrite();
  if (st.ok()) {
    // Wait for the peer's FIN so the stream leaves both tables.
    auto rest = co_await ReadToEnd(*s, 0, "peer fin");
    if (!rest.ok()) st = rest.status();
  }
  out->status = st;
  out->done = true;
}

TEST(Yamux, ServerOpenedStream4MiB) {
  SessionPair p;
  auto received = std::make_shared<Result2>();
  auto ex = p.ex();
  p.Start(nullptr, [ex, received](std::shared_ptr<YamuxStream> s) {
    EXPECT_TRUE(s->inbound());
    Spawn(ex, ReadAllInto(std::move(s), received), "reader");
  });
  const std::string payload = RandomBytes(4 << 20, 2);
  auto sent = std::make_shared<Result2>();
  Spawn(ex, OpenWriteClose(p.server, payload, sent), "server writer");
  ASSERT_TRUE(RunUntil(p.io, [&] { return sent->done && received->done; }));
  ASSERT_TRUE(sent->status.ok()) << sent->status.ToString();
  ASSERT_TRUE(received->status.ok()) << received->status.ToString();
  EXPECT_EQ(sent->data, "2");  // the server opens even ids, starting at 2
  EXPECT_TRUE(received->data == payload);
  ASSERT_TRUE(RunUntil(p.io, [&] { return p.client->open_streams() == 0 && p.server->open_streams() == 0; }));
}

Task<void> WriteFlag(std::shared_ptr<YamuxStream> s, std::string data, std::shared_ptr<Result2> out) {
  out->status = co_await s->Write(data);
  out->done = true;
}

Task<void> ReadExactInto(std::shared_ptr<YamuxStream> s, size_t n, std::shared_ptr<Result2> out) {
  auto r = co_await ReadExact(*s, n, "read exact");
  out->status = r.status();
  if (r.ok()) out->data = std::move(*r);
  out->done = true;
}

TEST(Yamux, WriteWaitsForPeerWindow) {
  SessionPair p;
  std::vector<std::shared_ptr<YamuxStream>> held;
  p.Start([&held](std::shared_ptr<YamuxStream> s) { held.push_back(std::move(s)); });
  auto stream = std::make_shared<std::shared_ptr<YamuxStream>>();
  auto open_status = std::make_shared<Status>();
  Spawn(p.ex(), OpenHold(p.client, stream, open_status), "open");
  ASSERT_TRUE(RunUntil(p.io, [&] { return *stream != nullptr; })) << open_status->ToString();
  const std::string payload = RandomBytes(300 * kKiB, 3);
  auto write = std::make_shared<Result2>();
  Spawn(p.ex(), WriteFlag(*stream, payload, write), "write");
  // The server application reads nothing: 256 KiB go out, the rest waits for window.
  RunFor(p.io, 200ms);
  EXPECT_FALSE(write->done);
  ASSERT_EQ(held.size(), 1u);
  auto read = std::make_shared<Result2>();
  Spawn(p.ex(), ReadExactInto(held[0], payload.size(), read), "read");
  ASSERT_TRUE(RunUntil(p.io, [&] { return write->done && read->done; }));
  EXPECT_TRUE(write->status.ok()) << write->status.ToString();
  EXPECT_TRUE(read->status.ok()) << read->status.ToString();
  EXPECT_TRUE(read->data == payload);
}

struct HalfCloseLog {
  bool done = false;
  Status write_after_close;
  Status close_again;
  std::string echoed;
  Status read_status;
};

Task<void> HalfCloseClient(std::shared_ptr<YamuxSession> session, std::shared_ptr<HalfCloseLog> log) {
  auto opened = co_await session->OpenStream();
  if (!opened.ok()) {
    log->read_status = opened.status();
    log->done = true;
    co_return;
  }
  std::shared_ptr<YamuxStream> s = *opened;
  Status w = co_await s->Write("hello");
  EXPECT_TRUE(w.ok());
  Status c = co_await s->CloseWrite();
  EXPECT_TRUE(c.ok());
  log->write_after_close = co_await s->Write("more");
  log->close_again = co_await s->CloseWrite();
  // Our side is closed; the peer still answers.
  auto r = co_await ReadToEnd(*s, 1024, "echo after FIN");
  log->read_status = r.status();
  if (r.ok()) log->echoed = *r;
  log->done = true;
}

TEST(Yamux, HalfCloseStillReadsAndWriteAfterCloseFails) {
  SessionPair p;
  p.Start(EchoHandler(p.ex()));
  auto log = std::make_shared<HalfCloseLog>();
  Spawn(p.ex(), HalfCloseClient(p.client, log), "client");
  ASSERT_TRUE(RunUntil(p.io, [&] { return log->done; }));
  EXPECT_TRUE(log->read_status.ok()) << log->read_status.ToString();
  EXPECT_EQ(log->echoed, "hello");
  EXPECT_FALSE(log->write_after_close.ok());
  EXPECT_TRUE(Contains(log->write_after_close.message(), "write after CloseWrite"))
      << log->write_after_close.ToString();
  EXPECT_TRUE(log->close_again.ok());  // FIN is sent once; a second CloseWrite is a no-op
  ASSERT_TRUE(RunUntil(p.io, [&] { return p.client->open_streams() == 0 && p.server->open_streams() == 0; }));
}

Task<void> ReadOnceThenReset(std::shared_ptr<YamuxStream> s) {
  char buf[16];
  auto r = co_await s->ReadSome(std::span<char>(buf, sizeof buf));
  EXPECT_TRUE(r.ok());
  s->Reset();
  s->Reset();  // idempotent
  auto again = co_await s->ReadSome(std::span<char>(buf, sizeof buf));
  EXPECT_FALSE(again.ok());
  EXPECT_TRUE(Contains(again.status().message(), "was reset"));
}

struct ResetLog {
  bool done = false;
  Status read;
  Status write;
};

Task<void> ResetClient(std::shared_ptr<YamuxSession> session, std::shared_ptr<ResetLog> log) {
  auto opened = co_await session->OpenStream();
  if (!opened.ok()) {
    log->read = opened.status();
    log->done = true;
    co_return;
  }
  std::shared_ptr<YamuxStream> s = *opened;
  Status w = co_await s->Write("ping");
  EXPECT_TRUE(w.ok());
  char buf[16];
  auto r = co_await s->ReadSome(std::span<char>(buf, sizeof buf));
  log->read = r.status();
  log->write = co_await s->Write("after reset");
  log->done = true;
}

TEST(Yamux, ResetByPeerFailsReadsAndWrites) {
  SessionPair p;
  auto ex = p.ex();
  p.Start([ex](std::shared_ptr<YamuxStream> s) { Spawn(ex, ReadOnceThenReset(std::move(s)), "resetter"); });
  auto log = std::make_shared<ResetLog>();
  Spawn(ex, ResetClient(p.client, log), "client");
  ASSERT_TRUE(RunUntil(p.io, [&] { return log->done; }));
  EXPECT_FALSE(log->read.ok());
  EXPECT_TRUE(Contains(log->read.message(), "stream 1 reset by peer")) << log->read.ToString();
  EXPECT_FALSE(log->write.ok());
  EXPECT_TRUE(Contains(log->write.message(), "reset by peer")) << log->write.ToString();
  ASSERT_TRUE(RunUntil(p.io, [&] { return p.client->open_streams() == 0 && p.server->open_streams() == 0; }));
  EXPECT_EQ(p.client_closed->count, 0);
}

Task<void> ReadUntilError(std::shared_ptr<YamuxStream> s, std::shared_ptr<Result2> out) {
  auto r = co_await ReadToEnd(*s, 1 << 20, "read");
  out->status = r.status();
  out->done = true;
}

TEST(Yamux, DroppedStreamIsResetForThePeer) {
  SessionPair p;
  auto ex = p.ex();
  auto server_read = std::make_shared<Result2>();
  auto accepted = std::make_shared<bool>(false);
  p.Start([ex, server_read, accepted](std::shared_ptr<YamuxStream> s) {
    *accepted = true;
    Spawn(ex, ReadUntilError(s, server_read), "reader");
  });
  auto stream = std::make_shared<std::shared_ptr<YamuxStream>>();
  auto open_status = std::make_shared<Status>();
  Spawn(ex, OpenHold(p.client, stream, open_status), "open");
  ASSERT_TRUE(RunUntil(p.io, [&] { return *stream != nullptr; }));
  auto write = std::make_shared<Result2>();
  Spawn(ex, WriteFlag(*stream, "x", write), "write");
  ASSERT_TRUE(RunUntil(p.io, [&] { return write->done && *accepted; }));
  RunFor(p.io, 10ms);
  EXPECT_FALSE(server_read->done);
  stream->reset();  // dropped without CloseWrite or Reset
  EXPECT_EQ(p.client->open_streams(), 0u);
  ASSERT_TRUE(RunUntil(p.io, [&] { return server_read->done; }));
  EXPECT_FALSE(server_read->status.ok());
  EXPECT_TRUE(Contains(server_read->status.message(), "stream 1 reset by peer")) << server_read->status.ToString();
  ASSERT_TRUE(RunUntil(p.io, [&] { return p.server->open_streams() == 0; }));
}

struct Tally {
  int good = 0;
  int bad = 0;
  std::string first_error;
};

Task<void> RoundTrip(std::shared_ptr<YamuxSession> session, int i, std::shared_ptr<Tally> tally) {
  const std::string data = RandomBytes(4 * kKiB, 1000 + i);
  auto opened = co_await session->OpenStream();
  if (!opened.ok()) {
    ++tally->bad;
    if (tally->first_error.empty()) tally->first_error = opened.status().ToString();
    co_return;
  }
  std::shared_ptr<YamuxStream> s = *opened;
  Status st = co_await s->Write(data);
  if (st.ok()) st = co_await s->CloseWrite();
  auto echoed = co_await ReadToEnd(*s, 1 << 20, "echo");
  if (st.ok() && !echoed.ok()) st = echoed.status();
  if (st.ok() && *echoed != data) st = Status::Corruption("stream " + std::to_string(s->id()) + ": echo differs");
  if (st.ok()) {
    ++tally->good;
  } else {
    ++tally->bad;
    if (tally->first_error.empty()) tally->first_error = st.ToString();
  }
}

TEST(Yamux, ThousandConcurrentStreams) {
  SessionPair p;
  p.Start(EchoHandler(p.ex()));
  auto tally = std::make_shared<Tally>();
  for (int i = 0; i < 1000; ++i) Spawn(p.ex(), RoundTrip(p.client, i, tally), "round trip");
  ASSERT_TRUE(RunUntil(p.io, [&] { return tally->good + tally->bad == 1000; }, 60s));
  EXPECT_EQ(tally->good, 1000) << tally->first_error;
  ASSERT_TRUE(RunUntil(p.io, [&] { return p.client->open_streams() == 0 && p.server->open_streams() == 0; }));
  EXPECT_EQ(p.client_closed->count, 0);
  EXPECT_EQ(p.server_closed->count, 0);
}

TEST(Yamux, FullAcceptBacklogPausesReadingWithoutRefusing) {
  YamuxOptions server_options;
  server_options.max_accept_backlog = 2;
  SessionPair p({}, server_options);
  p.Start(EchoHandler(p.ex()));
  auto tally = std::make_shared<Tally>();
  for (int i = 0; i < 200; ++i) Spawn(p.ex(), RoundTrip(p.client, i, tally), "round trip");
  ASSERT_TRUE(RunUntil(p.io, [&] { return tally->good + tally->bad == 200; }));
  EXPECT_EQ(tally->good, 200) << tally->first_error;
  ASSERT_TRUE(RunUntil(p.io, [&] { return p.client->open_streams() == 0 && p.server->open_streams() == 0; }));
}

struct PingLog {
  bool done = false;
  Result<std::chrono::nanoseconds> rtt = Status::Aborted("not run");
};

Task<void> DoPing(std::shared_ptr<YamuxSession> session, std::shared_ptr<PingLog> log) {
  log->rtt = co_await session->Ping();
  log->done = true;
}

TEST(Yamux, PingReturnsRtt) {
  SessionPair p;
  p.Start(EchoHandler(p.ex()));
  auto from_client = std::make_shared<PingLog>();
  auto from_server = std::make_shared<PingLog>();
  Spawn(p.ex(), DoPing(p.client, from_client), "ping");
  Spawn(p.ex(), DoPing(p.server, from_server), "ping");
  ASSERT_TRUE(RunUntil(p.io, [&] { return from_client->done && from_server->done; }));
  ASSERT_TRUE(from_client->rtt.ok()) << from_client->rtt.status().ToString();
  ASSERT_TRUE(from_server->rtt.ok()) << from_server->rtt.status().ToString();
  EXPECT_GT(from_client->rtt->count(), 0);
  EXPECT_LT(*from_client->rtt, std::chrono::nanoseconds(1s));
  EXPECT_GT(from_server->rtt->count(), 0);
  EXPECT_FALSE(p.client->closed());
}

TEST(Yamux, LocalCloseSendsGoAwayAndEndsOnce) {
  SessionPair p;
  p.Start(EchoHandler(p.ex()));
  p.server->Close();
  p.server->Close();  // idempotent
  p.server->CloseWith(YamuxEnd::kIoError, Status::IOError("ignored"));
  ASSERT_TRUE(RunUntil(p.io, [&] { return p.client_closed->count > 0 && p.server_closed->count > 0; }));
  RunFor(p.io, 20ms);
  EXPECT_EQ(p.server_closed->count, 1);
  EXPECT_EQ(p.server_closed->end, YamuxEnd::kLocalClose);
  EXPECT_EQ(p.client_closed->count, 1);
  EXPECT_EQ(p.client_closed->end, YamuxEnd::kRemoteGoAway) << p.client_closed->status.ToString();
  EXPECT_TRUE(Contains(p.client_closed->status.message(), "GoAway (normal)")) << p.client_closed->status.ToString();
  auto out = std::make_shared<Result2>();
  Spawn(p.ex(), EchoClient(p.ex(), p.client, "x", out), "client");
  ASSERT_TRUE(RunUntil(p.io, [&] { return out->done; }));
  EXPECT_FALSE(out->status.ok());
  EXPECT_TRUE(Contains(out->status.message(), "session ended (remote_go_away)")) << out->status.ToString();
}

struct PendingLog {
  int done = 0;
  Status read;
  Status write;
};

Task<void> PendingRead(std::shared_ptr<YamuxStream> s, std::shared_ptr<PendingLog> log) {
  char buf[16];
  auto r = co_await s->ReadSome(std::span<char>(buf, sizeof buf));
  log->read = r.status();
  ++log->done;
}

Task<void> PendingWrite(std::shared_ptr<YamuxStream> s, std::shared_ptr<PendingLog> log) {
  // More than the window: blocks until the session ends.
  log->write = co_await s->Write(std::string(512 * kKiB, 'w'));
  ++log->done;
}

TEST(Yamux, SessionEndFailsPendingOperations) {
  SessionPair p;
  std::vector<std::shared_ptr<YamuxStream>> held;
  p.Start([&held](std::shared_ptr<YamuxStream> s) { held.push_back(std::move(s)); });
  auto stream = std::make_shared<std::shared_ptr<YamuxStream>>();
  auto open_status = std::make_shared<Status>();
  Spawn(p.ex(), OpenHold(p.client, stream, open_status), "open");
  ASSERT_TRUE(RunUntil(p.io, [&] { return *stream != nullptr; }));
  auto log = std::make_shared<PendingLog>();
  Spawn(p.ex(), PendingRead(*stream, log), "read");
  Spawn(p.ex(), PendingWrite(*stream, log), "write");
  ASSERT_TRUE(RunUntil(p.io, [&] { return held.size() == 1; }));
  RunFor(p.io, 50ms);
  EXPECT_EQ(log->done, 0);
  p.client->Close();
  ASSERT_TRUE(RunUntil(p.io, [&] { return log->done == 2 && p.server_closed->count > 0; }));
  EXPECT_TRUE(Contains(log->read.message(), "stream 1: session ended (local_close)")) << log->read.ToString();
  EXPECT_TRUE(Contains(log->write.message(), "session ended (local_close)")) << log->write.ToString();
  // The server's held stream fails too, and dropping streams after the end is harmless.
  // (It first drains the 256 KiB that arrived before the end.)
  auto server_read = std::make_shared<Result2>();
  Spawn(p.ex(), ReadUntilError(held[0], server_read), "server read");
  ASSERT_TRUE(RunUntil(p.io, [&] { return server_read->done; }));
  EXPECT_TRUE(Contains(server_read->status.message(), "stream 1: session ended (remote_go_away)"))
      << server_read->status.ToString();
  EXPECT_EQ(p.client->open_streams(), 0u);
  EXPECT_EQ(p.server->open_streams(), 0u);
  held.clear();
  stream->reset();
  std::weak_ptr<YamuxSession> weak_client = p.client;
  p.client.reset();
  RunFor(p.io, 20ms);
  EXPECT_TRUE(weak_client.expired());  // no cycle keeps a closed session alive
}

TEST(Yamux, KeepaliveTimeoutWhenPeerStopsAnswering) {
  asio::io_context io;
  auto tcp = ConnectPair(io);
  YamuxOptions options;
  options.keepalive_interval = 50ms;
  options.ping_timeout = 100ms;
  auto session = YamuxSession::Create(io.get_executor(), tcp.client, Role::kClient, options);
  auto closed = std::make_shared<ClosedRecord>();
  session->Start(nullptr, Record(closed));
  // The peer reads everything and never answers.
  auto bytes = std::make_shared<std::string>();
  auto sink = [](std::shared_ptr<TcpStream> raw, std::shared_ptr<std::string> got) -> Task<void> {
    auto r = co_await ReadToEnd(*raw, 1 << 20, "sink");
    if (r.ok()) *got = *r;
  };
  Spawn(io.get_executor(), sink(tcp.server, bytes), "sink");
  const auto start = Clock::now();
  ASSERT_TRUE(RunUntil(io, [&] { return closed->count > 0; }, 5s));
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_EQ(closed->end, YamuxEnd::kKeepaliveTimeout);
  EXPECT_TRUE(Contains(closed->status.message(), "no answer to ping 1 within 100 ms")) << closed->status.ToString();
  ASSERT_TRUE(RunUntil(io, [&] { return bytes->size() >= 12; }));
  EXPECT_EQ(bytes->substr(0, 12), Frame(FrameType::kPing, yamux::kFlagSyn, 0, 1));
  RunFor(io, 20ms);
  EXPECT_EQ(closed->count, 1);
}

}  // namespace
}  // namespace sov::p2p
