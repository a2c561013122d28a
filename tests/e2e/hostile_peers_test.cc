// A real `sov node run` against hostile peers on loopback, checked through its log and CLI:
//   - peer bytes in text: a 4-byte multistream payload that is not UTF-8 (03 ff fe 0a) and an
//     identify agentVersion carrying \xff, an ANSI escape and a newline end up in events as valid
//     UTF-8 without control characters; log show, log tail --json and log export render every
//     record; neither the node's stderr nor `p2p peers` carries the raw bytes;
//   - log flood: 2,000 connections that close at once add a handful of connection.rejected records
//     whose counts add up to 2,000, each naming the real remote address.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/host_fixture.h"
#include "support/sov_node.h"
#include "support/test_util.h"

namespace sov {
namespace {

using nlohmann::json;
using testing::LogEvents;
using testing::OfType;
using testing::SovNode;

// The port of a /ip4/127.0.0.1/tcp/<port>/p2p/... address.
int PortOf(const std::string& addr) {
  auto ma = p2p::Multiaddr::Parse(addr);
  if (!ma.ok()) return -1;
  auto tcp = ma->Tcp();
  return tcp.ok() ? tcp->port : -1;
}

// Connects to 127.0.0.1:port, writes `bytes`, and closes (after the node closed, when `wait_close`).
bool SendAndClose(int port, const std::string& bytes, bool wait_close) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (ok && !bytes.empty()) ok = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  if (ok && wait_close) {
    char buf[512];
    while (::recv(fd, buf, sizeof buf, 0) > 0) {
    }
  }
  ::close(fd);
  return ok;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool HasRawControlOrInvalid(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b || c == 0xff || c == 0xfe) return true;
  }
  return false;
}

class HostilePeersE2e : public ::testing::Test {
 protected:
  std::unique_ptr<SovNode> Start() {
    const std::string home = dir_.Sub("node");
    std::filesystem::create_directories(home);
    std::ofstream(home + "/config.toml") << "[log]\nsync = \"always\"\n";
    return std::make_unique<SovNode>(home);
  }
  testing::TempDir dir_;
};

TEST_F(HostilePeersE2e, PeerBytesNeverBreakTheLogOrReachTheTerminalRaw) {
  auto node = Start();
  ASSERT_TRUE(node->ok()) << node->Stderr();
  const int port = PortOf(node->addr());
  ASSERT_GT(port, 0);

  // 1. A multistream length (3), then two bytes that are not UTF-8 and a newline.
  ASSERT_TRUE(SendAndClose(port, std::string("\x03\xff\xfe\n", 4), true));
  auto log = testing::WaitLog(node->home(), [](const auto& l) { return testing::Count(l, "connection.rejected") == 1; });
  auto rejected = OfType(log, "connection.rejected");
  ASSERT_EQ(rejected.size(), 1u);
  const std::string error = rejected[0]["payload"]["error"];
  EXPECT_NE(error.find("\xEF\xBF\xBD"), std::string::npos) << error;  // U+FFFD where the bytes were
  EXPECT_FALSE(HasRawControlOrInvalid(error)) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;

  // 2. identify with an agentVersion built to break things.
  {
    testing::HostHarness h;
    p2p::HostOptions options = testing::FastOptions();
    options.agent_version = "evil\xff\x1b[31m\n2026-01-01T00:00:00.000 info  forged line";
    testing::TestHost& evil = h.AddHost(77, options);
    auto target = p2p::Multiaddr::Parse(node->addr());
    ASSERT_TRUE(target.ok());
    auto connected = h.AwaitResult(evil.host->Connect(*target));
    ASSERT_TRUE(connected.ok()) << connected.status().ToString();
    ASSERT_TRUE(h.RunUntil([&] { return evil.observer.identified.size() == 1; })) << evil.observer.Dump();
    log = testing::WaitLog(node->home(), [](const auto& l) { return testing::Count(l, "peer.identified") == 1; });
    auto identified = OfType(log, "peer.identified");
    ASSERT_EQ(identified.size(), 1u);
    EXPECT_EQ(identified[0]["payload"]["agent_version"],
              "evil\xEF\xBF\xBD\\x1b[31m\\x0a2026-01-01T00:00:00.000 info  forged line");
    auto peers = node->Cli({"p2p", "peers"});
    EXPECT_EQ(peers.exit_code, 0) << peers.err;
    EXPECT_FALSE(HasRawControlOrInvalid(peers.out)) << peers.out;
    auto peers_json = node->Cli({"--json", "p2p", "peers"});
    EXPECT_EQ(peers_json.exit_code, 0) << peers_json.err;
    EXPECT_FALSE(HasRawControlOrInvalid(peers_json.out));
  }

  // Every reader renders every record.
  const uint64_t seq = rejected[0]["seq"];
  auto show = node->Cli({"log", "show", std::to_string(seq)});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_FALSE(HasRawControlOrInvalid(show.out)) << show.out;
  auto tail = node->Cli({"log", "tail", "-n", "100"});
  EXPECT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_FALSE(HasRawControlOrInvalid(tail.out)) << tail.out;
  auto tail_json = node->Cli({"log", "tail", "--json", "-n", "100"});
  EXPECT_EQ(tail_json.exit_code, 0) << tail_json.err;
  std::istringstream lines(tail_json.out);
  size_t parsed = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(json::parse(line, nullptr, false).is_discarded()) << line;
    ++parsed;
  }
  EXPECT_GE(parsed, 3u);
  EXPECT_EQ(node->Stop(SIGTERM), 0) << node->Stderr();
  auto all = LogEvents(node->home());  // export (fails the test on a refused record)
  EXPECT_GE(all.size(), 4u);
  auto verify = node->Cli({"log", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // The node's own log lines: no raw byte from either peer, no forged line.
  const std::string err = ReadFile(node->home() + ".stderr");
  EXPECT_FALSE(HasRawControlOrInvalid(err));
  EXPECT_EQ(err.find("\n2026-01-01T00:00:00.000 info  forged line"), std::string::npos);
}

TEST_F(HostilePeersE2e, TwoThousandShortConnectionsAddAFewRecordsThatCountThemAll) {
  auto node = Start();
  ASSERT_TRUE(node->ok()) << node->Stderr();
  const int port = PortOf(node->addr());
  constexpr int kConnections = 2000;
  for (int i = 0; i < kConnections; ++i) ASSERT_TRUE(SendAndClose(port, "", false)) << i;
  // Every one of them is noticed (a closed connection fails its upgrade at once): the node's debug
  // log has a line for each, recorded or not.
  auto noticed = [&] {
    const std::string err = ReadFile(node->home() + ".stderr");  // all of it (Stderr() is a tail)
    size_t n = 0;
    for (size_t at = err.find("p2p: inbound connection from "); at != std::string::npos;
         at = err.find("p2p: inbound connection from ", at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_TRUE(testing::WaitUntil([&] { return noticed() >= 3 + static_cast<size_t>(kConnections); }))
      << noticed();
  ASSERT_EQ(node->Stop(SIGTERM), 0) << node->Stderr();
  auto rejected = OfType(LogEvents(node->home()), "connection.rejected");
  uint64_t counted = 0;
  size_t summaries = 0;
  for (const auto& r : rejected) {
    counted += r["payload"]["count"].get<uint64_t>();
    summaries += r["payload"]["count"].get<uint64_t>() > 1 ? 1 : 0;
    const std::string address = r["payload"]["address"];
    EXPECT_EQ(address.rfind("/ip4/127.0.0.1", 0), 0u) << address;
  }
  // ... and the log holds the first three and one summary per minute, not 2,000 records.
  EXPECT_EQ(counted, static_cast<uint64_t>(kConnections));
  EXPECT_LE(rejected.size(), 3u + 3u) << rejected.size();
  EXPECT_GE(summaries, 1u);
}

}  // namespace
}  // namespace sov
