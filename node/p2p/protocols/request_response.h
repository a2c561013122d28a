// request_response: one request and one response per stream, the base of every /sov/ protocol.
// The client and server halves are plain functions over a negotiated ByteStream, so a protocol
// needs no swarm type here (a thin adapter registers ServeRequest as a stream handler).
//
// Wire, on a stream already negotiated for the protocol (as js-libp2p's lpStream /
// it-length-prefixed write it):
//   client -> server:  uvarint(len) || request    then the client half-closes (FIN)
//   server -> client:  uvarint(len) || response   then the server half-closes (FIN)
// uvarint is the multiformats unsigned varint (minimal LEB128, at most 9 bytes). Exactly one
// message each way: bytes after it are a protocol error. Each side bounds the body it accepts; the
// bound is checked on the length prefix, before anything is allocated. Both sides run the whole
// exchange under a deadline past which the stream is reset. Every failure resets the stream, so the
// other side sees an error, never a clean end without an answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"
#include "store/base/status.h"

namespace sov::p2p {

struct RequestResponseOptions {
  // Largest request body: the server refuses a longer one on its length prefix, before any
  // allocation; the client refuses to send one.
  size_t max_request_bytes = 64 * 1024;
  // Largest response body: the client refuses a longer one on its length prefix; the server resets
  // the stream instead of sending one.
  size_t max_response_bytes = 1024 * 1024;
  // The whole exchange on either side (for the server: reading the request, the handler, writing
  // the response). Past it the stream is reset and the call fails naming the deadline.
  Clock::duration deadline = std::chrono::seconds(10);
};

// Client: sends `request` on `stream`, half-closes, and reads the one response (at most
// options.max_response_bytes) and the end of the stream, all under options.deadline. `what` (the
// protocol id) names the exchange in every error. The stream is reset or fully closed on return.
// Errors: a request over max_request_bytes (refused locally: InvalidArgument, nothing sent), "no
// response within N ms" (Aborted), a reset or broken stream, a malformed, oversize or trailed
// response (Corruption / InvalidArgument).
Task<Result<std::string>> SendRequest(Executor ex, std::shared_ptr<ByteStream> stream, std::string request,
                                      RequestResponseOptions options, std::string what);

// Server: gets the request body, returns the response body or an error (which resets the stream).
using RequestHandler = std::function<Task<Result<std::string>>(std::string request)>;

// Serves one request on `stream`: reads the request (at most options.max_request_bytes), requires
// the end of the stream right after it, calls `handler`, writes the response and half-closes, all
// under options.deadline. Returns OK once the response was written. Otherwise the stream was reset
// and the Status says why, for the caller to log: a malformed, oversize or trailed request, the
// deadline ("no request within N ms", ...), the handler's own error (its message kept), a response
// over max_response_bytes, a broken stream. (Arguments by value: a coroutine may outlive the
// caller's temporaries.)
Task<Status> ServeRequest(Executor ex, std::shared_ptr<ByteStream> stream, RequestHandler handler,
                          RequestResponseOptions options, std::string what);

// The framing check alone, no I/O (for the fuzzer and tests): `bytes` must be exactly one
// uvarint(len) || body message with len <= max_bytes. Returns the body (a view into `bytes`).
// Errors (Corruption, naming `what` and the byte offset): truncated length prefix, a prefix over 9
// bytes or not minimal, a length over max_bytes, a short body, trailing bytes.
Result<std::string_view> DecodeSingleMessage(std::string_view bytes, size_t max_bytes, std::string_view what);

}  // namespace sov::p2p
