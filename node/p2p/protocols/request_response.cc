#include "node/p2p/protocols/request_response.h"

#include <cstdint>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "store/base/varint.h"

namespace sov::p2p {

namespace {

long long Millis(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

// The peer must end its side right after its one message: a clean end of stream is OK, any byte
// more is a protocol error.
Task<Status> ExpectEnd(std::shared_ptr<ByteStream> stream, std::string what) {
  char c;
  auto r = co_await stream->ReadSome(std::span<char>(&c, 1));
  if (!r.ok()) co_return r.status().WithContext(what);
  if (*r != 0) {
    co_return Status::Corruption(
        fmt::format("{}: bytes after the message (one message per stream, then the end of the stream)", what));
  }
  co_return Status::OK();
}

// The client's exchange, without the deadline.
Task<Result<std::string>> Exchange(std::shared_ptr<ByteStream> stream, std::string request, size_t max_response,
                                   std::string what) {
  if (Status s = co_await WriteLengthPrefixed(*stream, request); !s.ok()) {
    co_return s.WithContext(what + ": sending the request");
  }
  if (Status s = co_await stream->CloseWrite(); !s.ok()) co_return s.WithContext(what + ": closing the request");
  const std::string response_what = what + " response";
  auto response = co_await ReadLengthPrefixed(*stream, max_response, response_what);
  if (!response.ok()) co_return response.status();
  if (Status s = co_await ExpectEnd(stream, response_what); !s.ok()) co_return s;
  co_return std::move(*response);
}

}  // namespace

Task<Result<std::string>> SendRequest(Executor ex, std::shared_ptr<ByteStream> stream, std::string request,
                                      RequestResponseOptions options, std::string what) {
  if (request.size() > options.max_request_bytes) {
    stream->Reset();
    co_return Status::InvalidArgument(fmt::format("{}: request of {} bytes exceeds the limit of {}", what,
                                                  request.size(), options.max_request_bytes));
  }
  Deadline deadline(ex, options.deadline, [stream] { stream->Reset(); });
  Result<std::string> out = co_await Exchange(stream, std::move(request), options.max_response_bytes, what);
  deadline.Cancel();
  // After a clean exchange both sides have half-closed and this sends nothing; otherwise the peer
  // learns at once that we gave up.
  stream->Reset();
  if (!out.ok() && deadline.expired()) {
    co_return Status::Aborted(fmt::format("{}: no response within {} ms", what, Millis(options.deadline)));
  }
  co_return out;
}

Task<Status> ServeRequest(Executor ex, std::shared_ptr<ByteStream> stream, RequestHandler handler,
                          RequestResponseOptions options, std::string what) {
  Deadline deadline(ex, options.deadline, [stream] { stream->Reset(); });
  const long long ms = Millis(options.deadline);
  // Every failure resets the stream (the client must see an error, not a clean end); past the
  // deadline the error says which step did not finish in time.
  auto fail = [&](const Status& s, std::string_view late) -> Status {
    stream->Reset();
    if (deadline.expired()) return Status::Aborted(fmt::format("{}: {} within {} ms", what, late, ms));
    return s;
  };
  if (!handler) {
    stream->Reset();
    co_return Status::InvalidArgument(what + ": no request handler");
  }

  const std::string request_what = what + " request";
  auto request = co_await ReadLengthPrefixed(*stream, options.max_request_bytes, request_what);
  if (!request.ok()) co_return fail(request.status(), "no request");
  if (Status s = co_await ExpectEnd(stream, request_what); !s.ok()) {
    co_return fail(s, "no end of stream after the request");
  }

  Result<std::string> response = co_await handler(std::move(*request));
  if (!response.ok()) {
    stream->Reset();
    co_return response.status().WithContext(what + ": handler");
  }
  if (deadline.expired()) co_return fail(Status::OK(), "no response sent");
  if (response->size() > options.max_response_bytes) {
    co_return fail(Status::InvalidArgument(fmt::format("{}: response of {} bytes exceeds the limit of {}", what,
                                                       response->size(), options.max_response_bytes)),
                   "no response sent");
  }
  if (Status s = co_await WriteLengthPrefixed(*stream, *response); !s.ok()) {
    co_return fail(s.WithContext(what + ": sending the response"), "no response sent");
  }
  if (Status s = co_await stream->CloseWrite(); !s.ok()) {
    co_return fail(s.WithContext(what + ": closing the response"), "no response sent");
  }
  co_return Status::OK();
}

Result<std::string_view> DecodeSingleMessage(std::string_view bytes, size_t max_bytes, std::string_view what) {
  uint64_t length = 0;
  auto used = DecodeUvarint(bytes, &length);
  if (!used.ok()) {
    return Status::Corruption(fmt::format("{}: length prefix at offset 0: {}", what, used.status().message()));
  }
  if (*used == 0) {
    return Status::Corruption(fmt::format("{}: length prefix truncated at offset {}", what, bytes.size()));
  }
  if (length > max_bytes) {
    return Status::Corruption(fmt::format("{}: message of {} bytes (length prefix at offset 0) exceeds the limit of {}",
                                          what, length, max_bytes));
  }
  const size_t body = *used;
  const size_t available = bytes.size() - body;
  if (available < length) {
    return Status::Corruption(fmt::format("{}: message of {} bytes starting at offset {} is cut short at offset {}",
                                          what, length, body, bytes.size()));
  }
  const size_t end = body + static_cast<size_t>(length);
  if (end != bytes.size()) {
    return Status::Corruption(
        fmt::format("{}: {} trailing bytes at offset {} after the message", what, bytes.size() - end, end));
  }
  return bytes.substr(body, static_cast<size_t>(length));
}

}  // namespace sov::p2p
