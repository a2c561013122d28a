// Every CLI error is one `sov:` line and a non-zero exit, never an abort: a home the user may not
// read, a negative sequence number.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

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

}  // namespace
}  // namespace sov
