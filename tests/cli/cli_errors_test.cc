// Every CLI error is one `sov:` line and a non-zero exit, never an abort: a home the user may not
// read, a negative sequence number, a listen address naming another peer, a bad peer name with no
// node running, a config file of garbage bytes (never echoed raw).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/process.h"
#include "support/test_util.h"

namespace sov {
namespace {

using testing::RunResult;

TEST(CliErrors, ReadCommandsOnAHomeWithoutAccessFailWithOneLine) {
  testing::TempDir dir;
  const std::string home = dir.Sub("home");
  ASSERT_EQ(testing::Run({SOV_BINARY, "--home", home, "init"}).exit_code, 0);
  ASSERT_EQ(::chmod(home.c_str(), 0700), 0);
  std::vector<std::string> prefix;
  if (::geteuid() == 0) {
    // root reads everything: run the commands as nobody, who may not enter the 0700 home.
    if (!std::filesystem::exists("/usr/bin/setpriv")) GTEST_SKIP() << "needs /usr/bin/setpriv (util-linux) when run as root";
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  } else {
    ASSERT_EQ(::chmod(home.c_str(), 0), 0);
  }
  for (std::vector<std::string> cmd : {std::vector<std::string>{"log", "stats"}, {"log", "tail"}, {"log", "verify"},
                                       {"p2p", "reputation"}, {"views", "status"}, {"p2p", "identity"}}) {
    std::vector<std::string> argv = prefix;
    argv.insert(argv.end(), {SOV_BINARY, "--home", home});
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    RunResult r = testing::Run(argv);
    EXPECT_EQ(r.exit_code, 1) << cmd[0] << " " << cmd[1] << ": " << r.err;
    EXPECT_EQ(r.err.rfind("sov: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  ASSERT_EQ(::chmod(home.c_str(), 0700), 0);
}

TEST(CliErrors, NegativeSequenceIsRefusedNotWrapped) {
  testing::TempDir dir;
  const std::string home = dir.Sub("home");
  ASSERT_EQ(testing::Run({SOV_BINARY, "--home", home, "init"}).exit_code, 0);
  RunResult r = testing::Run({SOV_BINARY, "--home", home, "log", "show", "-1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("-1"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("18446744073709551615"), std::string::npos) << r.err;
}

bool HasRawControlOrInvalid(const std::string& text) {
  for (unsigned char c : text) {
    if (c == 0x1b || c >= 0xf5 || (c < 0x20 && c != '\n')) return true;
  }
  return false;
}

TEST(CliErrors, ListenAddressNamingAnotherPeerIsRefused) {
  testing::TempDir dir;
  const std::string home = dir.Sub("home");
  ASSERT_EQ(testing::Run({SOV_BINARY, "--home", home, "init"}).exit_code, 0);
  const std::string other = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
  RunResult r = testing::Run({SOV_BINARY, "--home", home, "node", "run", "--listen", "/ip4/127.0.0.1/tcp/0/p2p/" + other});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.rfind("sov: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("names peer " + other + ", but this node is 12D3KooW"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(home + "/node.sock"));
}

TEST(CliErrors, ABadPeerNameIsNamedEvenWithNoNodeRunning) {
  testing::TempDir dir;
  const std::string home = dir.Sub("home");
  ASSERT_EQ(testing::Run({SOV_BINARY, "--home", home, "init"}).exit_code, 0);
  for (std::string cmd : {"ping", "disconnect"}) {
    RunResult r = testing::Run({SOV_BINARY, "--home", home, "p2p", cmd, "did:key:zBAD"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("did:key:zBAD"), std::string::npos) << cmd << ": " << r.err;
    EXPECT_EQ(r.err.find("no node is running"), std::string::npos) << cmd << ": " << r.err;
  }
  RunResult r = testing::Run({SOV_BINARY, "--home", home, "p2p", "connect", "/ip4/1.2.3"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("/ip4/1.2.3"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("no node is running"), std::string::npos) << r.err;
}

TEST(CliErrors, AGarbageConfigIsNeverEchoedRaw) {
  testing::TempDir dir;
  const std::string home = dir.Sub("home");
  ASSERT_EQ(testing::Run({SOV_BINARY, "--home", home, "init"}).exit_code, 0);
  std::ofstream(home + "/config.toml", std::ios::trunc) << "\x1b[2J\x1b[31m\xff\xfe = \"\x07\"\n[p2p]\nmax_peers = \"\x1b]0;pwned\x07\"\n";
  for (std::vector<std::string> cmd : {std::vector<std::string>{"node", "run"}, {"config", "check"}}) {
    std::vector<std::string> argv = {SOV_BINARY, "--home", home};
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    RunResult r = testing::Run(argv);
    EXPECT_NE(r.exit_code, 0) << cmd[0];
    EXPECT_FALSE(HasRawControlOrInvalid(r.err)) << cmd[0] << ": " << r.err;
    EXPECT_FALSE(HasRawControlOrInvalid(r.out)) << cmd[0] << ": " << r.out;
    EXPECT_NE(r.err.find("config.toml"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace sov
