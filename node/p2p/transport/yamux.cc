// Yamux session and streams. Everything runs on the session's executor (one thread), so plain
// fields and Signals suffice. Ownership: a YamuxStream holds its session; the session's table holds
// only stream State (never the YamuxStream), so dropping the last YamuxStream resets it. The read,
// write, accept and keepalive coroutines each hold the session until it closes.
//
// Decisions worth knowing:
// - Our receive window for a new stream is max(initial_window, 256 KiB); anything above 256 KiB is
//   announced as the delta of the SYN (OpenStream) or ACK (accept) WindowUpdate. Our send window
//   always starts at the spec's 256 KiB.
// - Window updates are sent when the application has consumed at least half the current window.
//   Auto-tune: if the stream's buffer is empty at that moment (the reader keeps up, so the sender
//   is limited by our window), the window doubles, up to max_window.
// - A peer's GoAway stops OpenStream; existing streams go on. The session ends with kRemoteGoAway
//   when the last stream is gone or when the connection ends, whichever comes first.
// - The accept backlog is bounded by pausing the read loop (not by refusing streams) while
//   max_accept_backlog streams wait for the handler.
// - Ending: kLocalClose / protocol violations / kRemoteGoAway flush the queued frames (plus our
//   GoAway, code 0 for a local close, 1 for a violation) within 5 s, then close the connection;
//   kEof / kIoError / kKeepaliveTimeout close it at once.
#include "node/p2p/transport/yamux.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include <asio/post.hpp>
#include <fmt/format.h>

#include "node/p2p/wire/yamux_frame.h"

namespace sov::p2p {

using yamux::FrameHeader;
using yamux::FrameType;
using yamux::kFlagAck;
using yamux::kFlagFin;
using yamux::kFlagRst;
using yamux::kFlagSyn;
using yamux::kSpecInitialWindow;

namespace {

constexpr size_t kMaxQueuedData = 1 << 20;     // Write() waits while this much is queued for the socket
constexpr size_t kMaxQueuedControl = 4 << 20;  // the read loop pauses while this much is queued
constexpr size_t kReadBufferSize = 64 * 1024;
constexpr size_t kKeepDrainedBuffer = 64 * 1024;  // a drained stream buffer larger than this is freed
constexpr auto kCloseFlushTimeout = std::chrono::seconds(5);

}  // namespace

const char* YamuxEndName(YamuxEnd end) {
  switch (end) {
    case YamuxEnd::kNone: return "none";
    case YamuxEnd::kLocalClose: return "local_close";
    case YamuxEnd::kRemoteGoAway: return "remote_go_away";
    case YamuxEnd::kEof: return "eof";
    case YamuxEnd::kIoError: return "io_error";
    case YamuxEnd::kProtocolError: return "protocol_error";
    case YamuxEnd::kFlowControl: return "flow_control";
    case YamuxEnd::kStreamLimit: return "stream_limit";
    case YamuxEnd::kKeepaliveTimeout: return "keepalive_timeout";
  }
  return "unknown";
}

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

// ---------------------------------------------------------------------------------------------
// Session loops.

Task<void> YamuxSession::Impl::ReadLoop(std::shared_ptr<YamuxSession> self) {
  while (!closed) {
    while (out.size() >= kMaxQueuedControl && !closed) co_await queue_space.Wait();
    if (closed) break;
    const Fill fill = co_await FillBuffer(yamux::kHeaderSize);
    if (fill != Fill::kOk) {
      ReadFailed(fill, rend == rbeg ? std::string() : fmt::format("a frame header ({} of {} bytes)", rend - rbeg,
                                                                  yamux::kHeaderSize));
      break;
    }
    auto decoded = yamux::DecodeHeader(std::string_view(rbuf.data() + rbeg, yamux::kHeaderSize));
    if (!decoded.ok()) {
      owner->CloseWith(YamuxEnd::kProtocolError, decoded.status());
      break;
    }
    rbeg += yamux::kHeaderSize;
    const FrameHeader h = *decoded;
    switch (h.type) {
      case FrameType::kData:
      case FrameType::kWindowUpdate:
        co_await HandleStreamFrame(h);
        break;
      case FrameType::kPing:
        HandlePing(h);
        break;
      case FrameType::kGoAway:
        HandleGoAway(h);
        break;
    }
  }
  (void)self;
}

Task<void> YamuxSession::Impl::HandleStreamFrame(FrameHeader h) {
  const uint32_t id = h.stream_id;
  StreamPtr st;
  std::shared_ptr<YamuxStream> accepted;
  if (h.flags & kFlagSyn) {
    if (!PeerOwns(id)) {
      Fail(YamuxEnd::kProtocolError,
           fmt::format("yamux: peer opened stream {} with the wrong parity (as the {} we expect {} ids from it)", id,
                       role == Role::kClient ? "client" : "server", role == Role::kClient ? "even" : "odd"));
      co_return;
    }
    if (streams.count(id)) {
      Fail(YamuxEnd::kProtocolError, fmt::format("yamux: SYN on stream {}, which is already open", id));
      co_return;
    }
    if (inbound_open >= opt.max_inbound_streams) {
      Enqueue(FrameType::kWindowUpdate, kFlagRst, id, 0);
      if (++refused >= opt.max_refused_streams) {
        Fail(YamuxEnd::kStreamLimit,
             fmt::format("yamux: peer opened streams past the limit of {} open streams {} times (last: stream {})",
                         opt.max_inbound_streams, refused, id));
        co_return;
      }
    } else {
      st = std::make_shared<YamuxStream::State>(ex, id, true, recv_initial);
      streams.emplace(id, st);
      ++inbound_open;
      Enqueue(FrameType::kWindowUpdate, kFlagAck, id, recv_initial - kSpecInitialWindow);
      last_activity = Clock::now();
      accepted.reset(new YamuxStream(owner->shared_from_this(), st));
    }
  } else if (auto it = streams.find(id); it != streams.end()) {
    st = it->second;
  }

  if (h.type == FrameType::kData) {
    if (h.length > max_window) {
      Fail(YamuxEnd::kFlowControl, fmt::format("yamux: data frame of {} bytes on stream {} exceeds the maximum window "
                                               "of {} bytes",
                                               h.length, id, max_window));
      co_return;
    }
    if (st) {
      if (st->remote_fin) {
        Fail(YamuxEnd::kProtocolError, fmt::format("yamux: data frame on stream {} after the peer's FIN", id));
        co_return;
      }
      if (h.length > st->recv_credit) {
        Fail(YamuxEnd::kFlowControl,
             fmt::format("yamux: stream {}: data frame of {} bytes exceeds the receive window ({} bytes left of {})",
                         id, h.length, st->recv_credit, st->recv_window));
        co_return;
      }
      st->recv_credit -= h.length;
      if (h.length > 0) last_activity = Clock::now();
    }
    // The payload is consumed even when no stream wants it (unknown, closed or refused id).
    uint32_t remaining = h.length;
    while (remaining > 0) {
      if (rbeg == rend) {
        const Fill fill = co_await FillBuffer(1);
        if (fill != Fill::kOk) {
          ReadFailed(fill, fmt::format("the payload of a data frame on stream {} ({} of {} bytes)", id,
                                       h.length - remaining, h.length));
          co_return;
        }
      }
      const size_t take = std::min<size_t>(rend - rbeg, remaining);
      if (st && st->in_table) {
        st->rbuf.append(rbuf.data() + rbeg, take);
        st->signal.Notify();
      }
      rbeg += take;
      remaining -= static_cast<uint32_t>(take);
    }
  }
  if (closed || !st || !st->in_table) co_return;

  if (h.type == FrameType::kWindowUpdate && h.length > 0) {
    st->send_window += h.length;
    st->signal.Notify();
  }
  if ((h.flags & kFlagFin) && !st->remote_fin) {
    st->remote_fin = true;
    st->signal.Notify();
    if (st->local_fin) Remove(st);
  }
  if (h.flags & kFlagRst) {
    st->reset_remote = true;
    Remove(st);
  }
  if (accepted && st->in_table) {
    const size_t backlog = std::max<size_t>(opt.max_accept_backlog, 1);
    while (accept_queue.size() >= backlog && !closed) co_await accept_space.Wait();
    if (closed) co_return;
    accept_queue.push_back(std::move(accepted));
    accept_ready.Notify();
  }
}

void YamuxSession::Impl::HandlePing(const FrameHeader& h) {
  if (h.flags == kFlagSyn) {
    Enqueue(FrameType::kPing, kFlagAck, 0, h.length);
    return;
  }
  auto it = pings.find(h.length);
  if (it == pings.end() || it->second.answered) {
    Fail(YamuxEnd::kProtocolError, fmt::format("yamux: ping ACK with value {} matches no outstanding ping", h.length));
    return;
  }
  it->second.answered = true;
  it->second.rtt = Clock::now() - it->second.sent;
  ping_answered.Notify();
}

void YamuxSession::Impl::HandleGoAway(const FrameHeader& h) {
  remote_goaway = true;
  remote_goaway_code = h.length;
  if (streams.empty()) {
    owner->CloseWith(YamuxEnd::kRemoteGoAway,
                     Status::Aborted(fmt::format("yamux: peer sent GoAway ({})", yamux::GoAwayCodeName(h.length))));
  }
}

Task<void> YamuxSession::Impl::WriteLoop(std::shared_ptr<YamuxSession> self) {
  std::string batch;
  for (;;) {
    while (out.empty() && !closed) co_await write_ready.Wait();
    if (out.empty()) break;  // closed and flushed
    batch.clear();
    batch.swap(out);
    queue_space.Notify();
    const Status s = co_await conn->Write(batch);
    if (!s.ok()) {
      self->CloseWith(YamuxEnd::kIoError, s.WithContext("yamux write"));
      break;
    }
  }
  writer_running = false;
  flush_deadline.reset();
  conn->Reset();
}

Task<void> YamuxSession::Impl::AcceptLoop(std::shared_ptr<YamuxSession> self) {
  for (;;) {
    while (accept_queue.empty() && !closed) co_await accept_ready.Wait();
    if (closed) break;
    std::shared_ptr<YamuxStream> stream = std::move(accept_queue.front());
    accept_queue.pop_front();
    accept_space.Notify();
    if (!stream->state_->in_table) continue;  // reset before a handler took it
    InboundHandler handler = on_stream;       // a copy: the handler may close the session
    if (handler) handler(std::move(stream));
  }
  on_stream = nullptr;
  (void)self;
}

Task<void> YamuxSession::Impl::KeepaliveLoop(std::shared_ptr<YamuxSession> self) {
  while (!closed) {
    co_await closed_signal.WaitFor(opt.keepalive_interval);
    if (closed) break;
    auto rtt = co_await self->Ping();
    if (!rtt.ok()) break;
  }
}

// ---------------------------------------------------------------------------------------------
// YamuxSession.

std::shared_ptr<YamuxSession> YamuxSession::Create(Executor ex, std::shared_ptr<ByteStream> connection, Role role,
                                                   YamuxOptions options) {
  std::shared_ptr<YamuxSession> session(new YamuxSession());
  session->impl_ = std::make_unique<Impl>(session.get(), ex, std::move(connection), role, options);
  return session;
}

YamuxSession::~YamuxSession() {
  if (impl_ && !impl_->closed) impl_->conn->Reset();
}

void YamuxSession::Start(InboundHandler on_stream, ClosedHandler on_closed) {
  Impl& d = *impl_;
  if (d.started) return;
  d.started = true;
  d.on_stream = std::move(on_stream);
  d.on_closed = std::move(on_closed);
  auto self = shared_from_this();
  if (d.closed) {
    if (d.on_closed) {
      asio::post(d.ex, [self, handler = std::move(d.on_closed), end = d.end, why = d.end_status] { handler(end, why); });
      d.on_closed = nullptr;
    }
    return;
  }
  d.writer_running = true;
  Spawn(d.ex, d.WriteLoop(self), "yamux writer");
  Spawn(d.ex, d.ReadLoop(self), "yamux reader");
  Spawn(d.ex, d.AcceptLoop(self), "yamux acceptor");
  if (d.opt.keepalive_interval.count() > 0) Spawn(d.ex, d.KeepaliveLoop(self), "yamux keepalive");
}

Task<Result<std::shared_ptr<YamuxStream>>> YamuxSession::OpenStream() {
  auto self = shared_from_this();
  Impl& d = *impl_;
  if (d.closed) co_return d.ClosedStatus("open stream");
  if (d.remote_goaway) {
    co_return Status::Aborted(fmt::format("yamux open stream: the peer sent GoAway ({}); no new streams",
                                          yamux::GoAwayCodeName(d.remote_goaway_code)));
  }
  if (d.outbound_open >= d.opt.max_outbound_streams) {
    co_return Status::Busy(fmt::format("yamux open stream: {} outbound streams already open", d.outbound_open));
  }
  if (d.next_stream_id > UINT32_MAX) co_return Status::Busy("yamux open stream: stream ids exhausted");
  const auto id = static_cast<uint32_t>(d.next_stream_id);
  d.next_stream_id += 2;
  auto st = std::make_shared<YamuxStream::State>(d.ex, id, false, d.recv_initial);
  d.streams.emplace(id, st);
  ++d.outbound_open;
  d.Enqueue(FrameType::kWindowUpdate, kFlagSyn, id, d.recv_initial - kSpecInitialWindow);
  d.last_activity = Clock::now();
  co_return std::shared_ptr<YamuxStream>(new YamuxStream(self, st));
}

Task<Result<std::chrono::nanoseconds>> YamuxSession::Ping() {
  auto self = shared_from_this();
  Impl& d = *impl_;
  if (d.closed) co_return d.ClosedStatus("ping");
  const uint32_t id = d.next_ping_id++;
  const Clock::time_point sent = Clock::now();
  d.pings[id] = Impl::PingWait{sent};
  d.Enqueue(FrameType::kPing, kFlagSyn, 0, id);
  const Clock::time_point deadline = sent + d.opt.ping_timeout;
  for (;;) {
    auto it = d.pings.find(id);
    if (it != d.pings.end() && it->second.answered) {
      const auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(it->second.rtt);
      d.pings.erase(it);
      co_return rtt;
    }
    if (d.closed) {
      d.pings.erase(id);
      co_return d.ClosedStatus("ping");
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      d.pings.erase(id);
      CloseWith(YamuxEnd::kKeepaliveTimeout,
                Status::IOError(fmt::format("yamux: no answer to ping {} within {} ms", id, d.opt.ping_timeout.count())));
      co_return d.ClosedStatus("ping");
    }
    co_await d.ping_answered.WaitFor(deadline - now);
  }
}

void YamuxSession::Close() { CloseWith(YamuxEnd::kLocalClose, Status::Aborted("yamux session closed locally")); }

void YamuxSession::CloseWith(YamuxEnd end, Status why) {
  Impl& d = *impl_;
  if (d.closed) return;
  auto self = shared_from_this();
  if (why.ok()) why = Status::Aborted(fmt::format("yamux session closed ({})", YamuxEndName(end)));
  d.closed = true;
  d.end = end;
  d.end_status = why;

  auto streams = std::move(d.streams);
  d.streams.clear();
  d.inbound_open = d.outbound_open = 0;
  for (auto& [id, st] : streams) {
    st->in_table = false;
    st->session_ended = true;
    st->session_status = Status::IOError(
        fmt::format("yamux stream {}: session ended ({}): {}", id, YamuxEndName(end), why.message()));
    st->signal.Notify();
  }
  // Streams no handler took yet: dropped after the table is cleared, so their destructors send nothing.
  auto backlog = std::move(d.accept_queue);
  d.accept_queue.clear();

  const bool graceful = d.writer_running && !d.read_ended &&
                        (end == YamuxEnd::kLocalClose || end == YamuxEnd::kProtocolError ||
                         end == YamuxEnd::kFlowControl || end == YamuxEnd::kStreamLimit ||
                         end == YamuxEnd::kRemoteGoAway);
  if (graceful) {
    if (end != YamuxEnd::kRemoteGoAway) {
      d.Enqueue(FrameType::kGoAway, 0, 0,
                end == YamuxEnd::kLocalClose ? yamux::kGoAwayNormal : yamux::kGoAwayProtocolError);
    }
    d.flush_deadline.emplace(d.ex, kCloseFlushTimeout, [conn = d.conn] { conn->Reset(); });
  } else {
    d.out.clear();
    d.conn->Reset();
  }
  d.write_ready.Notify();
  d.queue_space.Notify();
  d.accept_ready.Notify();
  d.accept_space.Notify();
  d.ping_answered.Notify();
  d.closed_signal.Notify();
  if (d.started && d.on_closed) {
    asio::post(d.ex, [self, handler = std::move(d.on_closed), end, why] { handler(end, why); });
    d.on_closed = nullptr;
  }
}

bool YamuxSession::closed() const { return impl_->closed; }
size_t YamuxSession::open_streams() const { return impl_->streams.size(); }
YamuxSession::Role YamuxSession::role() const { return impl_->role; }
Clock::time_point YamuxSession::last_activity() const { return impl_->last_activity; }

// ---------------------------------------------------------------------------------------------
// YamuxStream.

YamuxStream::YamuxStream(std::shared_ptr<YamuxSession> session, std::shared_ptr<State> state)
    : session_(std::move(session)), id_(state->id), inbound_(state->inbound), state_(std::move(state)) {}

YamuxStream::~YamuxStream() {
  auto& d = *session_->impl_;
  if (d.closed || !state_->in_table) return;
  // Dropped without a full close: reset it so the peer is not left waiting.
  state_->reset_local = true;
  d.Enqueue(FrameType::kWindowUpdate, kFlagRst, id_, 0);
  d.Remove(state_);
}

Task<Result<size_t>> YamuxStream::ReadSome(std::span<char> buffer) {
  auto st = state_;
  auto session = session_;
  for (;;) {
    if (st->reset_local) co_return Status::Aborted(fmt::format("yamux stream {} was reset", st->id));
    if (st->reset_remote) co_return Status::IOError(fmt::format("yamux stream {} reset by peer", st->id));
    if (st->buffered() > 0 || buffer.empty()) break;
    if (st->remote_fin) co_return size_t{0};
    if (st->session_ended) co_return st->session_status;
    co_await st->signal.Wait();
  }
  const size_t n = std::min(buffer.size(), st->buffered());
  std::memcpy(buffer.data(), st->rbuf.data() + st->rpos, n);
  st->rpos += n;
  if (st->rpos == st->rbuf.size()) {
    if (st->rbuf.capacity() > kKeepDrainedBuffer) {
      std::string().swap(st->rbuf);
    } else {
      st->rbuf.clear();
    }
    st->rpos = 0;
  } else if (st->rpos >= kKeepDrainedBuffer && st->rpos * 2 >= st->rbuf.size()) {
    st->rbuf.erase(0, st->rpos);
    st->rpos = 0;
  }
  session->impl_->Consumed(st, n);
  co_return n;
}

Task<Status> YamuxStream::Write(std::string_view data) {
  auto st = state_;
  auto session = session_;
  auto& d = *session->impl_;
  while (st->write_busy && YamuxSession::Impl::WriteBlocked(*st).ok()) co_await st->signal.Wait();
  Status result = YamuxSession::Impl::WriteBlocked(*st);
  if (!result.ok()) co_return result;
  st->write_busy = true;
  size_t off = 0;
  while (off < data.size()) {
    result = YamuxSession::Impl::WriteBlocked(*st);
    if (!result.ok()) break;
    if (st->send_window == 0) {
      co_await st->signal.Wait();
      continue;
    }
    if (d.out.size() >= kMaxQueuedData) {
      co_await d.queue_space.Wait();
      continue;
    }
    const size_t n = std::min<size_t>({data.size() - off, st->send_window, d.max_send_frame});
    d.Enqueue(FrameType::kData, 0, st->id, static_cast<uint32_t>(n), data.substr(off, n));
    st->send_window -= n;
    off += n;
    d.last_activity = Clock::now();
  }
  st->write_busy = false;
  st->signal.Notify();
  co_return result;
}

Task<Status> YamuxStream::CloseWrite() {
  auto st = state_;
  auto session = session_;
  auto& d = *session->impl_;
  while (st->write_busy && YamuxSession::Impl::WriteBlocked(*st).ok()) co_await st->signal.Wait();
  if (st->local_fin && !st->reset_local && !st->reset_remote) co_return Status::OK();  // FIN already sent
  const Status blocked = YamuxSession::Impl::WriteBlocked(*st);
  if (!blocked.ok()) co_return blocked;
  st->local_fin = true;
  d.Enqueue(FrameType::kWindowUpdate, kFlagFin, st->id, 0);
  st->signal.Notify();
  if (st->remote_fin) d.Remove(st);
  co_return Status::OK();
}

void YamuxStream::Reset() {
  auto st = state_;
  if (st->reset_local || st->reset_remote) return;
  st->reset_local = true;
  auto& d = *session_->impl_;
  if (!d.closed && st->in_table) {
    d.Enqueue(FrameType::kWindowUpdate, kFlagRst, st->id, 0);
    d.Remove(st);
  }
  st->signal.Notify();
}

}  // namespace sov::p2p
