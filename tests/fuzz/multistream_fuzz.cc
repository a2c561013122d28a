// Fuzzes multistream-select (node/p2p/transport/multistream.*), reached as in the node through a
// ByteStream: the input is what the peer sends, served in chunks by an in-memory stream, to our
// listener (HandleProtocol) or dialer (SelectProtocol). A negotiated protocol must be one we speak,
// the leftover exactly the tail of what was read, and the listener's decision must be the same when
// the negotiation is re-encoded canonically. Input: role byte (bit 0: dialer), chunk-size byte, bytes.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "node/p2p/transport/multistream.h"
#include "tests/fuzz/support/fuzz_check.h"
#include "tests/fuzz/support/fuzz_input.h"
#include "tests/fuzz/support/memory_stream.h"

namespace {

using namespace sov::p2p;

const std::vector<std::string> kOurs = {"/noise", "/yamux/1.0.0", "/ipfs/id/1.0.0"};

bool Speaks(std::string_view p) { return std::find(kOurs.begin(), kOurs.end(), p) != kOurs.end(); }

sov::Result<Negotiated> Run(sov::fuzz::MemoryStream& stream, bool dialer) {
  asio::io_context io;
  sov::Result<Negotiated> out = sov::Status::Aborted("not run");
  bool done = false;
  auto run = [&]() -> Task<void> {
    if (dialer) {
      out = co_await SelectProtocol(stream, kOurs);
    } else {
      out = co_await HandleProtocol(stream, Speaks, [] { return kOurs; });
    }
    done = true;
  };
  asio::co_spawn(io, run(), asio::detached);
  io.run();
  FUZZ_CHECK(done);  // an in-memory stream never blocks: the negotiation must end
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sov::fuzz::FuzzInput in(data, size);
  const bool dialer = in.Byte() & 1;
  const size_t chunk = in.Byte();
  const std::string_view peer = in.Rest();
  sov::fuzz::MemoryStream stream(peer, chunk ? chunk : 4096);
  auto got = Run(stream, dialer);
  if (!got.ok()) return 0;
  FUZZ_CHECK(Speaks(got->protocol));
  const std::string_view served = stream.served();
  FUZZ_CHECK(served.size() >= got->leftover.size());
  FUZZ_CHECK(served.substr(served.size() - got->leftover.size()) == got->leftover);
  const std::string header = EncodeMultistreamMessage(kMultistreamHeader);
  FUZZ_CHECK(stream.written().starts_with(header));
  if (dialer) return 0;
  FUZZ_CHECK(stream.written().ends_with(EncodeMultistreamMessage(got->protocol)));
  // decode → encode → decode: the canonical form of what was accepted is accepted the same way.
  const std::string canonical = header + EncodeMultistreamMessage(got->protocol) + got->leftover;
  sov::fuzz::MemoryStream again(canonical, 4096);
  auto second = Run(again, false);
  FUZZ_CHECK(second.ok() && second->protocol == got->protocol && second->leftover == got->leftover);
  return 0;
}
