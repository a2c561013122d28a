#include "support/host_fixture.h"

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>

#include <fmt/format.h>

#include <random>
#include <sstream>

#include "node/p2p/transport/multistream.h"
#include "store/base/crypto.h"

namespace sov::testing {

using p2p::ByteStream;
using p2p::ConnectFailName;
using p2p::DisconnectCauseName;
using p2p::Task;

std::unique_ptr<identity::KeyPairSigner> TestIdentity(uint8_t seed) {
  EXPECT_TRUE(crypto::Init().ok());
  auto kp = crypto::KeyPairFromSeed(std::string(32, static_cast<char>(seed)));
  EXPECT_TRUE(kp.ok()) << kp.status().ToString();
  return std::make_unique<identity::KeyPairSigner>(std::move(*kp));
}

// ---- RecordingObserver ----

size_t RecordingObserver::ConnectedTo(const identity::PeerId& peer) const {
  size_t n = 0;
  for (const auto& c : connected) n += c.peer == peer;
  return n;
}

size_t RecordingObserver::IdentifiedBy(const identity::PeerId& peer) const {
  size_t n = 0;
  for (const auto& c : identified) n += c.peer == peer;
  return n;
}

size_t RecordingObserver::DisconnectedFrom(const identity::PeerId& peer) const {
  size_t n = 0;
  for (const auto& d : disconnected) n += d.info.peer == peer;
  return n;
}

std::string RecordingObserver::Dump() const {
  std::ostringstream os;
  for (const auto& c : connected) os << "connected #" << c.id << " " << c.peer.ToString() << (c.inbound ? " in" : " out") << "\n";
  for (const auto& c : identified) os << "identified #" << c.id << " " << c.peer.ToString() << " " << c.agent_version << "\n";
  for (const auto& d : disconnected) {
    os << "disconnected #" << d.info.id << " " << d.info.peer.ToString() << " " << DisconnectCauseName(d.cause) << ": "
       << d.detail << "\n";
  }
  for (const auto& f : dial_failed) {
    os << "dial_failed " << f.address << " " << ConnectFailName(f.reason) << ": " << f.error << "\n";
  }
  for (const auto& f : rejected) {
    os << "rejected " << f.address << " [" << f.peer_id << "] " << ConnectFailName(f.reason) << ": " << f.error << "\n";
  }
  return os.str();
}

uint16_t TestHost::port() const {
  auto t = listen_addr().Tcp();
  return t.ok() ? t->port : 0;
}

p2p::HostOptions FastOptions(uint16_t port) {
  p2p::HostOptions o;
  o.listen_addrs.push_back(*p2p::Multiaddr::FromTcp("127.0.0.1", port));
  o.agent_version = "sov-test/1.0";
  o.dial_timeout = 5s;
  o.negotiation_timeout = 5s;
  o.upgrade_timeout = 5s;
  o.identify_timeout = 5s;
  o.maintenance_interval = 50ms;
  o.bootstrap_backoff_initial = 50ms;
  o.bootstrap_backoff_max = 400ms;
  return o;
}

// ---- HostHarness ----

HostHarness::~HostHarness() {
  for (auto& h : hosts_) {
    if (!h->shut_down) ShutdownHost(*h);
  }
  // Let every coroutine woken by the shutdowns finish while its Host still exists.
  RunFor(100ms);
  hosts_.clear();
}

TestHost& HostHarness::AddHost(uint8_t seed, p2p::HostOptions options, bool start) {
  auto h = std::make_unique<TestHost>();
  h->identity = TestIdentity(seed);
  h->host = std::make_unique<p2p::Host>(ex(), *h->identity, std::move(options), &h->observer);
  Status listening = h->host->Listen();
  EXPECT_TRUE(listening.ok()) << listening.ToString();
  if (start) h->host->Start();
  hosts_.push_back(std::move(h));
  return *hosts_.back();
}

void HostHarness::ShutdownHost(TestHost& h) {
  if (h.shut_down) return;
  h.shut_down = true;
  EXPECT_TRUE(AwaitVoid(h.host->Shutdown())) << "Host::Shutdown did not return";
}

bool HostHarness::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto end = p2p::Clock::now() + timeout;
  while (!done() && p2p::Clock::now() < end) {
    if (io_.stopped()) io_.restart();
    io_.run_for(2ms);
  }
  return done();
}

void HostHarness::RunFor(std::chrono::milliseconds d) {
  if (io_.stopped()) io_.restart();
  io_.run_for(d);
}

bool HostHarness::AwaitVoid(Task<void> task, std::chrono::milliseconds timeout) {
  auto done = std::make_shared<bool>(false);
  asio::co_spawn(io_, std::move(task), [done](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
    *done = true;
  });
  return RunUntil([&] { return *done; }, timeout);
}

::testing::AssertionResult HostHarness::ConnectAndIdentify(TestHost& from, TestHost& to) {
  const size_t from_before = from.observer.IdentifiedBy(to.id());
  const size_t to_before = to.observer.IdentifiedBy(from.id());
  auto r = AwaitResult(from.host->Connect(to.addr()));
  if (!r.ok()) return ::testing::AssertionFailure() << "connect: " << r.status().ToString();
  bool ok = RunUntil([&] {
    auto a = from.host->Connection(to.id());
    auto b = to.host->Connection(from.id());
    return from.observer.IdentifiedBy(to.id()) > from_before && to.observer.IdentifiedBy(from.id()) > to_before && a &&
           b && a->open_streams == 0 && b->open_streams == 0;
  });
  if (!ok) {
    return ::testing::AssertionFailure() << "identify did not complete both ways\nfrom:\n"
                                         << from.observer.Dump() << "to:\n"
                                         << to.observer.Dump();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult HostHarness::ServesWellBehavedPeer(TestHost& target, uint8_t seed) {
  TestHost& probe = AddHost(seed, FastOptions());
  auto c = AwaitResult(probe.host->Connect(target.addr()));
  if (!c.ok()) return ::testing::AssertionFailure() << "a well-behaved peer cannot connect: " << c.status().ToString();
  auto rtt = AwaitResult(probe.host->Ping(target.id()));
  if (!rtt.ok()) return ::testing::AssertionFailure() << "a well-behaved peer cannot ping: " << rtt.status().ToString();
  if (probe.host->Disconnect(target.id()) != 1) return ::testing::AssertionFailure() << "no connection to close";
  if (!RunUntil([&] { return target.host->Connection(probe.id()) == std::nullopt; })) {
    return ::testing::AssertionFailure() << "the target did not see the well-behaved peer leave";
  }
  return ::testing::AssertionSuccess();
}

// ---- hand-rolled peer ----

Task<Result<std::shared_ptr<p2p::TcpStream>>> DialTcp(p2p::Executor ex, p2p::Multiaddr addr) {
  auto target = addr.Tcp();
  if (!target.ok()) co_return target.status();
  std::error_code ec;
  auto ip = asio::ip::make_address(target->host, ec);
  if (ec) co_return Status::InvalidArgument("not an ip: " + target->host);
  asio::ip::tcp::socket socket(ex);
  auto [cec] = co_await socket.async_connect(asio::ip::tcp::endpoint(ip, target->port), p2p::kUseAwaitable);
  if (cec) co_return Status::IOError("connect " + addr.ToString() + ": " + cec.message());
  co_return std::make_shared<p2p::TcpStream>(std::move(socket));
}

Task<Result<std::shared_ptr<ByteStream>>> Select(std::shared_ptr<ByteStream> stream, std::string protocol) {
  std::vector<std::string> protocols{std::move(protocol)};
  auto negotiated = co_await p2p::SelectProtocol(*stream, protocols);
  if (!negotiated.ok()) co_return negotiated.status();
  co_return p2p::WithLeftover(std::move(stream), std::move(negotiated->leftover));
}

Task<Result<RawConnection>> RawUpgrade(p2p::Executor ex, p2p::Multiaddr target, const Signer& identity) {
  RawConnection out;
  auto tcp = co_await DialTcp(ex, target);
  if (!tcp.ok()) co_return tcp.status();
  out.tcp = *tcp;
  auto plain = co_await Select(out.tcp, std::string(p2p::kNoiseProtocol));
  if (!plain.ok()) co_return plain.status();
  auto hs = co_await p2p::NoiseConnection::Handshake(*plain, p2p::NoiseHandshake::Role::kInitiator, identity,
                                                     target.peer_id());
  if (auto* f = std::get_if<p2p::NoiseConnection::Failure>(&hs)) co_return f->status;
  out.noise = std::get<p2p::NoiseConnection::Upgraded>(hs).connection;
  auto muxed = co_await Select(out.noise, std::string(p2p::kYamuxProtocol));
  if (!muxed.ok()) co_return muxed.status();
  out.stream = *muxed;
  co_return out;
}

Task<size_t> ReadUntilClosed(std::shared_ptr<ByteStream> stream) {
  size_t total = 0;
  char buf[16384];
  for (;;) {
    auto n = co_await stream->ReadSome(std::span<char>(buf, sizeof buf));
    if (!n.ok() || *n == 0) co_return total;
    total += *n;
  }
}

std::string YamuxFrame(uint8_t type, uint16_t flags, uint32_t stream_id, uint32_t length, std::string_view payload) {
  std::string out;
  out.push_back(0);  // version
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags >> 8));
  out.push_back(static_cast<char>(flags & 0xff));
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((stream_id >> shift) & 0xff));
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((length >> shift) & 0xff));
  out.append(payload);
  return out;
}

Task<Result<RawFrame>> ReadFrame(std::shared_ptr<ByteStream> stream) {
  auto be32 = [](const std::string& s, size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
    return v;
  };
  auto header = co_await p2p::ReadExact(*stream, 12, "yamux header");
  if (!header.ok()) co_return header.status();
  RawFrame f;
  f.version = static_cast<uint8_t>((*header)[0]);
  f.type = static_cast<uint8_t>((*header)[1]);
  f.flags = static_cast<uint16_t>((static_cast<uint8_t>((*header)[2]) << 8) | static_cast<uint8_t>((*header)[3]));
  f.stream_id = be32(*header, 4);
  f.length = be32(*header, 8);
  if (f.version != 0) co_return Status::Corruption(fmt::format("yamux version {}", f.version));
  if (f.type == kYamuxData && f.length > 0) {
    auto payload = co_await p2p::ReadExact(*stream, f.length, "yamux payload");
    if (!payload.ok()) co_return payload.status();
    f.payload = std::move(*payload);
  }
  co_return f;
}

Task<std::vector<RawFrame>> ReadFramesUntilClosed(std::shared_ptr<ByteStream> stream) {
  std::vector<RawFrame> frames;
  for (;;) {
    auto f = co_await ReadFrame(stream);
    if (!f.ok()) co_return frames;
    frames.push_back(std::move(*f));
  }
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
  }
  return out;
}

}  // namespace sov::testing
