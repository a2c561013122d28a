// The two wire protocols of tests/interop/bench.mjs, spoken by sov's Host, so sov↔sov runs exactly
// what js↔js runs (integers big-endian; "close" = CloseWrite, i.e. yamux FIN):
//   /sov/bench/bulk/1.0.0  client sends N bytes then closes; server counts to EOF, answers u64 count, closes.
//   /sov/bench/rpc/1.0.0   client sends u32 len || len bytes, waits for the identical frame back, repeats;
//                          then closes; the server answers every complete request, then closes. A len
//                          over 1 MiB or EOF inside a frame: the server resets the stream.
// Server side: RegisterBenchHandlers. Client side: BulkTransfer / RpcLoop on one stream each, and
// the parallel runs that time N of them (the numbers bench.mjs prints).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"
#include "node/p2p/protocols/host.h"
#include "node/identity/peer_id.h"
#include "store/base/status.h"

namespace sov::bench {

inline constexpr std::string_view kBulkProtocol = "/sov/bench/bulk/1.0.0";
inline constexpr std::string_view kRpcProtocol = "/sov/bench/rpc/1.0.0";
inline constexpr uint32_t kMaxRpcLen = 1u << 20;
inline constexpr size_t kBulkChunk = 256 * 1024;  // bytes per Write, as bench.mjs's CHUNK
inline constexpr uint32_t kRpcPayload = 32;       // request body bytes, as bench.mjs

// Exact reads over a ByteStream through a buffer, so a 36-byte reply costs one ReadSome.
class BufferedReader {
 public:
  explicit BufferedReader(p2p::ByteStream& stream) : stream_(stream), buffer_(16 * 1024, '\0') {}
  // Fills `out` completely. Returns false at a clean end of stream before its first byte; an error
  // when the stream ends inside it or breaks.
  p2p::Task<Result<bool>> ReadExactly(char* out, size_t n);
  // True if the stream ended with nothing more buffered (after the last expected byte).
  p2p::Task<Result<bool>> AtEnd();

 private:
  p2p::ByteStream& stream_;
  std::string buffer_;
  size_t begin_ = 0, end_ = 0;
};

// Registers both server handlers on `host`.
void RegisterBenchHandlers(p2p::Host& host);

// One bulk transfer of `bytes` on a new stream; checks the server's count.
p2p::Task<Status> BulkTransfer(p2p::Host& host, identity::PeerId peer, uint64_t bytes);
// Sequential round trips on one new stream until `deadline` or `max_count` of them; appends each
// round trip's latency (µs) to `latencies_us`.
p2p::Task<Status> RpcLoop(p2p::Host& host, identity::PeerId peer, p2p::Clock::time_point deadline, size_t max_count,
                          std::vector<double>* latencies_us);

struct BulkResult {
  double mbps = 0;  // 10^6 payload bytes per second
  double seconds = 0;
  uint64_t bytes = 0;
};
struct RpcResult {
  double rps = 0;  // completed round trips per second, all streams together
  double p50_us = 0, p99_us = 0;
  size_t requests = 0;
};

// `streams` parallel transfers of `per_stream` bytes, timed from opening the streams until the last
// count arrived.
p2p::Task<Result<BulkResult>> ParallelBulk(p2p::Host& host, identity::PeerId peer, size_t streams, uint64_t per_stream);
// `streams` parallel RpcLoops for `seconds`.
p2p::Task<Result<RpcResult>> ParallelRpc(p2p::Host& host, identity::PeerId peer, size_t streams, double seconds);

}  // namespace sov::bench
