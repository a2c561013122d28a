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

#include "node/p2p/transport/yamux_internal.h"

namespace sov::p2p {

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

}  // namespace sov::p2p
