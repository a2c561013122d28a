#include "node/p2p/transport/byte_stream.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "store/base/varint.h"

namespace sov::p2p {

Task<Result<size_t>> PrefixedStream::ReadSome(std::span<char> buffer) {
  if (offset_ < prefix_.size()) {
    size_t n = std::min(buffer.size(), prefix_.size() - offset_);
    std::memcpy(buffer.data(), prefix_.data() + offset_, n);
    offset_ += n;
    if (offset_ == prefix_.size()) {
      prefix_.clear();
      prefix_.shrink_to_fit();
      offset_ = 0;
    }
    co_return n;
  }
  co_return co_await inner_->ReadSome(buffer);
}

std::shared_ptr<ByteStream> WithLeftover(std::shared_ptr<ByteStream> inner, std::string leftover) {
  if (leftover.empty()) return inner;
  return std::make_shared<PrefixedStream>(std::move(inner), std::move(leftover));
}

Task<Result<std::string>> ReadExact(ByteStream& stream, size_t n, std::string_view what) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    auto r = co_await stream.ReadSome(std::span<char>(out.data() + got, n - got));
    if (!r.ok()) co_return r.status().WithContext(std::string(what));
    if (*r == 0) {
      co_return Status::Corruption(fmt::format("{}: stream ended after {} of {} bytes", what, got, n));
    }
    got += *r;
  }
  co_return out;
}

Task<Result<std::string>> ReadToEnd(ByteStream& stream, size_t max_bytes, std::string_view what) {
  std::string out;
  char buf[16384];
  for (;;) {
    auto r = co_await stream.ReadSome(std::span<char>(buf, sizeof buf));
    if (!r.ok()) co_return r.status().WithContext(std::string(what));
    if (*r == 0) co_return out;
    if (out.size() + *r > max_bytes) {
      co_return Status::Corruption(fmt::format("{}: more than {} bytes", what, max_bytes));
    }
    out.append(buf, *r);
  }
}

Task<Result<std::string>> ReadLengthPrefixed(ByteStream& stream, size_t max_bytes, std::string_view what) {
  std::string prefix;
  uint64_t length = 0;
  for (;;) {
    char c;
    auto r = co_await stream.ReadSome(std::span<char>(&c, 1));
    if (!r.ok()) co_return r.status().WithContext(std::string(what));
    if (*r == 0) {
      co_return Status::Corruption(fmt::format("{}: stream ended {}", what,
                                               prefix.empty() ? "before a message" : "inside a length prefix"));
    }
    prefix.push_back(c);
    auto used = DecodeUvarint(prefix, &length);
    if (!used.ok()) co_return used.status().WithContext(std::string(what) + ": length prefix");
    if (*used != 0) break;
  }
  if (length > max_bytes) {
    co_return Status::Corruption(fmt::format("{}: message of {} bytes exceeds the limit of {}", what, length, max_bytes));
  }
  co_return co_await ReadExact(stream, static_cast<size_t>(length), what);
}

Task<Status> WriteLengthPrefixed(ByteStream& stream, std::string_view message) {
  std::string out = EncodeUvarint(message.size());
  out.append(message);
  co_return co_await stream.Write(out);
}

}  // namespace sov::p2p
