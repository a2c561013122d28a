// No lockout by silent sockets: while 200 sockets from another address (127.0.0.2) connect to a
// real `sov node run` and then send nothing, stop after the multistream header, or trickle it a byte
// at a time, and reconnect whenever the node drops them, a sov peer and a js-libp2p peer (both from
// 127.0.0.1) still connect and ping within kLockoutBound, three times each. Before the fix the
// upgrading sockets took every p2p.max_peers slot and kept good peers out.

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "node/p2p/transport/async.h"
#include "support/host_fixture.h"
#include "support/js_peer.h"
#include "support/sov_node.h"
#include "support/test_util.h"

namespace sov {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::JsPeer;

// How long a good peer may take to connect and ping while the node is under the flood. A bound on
// the lockout (the old behaviour was a 10 s wait per silent socket, forever), generous for a loaded
// 2-core machine; the sanitized build is several times slower.
#ifdef SOV_SANITIZED_BUILD
constexpr auto kLockoutBound = 6s;
#else
constexpr auto kLockoutBound = 2s;
#endif

// 200 misbehaving sockets on their own thread, each reconnecting 100 ms after the node drops it.
class SilentFlood {
 public:
  SilentFlood(uint16_t port, int sockets) : port_(port) {
    for (int i = 0; i < sockets; ++i) p2p::Spawn(io_.get_executor(), Socket(i), "flood socket");
    thread_ = std::thread([this] { io_.run(); });
  }
  ~SilentFlood() {
    stop_ = true;
    io_.stop();
    thread_.join();
  }
  uint64_t connections() const { return connections_; }

 private:
  p2p::Task<void> Socket(int index) {
    using asio::ip::tcp;
    const std::string header = "\x13/multistream/1.0.0\n";
    asio::steady_timer timer(io_);
    while (!stop_) {
      tcp::socket s(io_);
      std::error_code ec;
      s.open(tcp::v4(), ec);
      if (!ec) s.bind(tcp::endpoint(asio::ip::make_address("127.0.0.2"), 0), ec);
      if (!ec) {
        auto [cec] = co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), p2p::kUseAwaitable);
        ec = cec;
      }
      if (!ec) {
        ++connections_;
        if (index % 3 == 1) {
          (void)co_await asio::async_write(s, asio::buffer(header), p2p::kUseAwaitable);
        } else if (index % 3 == 2) {  // trickle: one byte every 300 ms
          for (char c : header) {
            auto [wec, n] = co_await asio::async_write(s, asio::buffer(&c, 1), p2p::kUseAwaitable);
            if (wec || stop_) break;
            timer.expires_after(300ms);
            co_await timer.async_wait(p2p::kUseAwaitable);
          }
        }
        char buf[256];
        for (;;) {  // until the node closes it
          auto [rec, n] = co_await s.async_read_some(asio::buffer(buf), p2p::kUseAwaitable);
          if (rec || stop_) break;
        }
      }
      timer.expires_after(100ms);
      co_await timer.async_wait(p2p::kUseAwaitable);
    }
  }

  asio::io_context io_{1};
  uint16_t port_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> connections_{0};
  std::thread thread_;
};

TEST(Lockout, GoodPeersConnectAndPingWhileSilentSocketsFlood) {
  const std::string node_js = testing::NodeJs(), dir = testing::InteropDir();
  ASSERT_NE(node_js, "") << "`node` is not on PATH (scripts/setup installs it)";
  ASSERT_TRUE(std::filesystem::exists(dir + "/node_modules/libp2p/package.json"))
      << dir << "/node_modules is missing: run scripts/setup";
  testing::TempDir tmp;
  const std::string home = tmp.Sub("node");
  std::filesystem::create_directories(home);
  std::ofstream(home + "/config.toml") << "[log]\nsync = \"always\"\n";
  testing::SovNode node(home);
  ASSERT_TRUE(node.ok());
  auto addr = p2p::Multiaddr::Parse(node.addr());
  ASSERT_TRUE(addr.ok());
  const auto port = static_cast<uint16_t>(addr->Tcp()->port);

  SilentFlood flood(port, 200);
  ASSERT_TRUE(testing::WaitUntil([&] { return flood.connections() >= 400; })) << flood.connections();

  const auto log_level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // A sov peer (in this process).
    {
      testing::HostHarness h;
      testing::TestHost& peer = h.AddHost(static_cast<uint8_t>(100 + round), testing::FastOptions());
      const auto start = std::chrono::steady_clock::now();
      auto connected = h.AwaitResult(peer.host->Connect(*addr), std::chrono::duration_cast<std::chrono::milliseconds>(kLockoutBound));
      ASSERT_TRUE(connected.ok()) << connected.status().ToString() << "\n" << node.Stderr();
      const auto left = kLockoutBound - (std::chrono::steady_clock::now() - start);
      auto rtt = h.AwaitResult(peer.host->Ping(connected->peer),
                               std::max(1ms, std::chrono::duration_cast<std::chrono::milliseconds>(left)));
      ASSERT_TRUE(rtt.ok()) << rtt.status().ToString();
    }
    // A js-libp2p peer (started first; the bound counts from its dial).
    JsPeer js(node_js, dir, tmp.Sub("js" + std::to_string(round) + ".stderr"));
    ASSERT_TRUE(js.ok()) << js.Diagnostics();
    ASSERT_TRUE(js.Send({{"cmd", "dial"}, {"addr", node.addr()}, {"pings", 1}}));
    auto ping = js.WaitEvent("ping", [](const json&) { return true; },
                             std::chrono::duration_cast<std::chrono::milliseconds>(kLockoutBound));
    ASSERT_TRUE(ping) << js.Diagnostics() << "\nsov stderr:\n" << node.Stderr();
    EXPECT_TRUE(js.Events("error").empty()) << js.Diagnostics();
    EXPECT_EQ(js.Stop(), 0);
  }
  spdlog::set_level(log_level);
  EXPECT_GE(flood.connections(), 400u);
  EXPECT_EQ(node.Stop(SIGTERM), 0) << node.Stderr();
}

}  // namespace
}  // namespace sov
