// YamuxStream: reads, writes, half-close and reset of one stream (the session is in yamux.cc).
#include "node/p2p/transport/yamux.h"

#include "node/p2p/transport/yamux_internal.h"

namespace sov::p2p {

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
