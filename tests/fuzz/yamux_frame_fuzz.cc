// Fuzzes yamux frames: the 12-byte header decoder (node/p2p/wire/yamux_frame.*; a decoded header
// re-encodes to the same bytes), then a whole yamux session (node/p2p/transport/yamux.*) reading the
// input as its connection, with a handler that drains each inbound stream and answers. Every frame
// the session writes back must itself decode. Input: role byte (bit 0: client), chunk-size byte, frames.
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "node/p2p/transport/yamux.h"
#include "node/p2p/wire/yamux_frame.h"
#include "tests/fuzz/support/fuzz_check.h"
#include "tests/fuzz/support/fuzz_input.h"
#include "tests/fuzz/support/memory_stream.h"

namespace {

using namespace sov::p2p;

void CheckHeaderRoundTrip(std::string_view bytes) {
  auto h = yamux::DecodeHeader(bytes.substr(0, yamux::kHeaderSize));
  if (!h.ok()) return;
  char out[yamux::kHeaderSize];
  yamux::EncodeHeader(*h, out);
  FUZZ_CHECK(std::memcmp(out, bytes.data(), yamux::kHeaderSize) == 0);
  FUZZ_CHECK(yamux::FrameTypeName(h->type) != nullptr);
  (void)yamux::FlagsName(h->flags);
}

// What we send must be a sequence of whole, valid frames.
void CheckWrittenFrames(std::string_view out) {
  while (!out.empty()) {
    FUZZ_CHECK(out.size() >= yamux::kHeaderSize);
    auto h = yamux::DecodeHeader(out.substr(0, yamux::kHeaderSize));
    FUZZ_CHECK(h.ok());
    out.remove_prefix(yamux::kHeaderSize);
    if (h->type == yamux::FrameType::kData) {
      FUZZ_CHECK(out.size() >= h->length);
      out.remove_prefix(h->length);
    }
  }
}

Task<void> Drain(std::shared_ptr<YamuxStream> stream) {
  auto body = co_await ReadToEnd(*stream, 1 << 20, "fuzz stream");
  if (!body.ok()) co_return;
  if ((co_await stream->Write("ok")).ok()) (void)co_await stream->CloseWrite();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sov::fuzz::FuzzInput in(data, size);
  const uint8_t role = in.Byte();
  const size_t chunk = in.Byte();
  const std::string_view frames = in.Rest();
  if (frames.size() >= yamux::kHeaderSize) CheckHeaderRoundTrip(frames);

  asio::io_context io;
  auto conn = std::make_shared<sov::fuzz::MemoryStream>(frames, chunk ? chunk : 4096);
  YamuxOptions options;
  options.keepalive_interval = std::chrono::milliseconds(0);
  auto session = YamuxSession::Create(io.get_executor(), conn,
                                      role & 1 ? YamuxSession::Role::kClient : YamuxSession::Role::kServer, options);
  int closed = 0;
  YamuxEnd end = YamuxEnd::kNone;
  session->Start([&](std::shared_ptr<YamuxStream> s) { asio::co_spawn(io, Drain(std::move(s)), asio::detached); },
                 [&](YamuxEnd e, const sov::Status&) {
                   ++closed;
                   end = e;
                 });
  io.run();
  FUZZ_CHECK(closed == 1);
  FUZZ_CHECK(end != YamuxEnd::kNone);
  CheckWrittenFrames(conn->written());
  return 0;
}
