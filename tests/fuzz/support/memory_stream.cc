#include "tests/fuzz/support/memory_stream.h"

#include <algorithm>
#include <cstring>

namespace sov::fuzz {

p2p::Task<Result<size_t>> MemoryStream::ReadSome(std::span<char> buffer) {
  if (reset_) co_return Status::IOError("memory stream: reset");
  const size_t n = std::min({buffer.size(), max_chunk_, input_.size() - offset_});
  if (n > 0) std::memcpy(buffer.data(), input_.data() + offset_, n);
  offset_ += n;
  co_return n;
}

p2p::Task<Status> MemoryStream::Write(std::string_view data) {
  if (reset_) co_return Status::IOError("memory stream: reset");
  if (write_closed_) co_return Status::InvalidArgument("memory stream: write after CloseWrite");
  written_.append(data);
  co_return Status::OK();
}

p2p::Task<Status> MemoryStream::CloseWrite() {
  write_closed_ = true;
  co_return Status::OK();
}

}  // namespace sov::fuzz
