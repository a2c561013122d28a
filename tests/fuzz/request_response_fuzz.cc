// Fuzzes request_response (node/p2p/protocols/request_response.*): the same peer bytes go to the
// pure framing check DecodeSingleMessage, to ServeRequest with an echo handler (the bytes are what
// the client sent, then the end of the stream) and to SendRequest (the bytes are the server's
// answer). The stream functions must agree exactly with the pure check: ServeRequest writes
// uvarint(len) || request when the check accepts the request and the echo fits the response limit,
// and writes nothing (and resets the stream) otherwise; SendRequest returns exactly the accepted
// response. Input: chunk-size byte, max_request_bytes byte, max_response_bytes byte, peer bytes.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "node/p2p/protocols/request_response.h"
#include "store/base/varint.h"
#include "tests/fuzz/support/fuzz_check.h"
#include "tests/fuzz/support/fuzz_input.h"
#include "tests/fuzz/support/memory_stream.h"

namespace {

using namespace sov::p2p;

struct Served {
  sov::Status status;
  std::optional<std::string> handled;  // the request the handler got, if it ran
};

Served Serve(std::shared_ptr<sov::fuzz::MemoryStream> stream, RequestResponseOptions options) {
  asio::io_context io;
  Served out;
  bool done = false;
  RequestHandler echo = [&out](std::string request) -> Task<sov::Result<std::string>> {
    out.handled = request;
    co_return request;
  };
  auto run = [&]() -> Task<void> {
    out.status = co_await ServeRequest(io.get_executor(), stream, echo, options, "fuzz");
    done = true;
  };
  asio::co_spawn(io, run(), asio::detached);
  io.run();
  FUZZ_CHECK(done);  // an in-memory stream never blocks: the exchange must end
  return out;
}

sov::Result<std::string> Send(std::shared_ptr<sov::fuzz::MemoryStream> stream, RequestResponseOptions options) {
  asio::io_context io;
  sov::Result<std::string> out = sov::Status::Aborted("not run");
  bool done = false;
  auto run = [&]() -> Task<void> {
    out = co_await SendRequest(io.get_executor(), stream, std::string(), options, "fuzz");
    done = true;
  };
  asio::co_spawn(io, run(), asio::detached);
  io.run();
  FUZZ_CHECK(done);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sov::fuzz::FuzzInput in(data, size);
  const size_t chunk = in.Byte();
  RequestResponseOptions options;
  options.max_request_bytes = in.Byte();
  options.max_response_bytes = in.Byte();
  const std::string_view peer = in.Rest();

  // The server reads `peer` as the client's side of the stream.
  auto request = DecodeSingleMessage(peer, options.max_request_bytes, "fuzz");
  auto server_stream = std::make_shared<sov::fuzz::MemoryStream>(peer, chunk ? chunk : 4096);
  Served served = Serve(server_stream, options);
  if (!request.ok()) {
    FUZZ_CHECK(!served.status.ok());
    FUZZ_CHECK(!served.handled.has_value());
    FUZZ_CHECK(server_stream->written().empty());
    FUZZ_CHECK(server_stream->reset());
  } else {
    FUZZ_CHECK(served.handled.has_value() && *served.handled == *request);
    if (request->size() <= options.max_response_bytes) {
      FUZZ_CHECK(served.status.ok());
      FUZZ_CHECK(server_stream->written() == sov::EncodeUvarint(request->size()) + std::string(*request));
      FUZZ_CHECK(!server_stream->reset());
    } else {
      FUZZ_CHECK(!served.status.ok());
      FUZZ_CHECK(server_stream->written().empty());
      FUZZ_CHECK(server_stream->reset());
    }
  }
  FUZZ_CHECK(server_stream->served().size() <= peer.size());

  // The client reads `peer` as the server's answer to an empty request.
  auto response = DecodeSingleMessage(peer, options.max_response_bytes, "fuzz");
  auto client_stream = std::make_shared<sov::fuzz::MemoryStream>(peer, chunk ? chunk : 4096);
  auto got = Send(client_stream, options);
  FUZZ_CHECK(client_stream->written() == std::string(1, '\0'));  // uvarint(0): the empty request
  FUZZ_CHECK(got.ok() == response.ok());
  if (got.ok()) FUZZ_CHECK(*got == *response);
  return 0;
}
