// Interop with the js-libp2p reference peer (tests/interop/peer.mjs, pinned js-libp2p): sov dials js
// (identify both ways, ping through the CLI), an in-process sov Host carries 4 MiB through js's echo
// and pings it, and js dials a sov node (pings and 4 MiB through sov's /echo/1.0.0). Needs `node`
// and tests/interop/node_modules (scripts/setup runs npm ci); without them the tests FAIL, they
// never skip.
#include <signal.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "node/identity/key_pair_signer.h"
#include "node/p2p/protocols/host.h"
#include "store/base/crypto.h"
#include "support/daemon.h"
#include "support/js_peer.h"
#include "support/sov_node.h"
#include "support/test_util.h"

namespace sov {
namespace {

using nlohmann::json;
using testing::LogEvents;
using testing::OfType;
using testing::SovNode;
using testing::InteropDir;
using testing::JsPeer;
using testing::NodeJs;
using namespace std::chrono_literals;

constexpr auto kStep = 30s;  // generous per step; each normally takes milliseconds
constexpr size_t kEchoBytes = 4u << 20;

bool Contains(const json& list, const std::string& item) {
  return list.is_array() && std::find(list.begin(), list.end(), item) != list.end();
}

class InteropJs : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = NodeJs();
    dir_ = InteropDir();
    const std::string message =
        "npm ci in tests/interop failed or was not run (is the npm registry reachable?) -- run scripts/setup, or "
        "`cd tests/interop && npm ci --no-audit --no-fund`";
    ASSERT_NE(node_, "") << "`node` is not on PATH: " << message;
    ASSERT_TRUE(std::filesystem::exists(dir_ + "/peer.mjs")) << "no peer.mjs in " << dir_;
    ASSERT_TRUE(std::filesystem::exists(dir_ + "/node_modules/libp2p/package.json"))
        << dir_ << "/node_modules is missing: " << message;
  }

  // A sov node serving /echo/1.0.0 (p2p.echo = true in its config file).
  std::unique_ptr<SovNode> StartSovNode() {
    const std::string home = tmp_.Sub("sov");
    std::filesystem::create_directories(home);
    std::ofstream(home + "/config.toml") << "[log]\nsync = \"always\"\n[p2p]\necho = true\n";
    return std::make_unique<SovNode>(home);
  }

  std::unique_ptr<JsPeer> StartJs() { return std::make_unique<JsPeer>(node_, dir_, tmp_.Sub("js.stderr")); }

  testing::TempDir tmp_;
  std::string node_, dir_;
};

TEST_F(InteropJs, SovDialsJsIdentifiesBothWaysAndPings) {
  auto js = StartJs();
  ASSERT_TRUE(js->ok()) << js->Diagnostics();
  auto sov = StartSovNode();
  ASSERT_TRUE(sov->ok());

  json peer = sov->CliJson({"p2p", "connect", js->addr()});
  EXPECT_EQ(peer["peerId"], js->peer_id());
  EXPECT_EQ(peer["direction"], "outbound");

  // js identified sov: agent, and every protocol sov serves.
  auto ident = js->WaitEvent("identify", [&](const json& e) { return e["peerId"] == sov->peer_id(); });
  ASSERT_TRUE(ident) << js->Diagnostics();
  EXPECT_EQ((*ident)["agentVersion"].get<std::string>().rfind("sov/", 0), 0u) << ident->dump();
  for (const char* p : {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/echo/1.0.0"}) {
    EXPECT_TRUE(Contains((*ident)["protocols"], p)) << p << " missing in " << ident->dump();
  }
  EXPECT_EQ(js->Events("connection").at(0)["direction"], "inbound");

  // sov identified js: in the log and in the peers view.
  auto identified_events = OfType(
      testing::WaitLog(sov->home(), [](const auto& l) { return testing::Count(l, "peer.identified") == 1; }),
      "peer.identified");
  ASSERT_EQ(identified_events.size(), 1u) << sov->Stderr();
  const json* identified = &identified_events[0]["payload"];
  EXPECT_EQ((*identified)["peer_id"], js->peer_id());
  EXPECT_EQ((*identified)["agent_version"].get<std::string>().rfind("js-libp2p/", 0), 0u) << identified->dump();
  for (const char* p : {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/echo/1.0.0"}) {
    EXPECT_TRUE(Contains((*identified)["protocols"], p)) << p << " missing in " << identified->dump();
  }
  EXPECT_EQ((*identified)["protocol_version"], "ipfs/0.1.0");
  json peers = sov->CliJson({"p2p", "peers"});
  ASSERT_TRUE(peers.is_array() && peers.size() == 1) << peers.dump(2);
  EXPECT_EQ(peers[0]["peerId"], js->peer_id());
  EXPECT_EQ(peers[0]["agentVersion"], (*identified)["agent_version"]);
  EXPECT_TRUE(Contains(peers[0]["protocols"], "/echo/1.0.0")) << peers.dump(2);

  // ping through the CLI, by peer id.
  testing::RunResult ping = sov->Cli({"p2p", "ping", js->peer_id()});
  EXPECT_EQ(ping.exit_code, 0) << ping.err << sov->Stderr();
  EXPECT_EQ(ping.out.rfind(js->peer_id() + ": ", 0), 0u) << ping.out;

  EXPECT_EQ(sov->Stop(SIGTERM), 0) << sov->Stderr();
  EXPECT_EQ(js->Stop(), 0) << js->Diagnostics();
}

// ---- an in-process sov Host as the echo client ----

using p2p::Task;

template <class T>
Task<std::optional<T>> Optional(Task<T> task) {  // use_future needs a default-constructible result
  co_return co_await std::move(task);
}

// Runs `task` on `io` (driven by another thread) and waits up to kStep for its result.
template <class T>
std::optional<T> RunOn(asio::io_context& io, Task<T> task) {
  auto future = asio::co_spawn(io, Optional(std::move(task)), asio::use_future);
  if (future.wait_for(kStep) != std::future_status::ready) return std::nullopt;
  return future.get();
}

Task<Status> WriteAllAndClose(std::shared_ptr<p2p::ByteStream> stream, std::string data) {
  for (size_t off = 0; off < data.size(); off += 65536) {
    Status s = co_await stream->Write(std::string_view(data).substr(off, 65536));
    if (!s.ok()) co_return s;
  }
  co_return co_await stream->CloseWrite();
}

// Opens /echo/1.0.0 to `peer`, writes `data` while reading the reply concurrently, half-closes and
// reads to the end. Returns what came back.
Task<Result<std::string>> EchoThrough(p2p::Host& host, identity::PeerId peer, std::string data) {
  // (gcc: no braced initializer list inside a co_await expression)
  std::vector<std::string> protocols = {std::string(p2p::kEchoProtocol)};
  auto opened = co_await host.NewStream(peer, std::move(protocols));
  if (!opened.ok()) co_return opened.status();
  if (opened->protocol != p2p::kEchoProtocol) co_return Status::Aborted("negotiated " + opened->protocol);
  auto stream = opened->stream;
  auto executor = co_await asio::this_coro::executor;
  auto writer = asio::co_spawn(executor, WriteAllAndClose(stream, data), asio::use_future);
  auto back = co_await p2p::ReadToEnd(*stream, data.size() + 1, "echo reply");
  if (!back.ok()) co_return back.status();
  // The reply ended, so js saw our half-close: the writer is done.
  if (writer.wait_for(0s) != std::future_status::ready) co_return Status::Aborted("echo ended before the writes");
  Status written = writer.get();
  if (!written.ok()) co_return written;
  co_return back;
}

Task<Result<p2p::ConnectionInfo>> Connect(p2p::Host& host, p2p::Multiaddr addr) { co_return co_await host.Connect(addr); }
Task<Result<std::chrono::nanoseconds>> Ping(p2p::Host& host, identity::PeerId peer) { co_return co_await host.Ping(peer); }
Task<std::optional<p2p::ConnectionInfo>> Connection(p2p::Host& host, identity::PeerId peer) {
  co_return host.Connection(peer);
}
Task<bool> Shutdown(p2p::Host& host) {
  co_await host.Shutdown();
  co_return true;
}

TEST_F(InteropJs, InProcessHostEchoes4MiBThroughJsAndPingsIt) {
  auto js = StartJs();
  ASSERT_TRUE(js->ok()) << js->Diagnostics();
  ASSERT_TRUE(crypto::Init().ok());
  const auto log_level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);  // the host's info lines would only clutter the test output
  identity::KeyPairSigner identity(crypto::GenerateKeyPair());
  asio::io_context io(1);
  auto work = asio::make_work_guard(io);
  std::thread thread([&io] { io.run(); });
  auto host = std::make_unique<p2p::Host>(io.get_executor(), identity, p2p::HostOptions{}, nullptr);
  auto addr = p2p::Multiaddr::Parse(js->addr());
  ASSERT_TRUE(addr.ok()) << addr.status().message();
  auto js_id = identity::PeerId::Parse(js->peer_id());
  ASSERT_TRUE(js_id.ok());

  [&] {
    auto conn = RunOn(io, Connect(*host, *addr));
    ASSERT_TRUE(conn) << "connect timed out";
    ASSERT_TRUE(conn->ok()) << conn->status().message() << "\n" << js->Diagnostics();
    EXPECT_EQ((*conn)->peer, *js_id);
    EXPECT_FALSE((*conn)->inbound);

    // 4 MiB of pseudo-random bytes, out and back.
    std::string payload(kEchoBytes, '\0');
    std::mt19937_64 rng(20260101);
    for (size_t i = 0; i < payload.size(); i += 8) {
      uint64_t v = rng();
      std::memcpy(payload.data() + i, &v, 8);
    }
    auto echoed = RunOn(io, EchoThrough(*host, *js_id, payload));
    ASSERT_TRUE(echoed) << "echo timed out\n" << js->Diagnostics();
    ASSERT_TRUE(echoed->ok()) << echoed->status().message() << "\n" << js->Diagnostics();
    EXPECT_EQ((*echoed)->size(), payload.size());
    EXPECT_TRUE(**echoed == payload) << "the echo differs from what was sent";

    for (int i = 0; i < 3; ++i) {
      auto rtt = RunOn(io, Ping(*host, *js_id));
      ASSERT_TRUE(rtt) << "ping timed out";
      ASSERT_TRUE(rtt->ok()) << rtt->status().message();
      EXPECT_GT((*rtt)->count(), 0);
    }

    // Identify from js reached the host too.
    std::optional<p2p::ConnectionInfo> info;
    EXPECT_TRUE(testing::WaitUntil([&] {
      auto c = RunOn(io, Connection(*host, *js_id));
      if (!c || !*c || !(*c)->identified) return false;
      info = **c;
      return true;
    }));
    ASSERT_TRUE(info);
    EXPECT_EQ(info->agent_version.rfind("js-libp2p/", 0), 0u) << info->agent_version;
    EXPECT_NE(std::find(info->protocols.begin(), info->protocols.end(), "/echo/1.0.0"), info->protocols.end());

    // js saw us identify as the host's default agent, with ping and identify.
    auto ident = js->WaitEvent("identify", [&](const json& e) { return e["peerId"] == host->peer_id().ToString(); });
    ASSERT_TRUE(ident) << js->Diagnostics();
    EXPECT_EQ((*ident)["agentVersion"], "sov");
    EXPECT_TRUE(Contains((*ident)["protocols"], "/ipfs/ping/1.0.0"));
  }();

  EXPECT_TRUE(RunOn(io, Shutdown(*host)).has_value()) << "host shutdown timed out";
  work.reset();
  io.stop();
  thread.join();
  host.reset();
  spdlog::set_level(log_level);
  EXPECT_EQ(js->Stop(), 0) << js->Diagnostics();
}

TEST_F(InteropJs, JsDialsSovPingsAndEchoes4MiB) {
  auto sov = StartSovNode();
  ASSERT_TRUE(sov->ok());
  auto js = StartJs();
  ASSERT_TRUE(js->ok()) << js->Diagnostics();

  ASSERT_TRUE(js->Send({{"cmd", "dial"}, {"addr", sov->addr()}, {"pings", 3}, {"echoBytes", kEchoBytes}}));
  auto done = js->WaitEvent("done", [](const json&) { return true; }, 4 * kStep);
  ASSERT_TRUE(done) << js->Diagnostics() << "\nsov stderr:\n" << sov->Stderr();
  EXPECT_TRUE(js->Events("error").empty()) << js->Diagnostics();
  auto pings = js->Events("ping");
  ASSERT_EQ(pings.size(), 3u) << js->Diagnostics();
  for (const auto& p : pings) EXPECT_GT(p["rttMs"].get<double>(), 0.0);
  auto echo = js->Events("echo");
  ASSERT_EQ(echo.size(), 1u) << js->Diagnostics();
  EXPECT_EQ(echo[0]["ok"], true);
  EXPECT_EQ(echo[0]["bytes"], kEchoBytes);
  auto ident = js->Events("identify");
  ASSERT_FALSE(ident.empty());
  EXPECT_EQ(ident[0]["peerId"], sov->peer_id());
  EXPECT_EQ(ident[0]["agentVersion"].get<std::string>().rfind("sov/", 0), 0u);

  // sov: one inbound connection from js, identified as js-libp2p.
  EXPECT_TRUE(sov->WaitConnectedPeers(1));
  auto log = testing::WaitLog(sov->home(), [](const auto& l) { return testing::Count(l, "peer.identified") == 1; });
  auto identified = OfType(log, "peer.identified");
  ASSERT_EQ(identified.size(), 1u) << sov->Stderr();
  auto connected = OfType(log, "peer.connected");
  ASSERT_EQ(connected.size(), 1u);
  EXPECT_EQ(connected[0]["payload"]["peer_id"], js->peer_id());
  EXPECT_EQ(connected[0]["payload"]["inbound"], true);
  EXPECT_EQ(identified[0]["payload"]["peer_id"], js->peer_id());
  EXPECT_EQ(identified[0]["payload"]["agent_version"].get<std::string>().rfind("js-libp2p/", 0), 0u)
      << identified[0].dump();
  EXPECT_TRUE(OfType(log, "connection.rejected").empty());

  EXPECT_EQ(js->Stop(), 0) << js->Diagnostics();
  EXPECT_TRUE(sov->WaitConnectedPeers(0)) << sov->Stderr();
  EXPECT_EQ(sov->Stop(SIGTERM), 0) << sov->Stderr();
  auto disconnected = OfType(LogEvents(sov->home()), "peer.disconnected");
  ASSERT_EQ(disconnected.size(), 1u);
  EXPECT_EQ(disconnected[0]["payload"]["peer_id"], js->peer_id());
  EXPECT_EQ(disconnected[0]["payload"]["reason"], "ClosedByPeer") << disconnected[0].dump();
}

}  // namespace
}  // namespace sov
