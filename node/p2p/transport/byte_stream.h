// ByteStream: an ordered, reliable, bidirectional byte channel used through coroutines. A TCP socket,
// a Noise-secured connection and a yamux stream all are one, so multistream-select and every
// protocol handler run the same way at every layer. Also: a stream that first replays bytes read
// ahead (multistream-select's leftovers), and helpers for exact and length-prefixed reads.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "node/p2p/transport/async.h"
#include "store/base/status.h"

namespace sov::p2p {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads at least one byte into `buffer`. Returns 0 at the clean end of the stream (the peer
  // closed its write side); an error when the stream broke or was reset.
  virtual Task<Result<size_t>> ReadSome(std::span<char> buffer) = 0;
  // Writes all of `data` (waits for socket space or flow-control credit).
  virtual Task<Status> Write(std::string_view data) = 0;
  // Half-close: we write no more; reading goes on.
  virtual Task<Status> CloseWrite() = 0;
  // Abrupt close of both directions (TCP close, yamux RST). Idempotent; pending operations fail.
  virtual void Reset() = 0;
};

// Serves `prefix` first, then reads from `inner`. Writes go straight to `inner`.
class PrefixedStream final : public ByteStream {
 public:
  PrefixedStream(std::shared_ptr<ByteStream> inner, std::string prefix)
      : inner_(std::move(inner)), prefix_(std::move(prefix)) {}
  Task<Result<size_t>> ReadSome(std::span<char> buffer) override;
  Task<Status> Write(std::string_view data) override { return inner_->Write(data); }
  Task<Status> CloseWrite() override { return inner_->CloseWrite(); }
  void Reset() override { inner_->Reset(); }
  const std::shared_ptr<ByteStream>& inner() const { return inner_; }

 private:
  std::shared_ptr<ByteStream> inner_;
  std::string prefix_;
  size_t offset_ = 0;
};

// Wraps `inner` so that `leftover` is read first; returns `inner` itself when there is none.
std::shared_ptr<ByteStream> WithLeftover(std::shared_ptr<ByteStream> inner, std::string leftover);

// Reads exactly `n` bytes. A clean end of stream before that is an error naming `what`.
Task<Result<std::string>> ReadExact(ByteStream& stream, size_t n, std::string_view what);
// Reads until the end of the stream, failing past `max_bytes`.
Task<Result<std::string>> ReadToEnd(ByteStream& stream, size_t max_bytes, std::string_view what);
// Reads one uvarint(length) || bytes message, at most `max_bytes` long (the bound is checked before
// anything is allocated). Reads one byte at a time for the prefix so nothing past it is consumed.
Task<Result<std::string>> ReadLengthPrefixed(ByteStream& stream, size_t max_bytes, std::string_view what);
Task<Status> WriteLengthPrefixed(ByteStream& stream, std::string_view message);

}  // namespace sov::p2p
