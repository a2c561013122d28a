// Real libp2p hosts on loopback for tests. Every host and every hand-rolled client of a test runs on
// one io_context driven from the test thread (RunUntil / Await), so a test is one deterministic
// thread and a Host is only ever used from its executor's thread. Also: seeded identities, a
// HostObserver that records every event, and the pieces of a hand-rolled peer (TCP dial,
// multistream-select, the full mss -> Noise -> mss upgrade, yamux frames built and parsed byte by
// byte) for feeding hostile input to a listening host.
#pragma once

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"
#include "node/p2p/protocols/host.h"
#include "node/identity/key_pair_signer.h"
#include "node/p2p/transport/noise_connection.h"
#include "node/p2p/transport/tcp_stream.h"

namespace sov::p2p {
// Readable enum values in assertion messages.
inline void PrintTo(DisconnectCause c, std::ostream* os) { *os << DisconnectCauseName(c); }
inline void PrintTo(ConnectFail f, std::ostream* os) { *os << ConnectFailName(f); }
}  // namespace sov::p2p

namespace sov::testing {

using namespace std::chrono_literals;

// An Ed25519 identity from the 32-byte seed {seed, seed, ...}.
std::unique_ptr<identity::KeyPairSigner> TestIdentity(uint8_t seed);

// Records every observer callback, in order.
class RecordingObserver final : public p2p::HostObserver {
 public:
  struct Disconnect {
    p2p::ConnectionInfo info;
    p2p::DisconnectCause cause;
    std::string detail;
  };
  struct Failure {
    std::string address, peer_id;
    p2p::ConnectFail reason;
    std::string error;
  };

  void OnConnected(const p2p::ConnectionInfo& info) override { connected.push_back(info); }
  void OnDisconnected(const p2p::ConnectionInfo& info, p2p::DisconnectCause cause, const std::string& detail) override {
    disconnected.push_back({info, cause, detail});
  }
  void OnDialFailed(const std::string& address, const std::string& peer_id, p2p::ConnectFail reason,
                    const std::string& error) override {
    dial_failed.push_back({address, peer_id, reason, error});
  }
  void OnInboundRejected(const std::string& address, const std::string& peer_id, p2p::ConnectFail reason,
                         const std::string& error) override {
    rejected.push_back({address, peer_id, reason, error});
  }
  void OnIdentified(const p2p::ConnectionInfo& info) override { identified.push_back(info); }

  // How many events concern `peer`.
  size_t ConnectedTo(const identity::PeerId& peer) const;
  size_t IdentifiedBy(const identity::PeerId& peer) const;
  size_t DisconnectedFrom(const identity::PeerId& peer) const;
  // Every event, one per line (for failure messages).
  std::string Dump() const;

  std::vector<p2p::ConnectionInfo> connected, identified;
  std::vector<Disconnect> disconnected;
  std::vector<Failure> dial_failed, rejected;
};

struct TestHost {
  std::unique_ptr<identity::KeyPairSigner> identity;
  RecordingObserver observer;
  std::unique_ptr<p2p::Host> host;
  bool shut_down = false;

  const identity::PeerId& id() const { return host->peer_id(); }
  p2p::Multiaddr listen_addr() const { return host->listen_addrs().at(0); }
  p2p::Multiaddr addr() const { return listen_addr().WithPeerId(id()); }  // .../p2p/<id>
  uint16_t port() const;
};

// 127.0.0.1, an ephemeral port (or `port`), timeouts short enough for loopback tests, bootstrap
// backoff 50..400 ms, maintenance every 50 ms.
p2p::HostOptions FastOptions(uint16_t port = 0);

class HostHarness {
 public:
  HostHarness() = default;
  // Shuts every host down, lets the woken coroutines finish, destroys the hosts, then the io_context.
  ~HostHarness();
  HostHarness(const HostHarness&) = delete;
  HostHarness& operator=(const HostHarness&) = delete;

  asio::io_context& io() { return io_; }
  p2p::Executor ex() { return io_.get_executor(); }

  // A host with identity TestIdentity(seed), listening; Start()ed unless `start` is false. Hosts
  // live until the harness ends (also after ShutdownHost), so no coroutine outlives its Host.
  TestHost& AddHost(uint8_t seed, p2p::HostOptions options, bool start = true);
  // Host::Shutdown, awaited.
  void ShutdownHost(TestHost& h);

  // Runs the io_context until `done()` or `timeout`; returns done().
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s);
  void RunFor(std::chrono::milliseconds d);

  // Starts `task`; its result lands in the returned slot when it completes.
  template <class T>
  std::shared_ptr<std::optional<T>> Start(p2p::Task<T> task) {
    auto out = std::make_shared<std::optional<T>>();
    asio::co_spawn(io_, StoreResult(std::move(task), out), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    return out;
  }
  // Runs `task` to completion (nullopt if it did not complete within `timeout`).
  template <class T>
  std::optional<T> Await(p2p::Task<T> task, std::chrono::milliseconds timeout = 20s) {
    auto out = Start(std::move(task));
    RunUntil([&] { return out->has_value(); }, timeout);
    return std::move(*out);
  }
  // As Await, a timeout becomes an error Result.
  template <class T>
  Result<T> AwaitResult(p2p::Task<Result<T>> task, std::chrono::milliseconds timeout = 20s) {
    auto r = Await(std::move(task), timeout);
    if (!r) return Status::Aborted("the test timed out waiting for the operation");
    return std::move(*r);
  }
  bool AwaitVoid(p2p::Task<void> task, std::chrono::milliseconds timeout = 20s);

  // `from` connects to `to`; then waits until both ends report OnIdentified for each other and no
  // stream is left open on the connection (identify done).
  ::testing::AssertionResult ConnectAndIdentify(TestHost& from, TestHost& to);
  // A new host (identity `seed`) connects to `target`, pings it and disconnects: the target still
  // serves well-behaved peers.
  ::testing::AssertionResult ServesWellBehavedPeer(TestHost& target, uint8_t seed);

 private:
  // (asio's co_spawn wants default-constructible results; Result<T> is not.)
  template <class T>
  static p2p::Task<void> StoreResult(p2p::Task<T> task, std::shared_ptr<std::optional<T>> out) {
    out->emplace(co_await std::move(task));
  }

  asio::io_context io_{1};
  std::vector<std::unique_ptr<TestHost>> hosts_;
};

// ---- a hand-rolled peer ----

// A plain TCP connection to the ip4/ip6 + tcp part of `addr`.
p2p::Task<Result<std::shared_ptr<p2p::TcpStream>>> DialTcp(p2p::Executor ex, p2p::Multiaddr addr);
// multistream-select as the initiator for `protocol`; returns the stream to use next (replaying
// bytes the peer sent after its answer).
p2p::Task<Result<std::shared_ptr<p2p::ByteStream>>> Select(std::shared_ptr<p2p::ByteStream> stream,
                                                           std::string protocol);

struct RawConnection {
  std::shared_ptr<p2p::TcpStream> tcp;
  std::shared_ptr<p2p::NoiseConnection> noise;
  std::shared_ptr<p2p::ByteStream> stream;  // the Noise connection after mss /yamux/1.0.0 (+ leftover)
};
// TCP, mss /noise, Noise XX as the initiator with `identity` (checking the peer id in `target`),
// mss /yamux/1.0.0: the listener now runs a yamux session on it; the test writes raw frames.
p2p::Task<Result<RawConnection>> RawUpgrade(p2p::Executor ex, p2p::Multiaddr target, const Signer& identity);

// Reads until the peer closes or the connection breaks; returns the number of bytes read.
p2p::Task<size_t> ReadUntilClosed(std::shared_ptr<p2p::ByteStream> stream);

// Yamux frames, byte by byte: version 0 | type | flags (BE16) | stream id (BE32) | length (BE32).
inline constexpr uint8_t kYamuxData = 0, kYamuxWindowUpdate = 1, kYamuxPing = 2, kYamuxGoAway = 3;
inline constexpr uint16_t kYamuxSyn = 1, kYamuxAck = 2, kYamuxFin = 4, kYamuxRst = 8;
std::string YamuxFrame(uint8_t type, uint16_t flags, uint32_t stream_id, uint32_t length,
                       std::string_view payload = {});
struct RawFrame {
  uint8_t version = 0, type = 0;
  uint16_t flags = 0;
  uint32_t stream_id = 0, length = 0;
  std::string payload;  // Data frames only
};
// One frame (with its payload for Data frames). Errors: the connection ended, version other than 0.
p2p::Task<Result<RawFrame>> ReadFrame(std::shared_ptr<p2p::ByteStream> stream);
// Parses frames until the connection ends (or a header has a version other than 0).
p2p::Task<std::vector<RawFrame>> ReadFramesUntilClosed(std::shared_ptr<p2p::ByteStream> stream);

// `n` pseudo-random bytes from `seed`.
std::string RandomBytes(size_t n, uint64_t seed);

}  // namespace sov::testing
