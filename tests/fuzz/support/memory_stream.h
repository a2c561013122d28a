// MemoryStream: a ByteStream over bytes held in memory, for the fuzz targets that can only reach a
// parser through a ByteStream (multistream-select, the yamux session). Reads serve the input in
// chunks of at most `max_chunk` bytes (so messages split across reads are exercised), then the
// clean end of the stream; writes are appended to written(). Nothing waits: every call completes at
// once, so an io_context runs a whole exchange to its end.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "node/p2p/transport/byte_stream.h"

namespace sov::fuzz {

class MemoryStream final : public p2p::ByteStream {
 public:
  MemoryStream(std::string_view input, size_t max_chunk) : input_(input), max_chunk_(max_chunk ? max_chunk : 1) {}
  p2p::Task<Result<size_t>> ReadSome(std::span<char> buffer) override;
  p2p::Task<Status> Write(std::string_view data) override;
  p2p::Task<Status> CloseWrite() override;
  void Reset() override { reset_ = true; }

  std::string_view served() const { return input_.substr(0, offset_); }  // every byte read so far
  const std::string& written() const { return written_; }
  bool reset() const { return reset_; }

 private:
  std::string_view input_;
  size_t max_chunk_;
  size_t offset_ = 0;
  std::string written_;
  bool write_closed_ = false;
  bool reset_ = false;
};

}  // namespace sov::fuzz
