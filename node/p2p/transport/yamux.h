// Yamux (/yamux/1.0.0): many streams over one secured connection. Both roles (the dialer is the
// client and opens odd stream ids), per-stream flow control honoured both ways (we never send past
// the peer's window; a peer that sends past ours is a protocol error that ends the session), window
// updates sent as the reader consumes, half-close (FIN), reset (RST), ping (keepalive and RTT), and
// go-away. Every bound is an option: streams per session, frame size, receive window.
//
// One session runs on one io_context thread: a read loop dispatches frames, and one writer drains a
// FIFO of frames so frames never interleave on the wire.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"
#include "store/base/status.h"

namespace sov::p2p {

struct YamuxOptions {
  uint32_t initial_window = 256 * 1024;     // the spec's fixed initial window, both directions
  uint32_t max_window = 16 * 1024 * 1024;   // receive window may grow to this while the reader keeps up
  uint32_t max_send_frame = 64 * 1024;      // payload bytes per Data frame we send
  size_t max_inbound_streams = 1000;        // open streams the peer may have; more are reset (RST)
  size_t max_outbound_streams = 1000;       // OpenStream fails beyond this
  size_t max_refused_streams = 256;         // this many resets for over-limit opens: session ends (kStreamLimit)
  size_t max_accept_backlog = 256;          // inbound streams not yet taken by a handler
  std::chrono::milliseconds keepalive_interval{30'000};  // 0 disables keepalive pings
  std::chrono::milliseconds ping_timeout{15'000};        // no ping answer within: session ends
};

enum class YamuxEnd : uint8_t {
  kNone = 0,
  kLocalClose,        // Close() was called
  kRemoteGoAway,      // the peer sent GoAway
  kEof,               // the connection ended without GoAway
  kIoError,           // the connection broke (read/write error, decrypt failure below us)
  kProtocolError,     // bad version/type/flags, wrong stream id parity, frame on stream 0, ...
  kFlowControl,       // the peer sent more data than the window it was given
  kStreamLimit,       // the peer kept opening streams past the limit
  kKeepaliveTimeout,  // no answer to our ping within ping_timeout
};
const char* YamuxEndName(YamuxEnd end);  // "protocol_error", ...

class YamuxSession;

class YamuxStream final : public ByteStream {
 public:
  ~YamuxStream() override;
  // Returns 0 once the peer has half-closed and everything before its FIN was read; an error after
  // a reset ("stream 5 reset by peer") or when the session is gone.
  Task<Result<size_t>> ReadSome(std::span<char> buffer) override;
  // Splits into Data frames of at most max_send_frame, each within the peer's window (waits for
  // window updates). Fails after a reset, after CloseWrite, or when the session is gone.
  Task<Status> Write(std::string_view data) override;
  Task<Status> CloseWrite() override;  // sends FIN once
  void Reset() override;               // sends RST once, fails pending operations

  uint32_t id() const { return id_; }
  bool inbound() const { return inbound_; }
  // The protocol negotiated on this stream (set by whoever negotiated it; for listings and logs).
  std::string protocol;

 private:
  friend class YamuxSession;
  struct State;
  YamuxStream(std::shared_ptr<YamuxSession> session, std::shared_ptr<State> state);
  std::shared_ptr<YamuxSession> session_;  // a stream keeps its session (and connection) alive
  uint32_t id_;
  bool inbound_;
  std::shared_ptr<State> state_;  // shared with the session's stream table and pending operations
};

class YamuxSession : public std::enable_shared_from_this<YamuxSession> {
 public:
  enum class Role { kClient, kServer };  // the dialer is the client
  using InboundHandler = std::function<void(std::shared_ptr<YamuxStream>)>;
  // Called exactly once when the session ends, with why and a message saying what exactly.
  using ClosedHandler = std::function<void(YamuxEnd, const Status&)>;

  static std::shared_ptr<YamuxSession> Create(Executor ex, std::shared_ptr<ByteStream> connection, Role role,
                                              YamuxOptions options = {});
  ~YamuxSession();

  // Starts the read loop, the writer and keepalive. `on_stream` gets each accepted inbound stream.
  void Start(InboundHandler on_stream, ClosedHandler on_closed);
  // Opens a stream (sends SYN); data may be written before the peer's ACK arrives.
  Task<Result<std::shared_ptr<YamuxStream>>> OpenStream();
  // Round-trip time of one session ping.
  Task<Result<std::chrono::nanoseconds>> Ping();
  // Sends GoAway(normal) if the connection is still up, resets every stream, closes the connection
  // and reports kLocalClose. Idempotent.
  void Close();
  // Closes with `end` and `why` (e.g. the host trimming idle connections, or a protocol violation
  // found above yamux).
  void CloseWith(YamuxEnd end, Status why);

  bool closed() const;
  size_t open_streams() const;
  Role role() const;
  // Last time a stream was opened, accepted, or carried data (pings do not count): for idle trimming.
  Clock::time_point last_activity() const;

 private:
  friend class YamuxStream;
  struct Impl;
  YamuxSession() = default;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sov::p2p
