// Shared by the yamux tests: two sessions over one loopback TCP connection (SessionPair), our
// session against a raw socket for hostile peers (Hostile), raw frames read and written byte by
// byte, and small coroutines (echo, write-and-close) used on both ends.
#pragma once

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

namespace sov::p2p::yamux_testing {

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

inline TcpPair ConnectPair(asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  return {std::make_shared<TcpStream>(std::move(client)), std::make_shared<TcpStream>(std::move(server))};
}

inline bool RunUntil(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
  const auto end = Clock::now() + timeout;
  while (!done() && Clock::now() < end) {
    if (io.stopped()) io.restart();
    io.run_for(2ms);
  }
  return done();
}

inline void RunFor(asio::io_context& io, std::chrono::milliseconds d) {
  if (io.stopped()) io.restart();
  io.run_for(d);
}

using sov::testing::RandomBytes;  // tests/support/host_fixture

struct ClosedRecord {
  int count = 0;
  YamuxEnd end = YamuxEnd::kNone;
  Status status;
};

inline YamuxSession::ClosedHandler Record(const std::shared_ptr<ClosedRecord>& rec) {
  return [rec](YamuxEnd end, const Status& status) {
    ++rec->count;
    rec->end = end;
    rec->status = status;
  };
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Echoes until the peer's FIN, then FINs.
inline Task<void> Echo(std::shared_ptr<YamuxStream> s) {
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

inline YamuxSession::InboundHandler EchoHandler(Executor ex) {
  return [ex](std::shared_ptr<YamuxStream> s) { Spawn(ex, Echo(std::move(s)), "echo"); };
}

struct Result2 {
  bool done = false;
  Status status;
  std::string data;
};

inline Task<void> WriteAndClose(std::shared_ptr<YamuxStream> s, std::string data, std::shared_ptr<Status> out) {
  Status st = co_await s->Write(data);
  if (st.ok()) st = co_await s->CloseWrite();
  *out = st;
}

// Opens a stream, writes `payload` (concurrently with reading) and FINs, reads the echo to the end.
inline Task<void> EchoClient(Executor ex, std::shared_ptr<YamuxSession> session, std::string payload,
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

inline Task<Status> SendFrame(std::shared_ptr<ByteStream> s, FrameType type, uint16_t flags, uint32_t id, uint32_t length,
                       std::string payload = {}) {
  std::string out;
  yamux::AppendFrame(out, FrameHeader{type, flags, id, length}, payload);
  co_return co_await s->Write(out);
}

inline Task<Result<RawFrame>> ReadFrame(std::shared_ptr<ByteStream> s) {
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
inline Task<void> SendRaw(std::shared_ptr<ByteStream> s, std::string bytes, bool close_write, std::shared_ptr<bool> done) {
  Status st = co_await s->Write(bytes);
  if (st.ok() && close_write) st = co_await s->CloseWrite();
  *done = st.ok();
}

inline std::string Frame(FrameType type, uint16_t flags, uint32_t id, uint32_t length, std::string_view payload = {}) {
  std::string out;
  yamux::AppendFrame(out, FrameHeader{type, flags, id, length}, payload);
  return out;
}

// Opens a stream on `session`: the stream lands in *out, or the error in *status.
inline Task<void> OpenHold(std::shared_ptr<YamuxSession> session, std::shared_ptr<std::shared_ptr<YamuxStream>> out,
                    std::shared_ptr<Status> status) {
  auto opened = co_await session->OpenStream();
  if (opened.ok()) {
    *out = *opened;
  } else {
    *status = opened.status();
  }
}

}  // namespace sov::p2p::yamux_testing
