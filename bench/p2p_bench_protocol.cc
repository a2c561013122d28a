#include "bench/p2p_bench_protocol.h"

#include <asio/this_coro.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>

#include <fmt/format.h>

namespace sov::bench {

using p2p::ByteStream;
using p2p::Clock;
using p2p::Host;
using identity::PeerId;
using p2p::Task;

namespace {

void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (24 - 8 * i));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Built outside co_await expressions (GCC 12 cannot keep an initializer_list in a coroutine frame).
std::vector<std::string> OneProtocol(std::string_view protocol) { return {std::string(protocol)}; }

const std::string& Chunk() {
  static const std::string chunk(kBulkChunk, static_cast<char>(0xa5));  // never modified
  return chunk;
}

Task<void> ServeBulk(std::shared_ptr<ByteStream> stream, p2p::ConnectionInfo) {
  std::string buffer(kBulkChunk, '\0');
  uint64_t count = 0;
  for (;;) {
    auto n = co_await stream->ReadSome(std::span<char>(buffer.data(), buffer.size()));
    if (!n.ok()) {
      stream->Reset();
      co_return;
    }
    if (*n == 0) break;
    count += *n;
  }
  char reply[8];
  for (int i = 0; i < 8; ++i) reply[i] = static_cast<char>(count >> (56 - 8 * i));
  if (!(co_await stream->Write(std::string_view(reply, sizeof reply))).ok()) {
    stream->Reset();
    co_return;
  }
  co_await stream->CloseWrite();
}

Task<void> ServeRpc(std::shared_ptr<ByteStream> stream, p2p::ConnectionInfo) {
  BufferedReader reader(*stream);
  std::string frame;
  for (;;) {
    char header[4];
    auto got = co_await reader.ReadExactly(header, sizeof header);
    if (!got.ok()) {
      stream->Reset();
      co_return;
    }
    if (!*got) break;  // the client closed between requests
    const uint32_t len = GetU32(header);
    if (len > kMaxRpcLen) {
      stream->Reset();
      co_return;
    }
    frame.resize(4 + size_t{len});
    std::memcpy(frame.data(), header, 4);
    if (len > 0) {
      auto body = co_await reader.ReadExactly(frame.data() + 4, len);
      if (!body.ok() || !*body) {  // EOF inside a frame
        stream->Reset();
        co_return;
      }
    }
    if (!(co_await stream->Write(frame)).ok()) {
      stream->Reset();
      co_return;
    }
  }
  co_await stream->CloseWrite();
}

// Counts finished workers; the first failure wins.
struct Join {
  explicit Join(p2p::Executor ex, size_t n) : left(n), done(ex) {}
  void Finish(const Status& s) {
    if (!s.ok() && first_error.ok()) first_error = s;
    if (--left == 0) done.Notify();
  }
  Task<Status> Wait() {
    while (left > 0) co_await done.Wait();
    co_return first_error;
  }
  size_t left;
  Status first_error;
  p2p::Signal done;
  std::vector<std::vector<double>> latencies;
};

Task<void> BulkWorker(Host* host, PeerId peer, uint64_t bytes, std::shared_ptr<Join> join) {
  Status s = co_await BulkTransfer(*host, peer, bytes);
  join->Finish(s);
}

Task<void> RpcWorker(Host* host, PeerId peer, Clock::time_point deadline, size_t slot, std::shared_ptr<Join> join) {
  Status s = co_await RpcLoop(*host, peer, deadline, SIZE_MAX, &join->latencies[slot]);
  join->Finish(s);
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<size_t>(std::floor(p * static_cast<double>(sorted.size() - 1)))];
}

}  // namespace

Task<Result<bool>> BufferedReader::ReadExactly(char* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    if (begin_ == end_) {
      begin_ = end_ = 0;
      auto r = co_await stream_.ReadSome(std::span<char>(buffer_.data(), buffer_.size()));
      if (!r.ok()) co_return r.status();
      if (*r == 0) {
        if (got == 0) co_return false;
        co_return Status::Corruption(fmt::format("stream ended after {} of {} bytes", got, n));
      }
      end_ = *r;
    }
    const size_t take = std::min(n - got, end_ - begin_);
    std::memcpy(out + got, buffer_.data() + begin_, take);
    begin_ += take;
    got += take;
  }
  co_return true;
}

Task<Result<bool>> BufferedReader::AtEnd() {
  if (begin_ != end_) co_return false;
  auto r = co_await stream_.ReadSome(std::span<char>(buffer_.data(), buffer_.size()));
  if (!r.ok()) co_return r.status();
  begin_ = 0;
  end_ = *r;
  co_return *r == 0;
}

void RegisterBenchHandlers(Host& host) {
  host.SetHandler(std::string(kBulkProtocol), &ServeBulk);
  host.SetHandler(std::string(kRpcProtocol), &ServeRpc);
}

Task<Status> BulkTransfer(Host& host, PeerId peer, uint64_t bytes) {
  auto opened = co_await host.NewStream(peer, OneProtocol(kBulkProtocol));
  if (!opened.ok()) co_return opened.status().WithContext("bulk: opening a stream");
  auto stream = opened->stream;
  const std::string& chunk = Chunk();
  for (uint64_t left = bytes; left > 0;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, chunk.size()));
    if (Status s = co_await stream->Write(std::string_view(chunk.data(), n)); !s.ok()) co_return s.WithContext("bulk");
    left -= n;
  }
  if (Status s = co_await stream->CloseWrite(); !s.ok()) co_return s.WithContext("bulk");
  BufferedReader reader(*stream);
  char reply[8];
  auto got = co_await reader.ReadExactly(reply, sizeof reply);
  if (!got.ok()) co_return got.status().WithContext("bulk: reading the count");
  if (!*got) co_return Status::Corruption("bulk: no count from the server");
  if (GetU64(reply) != bytes) {
    co_return Status::Corruption(fmt::format("bulk: the server counted {}, sent {}", GetU64(reply), bytes));
  }
  auto end = co_await reader.AtEnd();
  if (!end.ok()) co_return end.status().WithContext("bulk");
  if (!*end) co_return Status::Corruption("bulk: extra bytes after the count");
  co_return Status::OK();
}

Task<Status> RpcLoop(Host& host, PeerId peer, Clock::time_point deadline, size_t max_count,
                     std::vector<double>* latencies_us) {
  auto opened = co_await host.NewStream(peer, OneProtocol(kRpcProtocol));
  if (!opened.ok()) co_return opened.status().WithContext("rpc: opening a stream");
  auto stream = opened->stream;
  BufferedReader reader(*stream);
  char request[4 + kRpcPayload];
  PutU32(request, kRpcPayload);
  std::random_device seed;
  std::mt19937 rng(seed());
  for (size_t i = 4; i < sizeof request; ++i) request[i] = static_cast<char>(rng());
  char reply[4 + kRpcPayload];
  for (size_t done = 0; done < max_count;) {
    const auto t0 = Clock::now();
    if (t0 >= deadline) break;
    if (Status s = co_await stream->Write(std::string_view(request, sizeof request)); !s.ok()) {
      co_return s.WithContext("rpc");
    }
    auto header = co_await reader.ReadExactly(reply, 4);
    if (!header.ok()) co_return header.status().WithContext("rpc: reading a reply");
    if (!*header || GetU32(reply) != kRpcPayload) co_return Status::Corruption("rpc: bad reply");
    auto body = co_await reader.ReadExactly(reply + 4, kRpcPayload);
    if (!body.ok()) co_return body.status().WithContext("rpc: reading a reply");
    if (!*body || std::memcmp(reply, request, sizeof request) != 0) co_return Status::Corruption("rpc: bad reply");
    latencies_us->push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    ++done;
  }
  if (Status s = co_await stream->CloseWrite(); !s.ok()) co_return s.WithContext("rpc");
  auto end = co_await reader.AtEnd();
  if (!end.ok()) co_return end.status().WithContext("rpc");
  if (!*end) co_return Status::Corruption("rpc: extra bytes after the last reply");
  co_return Status::OK();
}

Task<Result<BulkResult>> ParallelBulk(Host& host, PeerId peer, size_t streams, uint64_t per_stream) {
  auto ex = co_await asio::this_coro::executor;
  auto join = std::make_shared<Join>(ex, streams);
  const auto start = Clock::now();
  for (size_t i = 0; i < streams; ++i) p2p::Spawn(ex, BulkWorker(&host, peer, per_stream, join), "bench bulk");
  if (Status s = co_await join->Wait(); !s.ok()) co_return s;
  BulkResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.bytes = per_stream * streams;
  r.mbps = static_cast<double>(r.bytes) / 1e6 / r.seconds;
  co_return r;
}

Task<Result<RpcResult>> ParallelRpc(Host& host, PeerId peer, size_t streams, double seconds) {
  auto ex = co_await asio::this_coro::executor;
  auto join = std::make_shared<Join>(ex, streams);
  join->latencies.resize(streams);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (size_t i = 0; i < streams; ++i) p2p::Spawn(ex, RpcWorker(&host, peer, deadline, i, join), "bench rpc");
  if (Status s = co_await join->Wait(); !s.ok()) co_return s;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : join->latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  RpcResult r;
  r.requests = all.size();
  r.rps = static_cast<double>(all.size()) / elapsed;
  r.p50_us = Percentile(all, 0.5);
  r.p99_us = Percentile(all, 0.99);
  co_return r;
}

}  // namespace sov::bench
