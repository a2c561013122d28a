// Yamux over real loopback TCP: echo and 4 MiB integrity (flow control past the initial 256 KiB
// window), half-close and reset, 1,000 concurrent streams, ping and keepalive, go-away, session end
// failing pending operations, and hostile peers written frame by frame on a raw socket (window
// overrun, wrong parity, bad version, truncation, stream floods, ...). Plus the header codec.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"
#include "node/p2p/transport/tcp_stream.h"
#include "node/p2p/transport/yamux.h"
#include "node/p2p/wire/yamux_frame.h"
#include "support/host_fixture.h"

namespace sov::p2p {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;
using yamux::FrameHeader;
using yamux::FrameType;
using Role = YamuxSession::Role;

constexpr uint32_t kKiB = 1024;

// ---------------------------------------------------------------------------------------------
// Helpers.

struct TcpPair {
  std::shared_ptr<TcpStream> client, server;
};

TcpPair ConnectPair(asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  return {std::make_shared<TcpStream>(std::move(client)), std::make_shared<TcpStream>(std::move(server))};
}

bool RunUntil(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
  const auto end = Clock::now() + timeout;
  while (!done() && Clock::now() < end) {
    if (io.stopped()) io.restart();
    io.run_for(2ms);
  }
  return done();
}

void RunFor(asio::io_context& io, std::chrono::milliseconds d) {
  if (io.stopped()) io.restart();
  io.run_for(d);
}

using sov::testing::RandomBytes;  // tests/support/host_fixture

struct ClosedRecord {
  int count = 0;
  YamuxEnd end = YamuxEnd::kNone;
  Status status;
};

YamuxSession::ClosedHandler Record(const std::shared_ptr<ClosedRecord>& rec) {
  return [rec](YamuxEnd end, const Status& status) {
    ++rec->count;
    rec->end = end;
    rec->status = status;
  };
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Echoes until the peer's FIN, then FINs.
Task<void> Echo(std::shared_ptr<YamuxStream> s) {
  std::vector<char> buf(64 * 1024);
  for (;;) {
    auto r = co_await s->ReadSome(std::span<char>(buf.data(), buf.size()));
    if (!r.ok()) co_return;
    if (*r == 0) break;
    Status w = co_await s->Write(std::string_view(buf.data(), *r));
    if (!w.ok()) co_return;
  }
  Status c = co_await s->CloseWrite();
  (void)c;
}

YamuxSession::InboundHandler EchoHandler(Executor ex) {
  return [ex](std::shared_ptr<YamuxStream> s) { Spawn(ex, Echo(std::move(s)), "echo"); };
}

struct Result2 {
  bool done = false;
  Status status;
  std::string data;
};

Task<void> WriteAndClose(std::shared_ptr<YamuxStream> s, std::string data, std::shared_ptr<Status> out) {
  Status st = co_await s->Write(data);
  if (st.ok()) st = co_await s->CloseWrite();
  *out = st;
}

// Opens a stream, writes `payload` (concurrently with reading) and FINs, reads the echo to the end.
Task<void> EchoClient(Executor ex, std::shared_ptr<YamuxSession> session, std::string payload,
                      std::shared_ptr<Result2> out) {
  auto opened = co_await session->OpenStream();
  if (!opened.ok()) {
    out->status = opened.status();
    out->done = true;
    co_return;
  }
  std::shared_ptr<YamuxStream> stream = *opened;
  auto write_status = std::make_shared<Status>();
  Spawn(ex, WriteAndClose(stream, payload, write_status), "writer");
  auto echoed = co_await ReadToEnd(*stream, payload.size() + 1, "echo");
  if (!echoed.ok()) {
    out->status = echoed.status();
  } else {
    out->data = std::move(*echoed);
    out->status = *write_status;
  }
  out->done = true;
}

// Two sessions over one loopback connection; the server echoes unless told otherwise.
struct SessionPair {
  explicit SessionPair(YamuxOptions client_options = {}, YamuxOptions server_options = {}) {
    auto tcp = ConnectPair(io);
    client = YamuxSession::Create(io.get_executor(), tcp.client, Role::kClient, client_options);
    server = YamuxSession::Create(io.get_executor(), tcp.server, Role::kServer, server_options);
  }
  void Start(YamuxSession::InboundHandler server_handler, YamuxSession::InboundHandler client_handler = nullptr) {
    server->Start(std::move(server_handler), Record(server_closed));
    client->Start(std::move(client_handler), Record(client_closed));
  }
  ~SessionPair() {
    if (client) client->Close();
    if (server) server->Close();
    RunFor(io, 20ms);
  }
  Executor ex() { return io.get_executor(); }

  asio::io_context io;
  std::shared_ptr<YamuxSession> client, server;
  std::shared_ptr<ClosedRecord> client_closed = std::make_shared<ClosedRecord>();
  std::shared_ptr<ClosedRecord> server_closed = std::make_shared<ClosedRecord>();
};

// ---------------------------------------------------------------------------------------------
// Raw frames for hostile peers.

struct RawFrame {
  FrameHeader h;
  std::string payload;
};

Task<Status> SendFrame(std::shared_ptr<ByteStream> s, FrameType type, uint16_t flags, uint32_t id, uint32_t length,
                       std::string payload = {}) {
  std::string out;
  yamux::AppendFrame(out, FrameHeader{type, flags, id, length}, payload);
  co_return co_await s->Write(out);
}

Task<Result<RawFrame>> ReadFrame(std::shared_ptr<ByteStream> s) {
  auto header = co_await ReadExact(*s, yamux::kHeaderSize, "raw frame header");
  if (!header.ok()) co_return header.status();
  auto h = yamux::DecodeHeader(*header);
  if (!h.ok()) co_return h.status();
  RawFrame f{*h, {}};
  if (f.h.type == FrameType::kData && f.h.length > 0) {
    auto payload = co_await ReadExact(*s, f.h.length, "raw frame payload");
    if (!payload.ok()) co_return payload.status();
    f.payload = std::move(*payload);
  }
  co_return f;
}

// Our session on one end of a loopback connection, a raw socket on the other. Inbound streams are
// held (never read) unless a handler is given.
struct Hostile {
  explicit Hostile(Role role, YamuxOptions options = {}, YamuxSession::InboundHandler handler = nullptr) {
    auto tcp = ConnectPair(io);
    raw = role == Role::kServer ? tcp.client : tcp.server;
    session = YamuxSession::Create(io.get_executor(), role == Role::kServer ? tcp.server : tcp.client, role, options);
    if (!handler) handler = [this](std::shared_ptr<YamuxStream> s) { held.push_back(std::move(s)); };
    session->Start(std::move(handler), Record(closed));
  }
  ~Hostile() {
    session->Close();
    held.clear();
    raw->Reset();
    RunFor(io, 20ms);
  }
  bool WaitClosed() {
    return RunUntil(io, [this] { return closed->count > 0; });
  }
  Executor ex() { return io.get_executor(); }

  asio::io_context io;
  std::shared_ptr<TcpStream> raw;
  std::shared_ptr<YamuxSession> session;
  std::vector<std::shared_ptr<YamuxStream>> held;
  std::shared_ptr<ClosedRecord> closed = std::make_shared<ClosedRecord>();
};

// Sends `frames` (already encoded bytes) and, if asked, half-closes.
Task<void> SendRaw(std::shared_ptr<ByteStream> s, std::string bytes, bool close_write, std::shared_ptr<bool> done) {
  Status st = co_await s->Write(bytes);
  if (st.ok() && close_write) st = co_await s->CloseWrite();
  *done = st.ok();
}

std::string Frame(FrameType type, uint16_t flags, uint32_t id, uint32_t length, std::string_view payload = {}) {
  std::string out;
  yamux::AppendFrame(out, FrameHeader{type, flags, id, length}, payload);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Codec.

TEST(YamuxFrame, EncodesBigEndianAndRoundTrips) {
  const std::string bytes = Frame(FrameType::kWindowUpdate, yamux::kFlagSyn | yamux::kFlagFin, 0x01020304, 0x0A0B0C0D);
  EXPECT_EQ(bytes, std::string("\x00\x01\x00\x05\x01\x02\x03\x04\x0A\x0B\x0C\x0D", 12));
  auto h = yamux::DecodeHeader(bytes);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->type, FrameType::kWindowUpdate);
  EXPECT_EQ(h->flags, yamux::kFlagSyn | yamux::kFlagFin);
  EXPECT_EQ(h->stream_id, 0x01020304u);
  EXPECT_EQ(h->length, 0x0A0B0C0Du);
  EXPECT_EQ(Frame(FrameType::kData, 0, 3, 2, "hi"), std::string("\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x02hi", 14));
  EXPECT_EQ(yamux::FlagsName(yamux::kFlagAck | yamux::kFlagRst), "ACK|RST");
}

TEST(YamuxFrame, RejectsInvalidHeaders) {
  auto bad = [](std::string bytes) {
    auto h = yamux::DecodeHeader(bytes);
    return h.ok() ? std::string("accepted") : h.status().message();
  };
  EXPECT_TRUE(Contains(bad(std::string("\x07\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00", 12)), "version 7"));
  EXPECT_TRUE(Contains(bad(std::string("\x00\x04\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00", 12)), "frame type 4"));
  EXPECT_TRUE(Contains(bad(std::string("\x00\x00\x00\x10\x00\x00\x00\x01\x00\x00\x00\x00", 12)), "flags 0x10"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kData, 0, 0, 0)), "data frame on stream 0"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kWindowUpdate, 0, 0, 5)), "window_update frame on stream 0"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kPing, yamux::kFlagSyn, 1, 0)), "ping frame on stream 1"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kPing, yamux::kFlagSyn | yamux::kFlagAck, 0, 0)), "SYN|ACK"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kGoAway, 0, 3, 0)), "go_away frame on stream 3"));
  EXPECT_TRUE(Contains(bad("short"), "5 bytes"));
  EXPECT_EQ(bad(Frame(FrameType::kGoAway, 0, 0, 2)), "accepted");
}

TEST(YamuxEnd, SnakeCaseNames) {
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kNone), "none");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kLocalClose), "local_close");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kRemoteGoAway), "remote_go_away");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kEof), "eof");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kIoError), "io_error");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kProtocolError), "protocol_error");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kFlowControl), "flow_control");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kStreamLimit), "stream_limit");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kKeepaliveTimeout), "keepalive_timeout");
}

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

Task<void> OpenHold(std::shared_ptr<YamuxSession> session, std::shared_ptr<std::shared_ptr<YamuxStream>> out,
                    std::shared_ptr<Status> status) {
  auto opened = co_await session->OpenStream();
  if (opened.ok()) {
    *out = *opened;
  } else {
    *status = opened.status();
  }
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
