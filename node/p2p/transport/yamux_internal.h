// Internal to yamux.cc and yamux_stream.cc: the state of one yamux stream and of a session. Not
// part of the transport's interface; include yamux.h instead.
#pragma once

#include <algorithm>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include <asio/post.hpp>
#include <fmt/format.h>

#include "node/p2p/transport/yamux.h"
#include "node/p2p/wire/yamux_frame.h"

namespace sov::p2p {

using yamux::FrameHeader;
using yamux::FrameType;
using yamux::kFlagAck;
using yamux::kFlagFin;
using yamux::kFlagRst;
using yamux::kFlagSyn;
using yamux::kSpecInitialWindow;

// Bounds of a session (internal: only the two yamux TUs see them).
inline constexpr size_t kMaxQueuedData = 1 << 20;     // Write() waits while this much is queued for the socket
inline constexpr size_t kMaxQueuedControl = 4 << 20;  // the read loop pauses while this much is queued
inline constexpr size_t kReadBufferSize = 64 * 1024;
inline constexpr size_t kKeepDrainedBuffer = 64 * 1024;  // a drained stream buffer larger than this is freed
inline constexpr auto kCloseFlushTimeout = std::chrono::seconds(5);

struct YamuxStream::State {
  State(Executor ex, uint32_t stream_id, bool is_inbound, uint32_t window)
      : id(stream_id), inbound(is_inbound), signal(ex), recv_window(window), recv_credit(window) {}
  size_t buffered() const { return rbuf.size() - rpos; }

  const uint32_t id;
  const bool inbound;
  Signal signal;  // wakes this stream's reader and writers on any change

  // Receive side. Invariant: buffered() + recv_credit + unacked == recv_window.
  std::string rbuf;
  size_t rpos = 0;
  uint32_t recv_window;   // the window we grant (grows up to max_window)
  uint32_t recv_credit;   // bytes the peer may still send
  uint32_t unacked = 0;   // consumed by the application, not yet returned in a WindowUpdate
  bool remote_fin = false;

  // Send side.
  uint64_t send_window = kSpecInitialWindow;
  bool local_fin = false;
  bool write_busy = false;  // one Write (or the CloseWrite after it) at a time

  bool in_table = true;  // false once both FINs were seen, after a reset, or when the session ended
  bool reset_local = false;
  bool reset_remote = false;
  bool session_ended = false;
  Status session_status;  // why operations fail once session_ended
};

struct YamuxSession::Impl {
  using StreamPtr = std::shared_ptr<YamuxStream::State>;
  enum class Fill { kOk, kEof, kError, kClosed };
  struct PingWait {
    Clock::time_point sent;
    bool answered = false;
    Clock::duration rtt{};
  };

  Impl(YamuxSession* session, Executor executor, std::shared_ptr<ByteStream> connection, Role r, YamuxOptions o)
      : owner(session),
        ex(executor),
        conn(std::move(connection)),
        role(r),
        opt(o),
        recv_initial(std::max(o.initial_window, kSpecInitialWindow)),
        max_window(std::max(o.max_window, recv_initial)),
        max_send_frame(std::max<uint32_t>(o.max_send_frame, 1)),
        next_stream_id(r == Role::kClient ? 1 : 2),
        write_ready(executor),
        queue_space(executor),
        accept_ready(executor),
        accept_space(executor),
        ping_answered(executor),
        closed_signal(executor),
        last_activity(Clock::now()),
        rbuf(kReadBufferSize) {}

  YamuxSession* const owner;
  const Executor ex;
  const std::shared_ptr<ByteStream> conn;
  const Role role;
  const YamuxOptions opt;
  const uint32_t recv_initial;
  const uint32_t max_window;
  const uint32_t max_send_frame;

  InboundHandler on_stream;
  ClosedHandler on_closed;
  bool started = false;
  bool closed = false;
  bool writer_running = false;
  bool read_ended = false;  // the connection's read side hit EOF or an error
  YamuxEnd end = YamuxEnd::kNone;
  Status end_status;
  bool remote_goaway = false;
  uint32_t remote_goaway_code = 0;

  uint64_t next_stream_id;
  std::unordered_map<uint32_t, StreamPtr> streams;
  size_t inbound_open = 0;
  size_t outbound_open = 0;
  size_t refused = 0;
  std::deque<std::shared_ptr<YamuxStream>> accept_queue;

  std::string out;  // encoded frames waiting for the writer, in order
  Signal write_ready, queue_space, accept_ready, accept_space, ping_answered, closed_signal;
  std::optional<Deadline> flush_deadline;

  uint32_t next_ping_id = 1;
  std::unordered_map<uint32_t, PingWait> pings;

  Clock::time_point last_activity;
  std::vector<char> rbuf;  // bytes read from the connection, [rbeg, rend) not yet parsed
  size_t rbeg = 0, rend = 0;
  Status read_error;

  void Enqueue(FrameType type, uint16_t flags, uint32_t id, uint32_t length, std::string_view payload = {}) {
    yamux::AppendFrame(out, FrameHeader{type, flags, id, length}, payload);
    write_ready.Notify();
  }

  // True if `id` is in the peer's id space (the client opens odd ids, the server even ones).
  bool PeerOwns(uint32_t id) const { return (id % 2 == 1) == (role == Role::kServer); }

  Status ClosedStatus(std::string_view what) const {
    return Status::IOError(
        fmt::format("yamux {}: session ended ({}): {}", what, YamuxEndName(end), end_status.message()));
  }

  void Fail(YamuxEnd why, std::string message) { owner->CloseWith(why, Status::Corruption(std::move(message))); }

  // Why a Write/CloseWrite cannot proceed (OK if it can).
  static Status WriteBlocked(const YamuxStream::State& st) {
    if (st.reset_local) return Status::Aborted(fmt::format("yamux stream {} was reset", st.id));
    if (st.reset_remote) return Status::IOError(fmt::format("yamux stream {} reset by peer", st.id));
    if (st.session_ended) return st.session_status;
    if (st.local_fin) return Status::Aborted(fmt::format("yamux stream {}: write after CloseWrite", st.id));
    return Status::OK();
  }

  // Takes a stream out of the table (both FINs seen, or reset).
  void Remove(StreamPtr st) {
    if (!st->in_table) return;
    st->in_table = false;
    streams.erase(st->id);
    --(st->inbound ? inbound_open : outbound_open);
    st->signal.Notify();
    if (remote_goaway && streams.empty() && !closed) {
      owner->CloseWith(YamuxEnd::kRemoteGoAway,
                       Status::Aborted(fmt::format("yamux: peer sent GoAway ({}) and its last stream ended",
                                                   yamux::GoAwayCodeName(remote_goaway_code))));
    }
  }

  // The application consumed `n` bytes of `st`: return credit to the peer when due.
  void Consumed(const StreamPtr& st, size_t n) {
    last_activity = Clock::now();
    st->unacked += static_cast<uint32_t>(n);
    if (closed || !st->in_table || st->remote_fin || st->reset_local) return;
    if (st->unacked < st->recv_window / 2) return;
    uint32_t grow = 0;
    if (st->buffered() == 0 && st->recv_window < max_window) {
      const auto next = static_cast<uint32_t>(std::min<uint64_t>(uint64_t{st->recv_window} * 2, max_window));
      grow = next - st->recv_window;
      st->recv_window = next;
    }
    const uint32_t delta = st->unacked + grow;
    st->unacked = 0;
    st->recv_credit += delta;
    Enqueue(FrameType::kWindowUpdate, 0, st->id, delta);
  }

  // Ensures at least `need` (<= 12) unparsed bytes are buffered.
  Task<Fill> FillBuffer(size_t need) {
    while (rend - rbeg < need) {
      if (closed) co_return Fill::kClosed;
      if (rbeg == rend) {
        rbeg = rend = 0;
      } else if (rbuf.size() - rend < 4096) {
        std::memmove(rbuf.data(), rbuf.data() + rbeg, rend - rbeg);
        rend -= rbeg;
        rbeg = 0;
      }
      auto r = co_await conn->ReadSome(std::span<char>(rbuf.data() + rend, rbuf.size() - rend));
      if (closed) co_return Fill::kClosed;
      if (!r.ok()) {
        read_ended = true;
        read_error = r.status();
        co_return Fill::kError;
      }
      if (*r == 0) {
        read_ended = true;
        co_return Fill::kEof;
      }
      rend += *r;
    }
    co_return Fill::kOk;
  }

  // Ends the session after the connection's read side failed; `inside` names a partial frame.
  void ReadFailed(Fill fill, const std::string& inside) {
    if (closed || fill == Fill::kClosed) return;
    if (fill == Fill::kError) {
      owner->CloseWith(YamuxEnd::kIoError,
                       read_error.WithContext(inside.empty() ? "yamux read" : "yamux read inside " + inside));
    } else if (!inside.empty()) {
      owner->CloseWith(YamuxEnd::kEof, Status::Corruption("yamux: connection ended inside " + inside));
    } else if (remote_goaway) {
      owner->CloseWith(YamuxEnd::kRemoteGoAway,
                       Status::Aborted(fmt::format("yamux: connection closed after the peer's GoAway ({})",
                                                   yamux::GoAwayCodeName(remote_goaway_code))));
    } else {
      owner->CloseWith(YamuxEnd::kEof, Status::IOError("yamux: connection closed by the peer"));
    }
  }

  Task<void> ReadLoop(std::shared_ptr<YamuxSession> self);
  Task<void> HandleStreamFrame(FrameHeader h);
  void HandlePing(const FrameHeader& h);
  void HandleGoAway(const FrameHeader& h);
  Task<void> WriteLoop(std::shared_ptr<YamuxSession> self);
  Task<void> AcceptLoop(std::shared_ptr<YamuxSession> self);
  Task<void> KeepaliveLoop(std::shared_ptr<YamuxSession> self);
};

}  // namespace sov::p2p
