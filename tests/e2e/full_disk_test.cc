// A full disk, on a small tmpfs (root and mount permission needed; skipped with a message
// otherwise): `sov sim` and a running node stop with one clear line and a non-zero exit instead of
// aborting in RocksDB; only appends that were not committed are reported failed; once space is
// freed the log opens, verifies, and takes new records.

#include <sys/mount.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/host_fixture.h"
#include "support/sov_node.h"
#include "support/test_util.h"

namespace sov {
namespace {

namespace fs = std::filesystem;
using testing::RunResult;
using testing::Sov;

// A tmpfs of `megabytes` at a fresh directory, unmounted at the end.
class SmallDisk {
 public:
  explicit SmallDisk(int megabytes) : path_(dir_.Sub("disk")) {
    fs::create_directories(path_);
    const std::string opts = "size=" + std::to_string(megabytes) + "m";
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  bool Resize(int megabytes) {
    const std::string opts = "size=" + std::to_string(megabytes) + "m";
    return ::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, opts.c_str()) == 0;
  }
  // Writes a file until the disk is full.
  void Fill(const std::string& name) {
    std::ofstream f(path_ + "/" + name, std::ios::binary);
    std::string block(64 * 1024, 'x');
    while (f.write(block.data(), static_cast<std::streamsize>(block.size()))) f.flush();
    std::string one(1, 'x');
    std::ofstream g(path_ + "/" + name + ".tail", std::ios::binary);
    while (g.write(one.data(), 1) && g.flush()) {
    }
  }

 private:
  testing::TempDir dir_;
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

void ExpectOneCleanLine(const RunResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 1) << "exit " << r.exit_code << " (134 = SIGABRT): " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("sov: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

TEST(FullDisk, SimStopsWithOneLineAndTheLogRecoversWhenSpaceIsFreed) {
  SmallDisk disk(12);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << "): needs root";
  const std::string home = disk.path() + "/home";
  ASSERT_EQ(Sov(home, {"init"}).exit_code, 0);
  RunResult full = Sov(home, {"sim", "--events", "2000000"});
  ExpectOneCleanLine(full, "No space left on device");

  // What was committed is there and verifies, before and after space is freed.
  RunResult verify = Sov(home, {"log", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  ASSERT_TRUE(disk.Resize(64));
  verify = Sov(home, {"log", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto stats = testing::SovJson(home, {"log", "stats"});
  const uint64_t records = stats.value("records", uint64_t{0});
  EXPECT_GT(records, 1000u);
  RunResult more = Sov(home, {"sim", "--events", "1000", "--seed", "2"});
  EXPECT_EQ(more.exit_code, 0) << more.err;
  verify = Sov(home, {"log", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_GT(testing::SovJson(home, {"log", "stats"}).value("records", uint64_t{0}), records + 1000);
}

TEST(FullDisk, ARunningNodeStopsCleanlyWhenTheDiskFills) {
  SmallDisk disk(32);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << "): needs root";
  const std::string home = disk.path() + "/node";
  fs::create_directories(home);
  std::ofstream(home + "/config.toml") << "[log]\nsync = \"always\"\n";
  testing::SovNode node(home);
  ASSERT_TRUE(node.ok()) << node.Stderr();
  disk.Fill("filler");
  // Network facts now need space: peers connect and leave until an append fails.
  auto addr = p2p::Multiaddr::Parse(node.addr());
  ASSERT_TRUE(addr.ok());
  int exit_code = -1000;
  for (int round = 0; round < 200 && exit_code == -1000; ++round) {
    testing::HostHarness h;
    testing::TestHost& peer = h.AddHost(static_cast<uint8_t>(1 + round % 200), testing::FastOptions());
    (void)h.AwaitResult(peer.host->Connect(*addr), std::chrono::milliseconds(2000));
    exit_code = node.WaitExit(std::chrono::milliseconds(100));
  }
  if (exit_code == -1000) exit_code = node.WaitExit(std::chrono::seconds(20));
  EXPECT_EQ(exit_code, 1) << "(134 = SIGABRT)\n" << node.Stderr();
  const std::string err = node.Stderr();
  EXPECT_NE(err.find("the log failed, stopping"), std::string::npos) << err;
  EXPECT_NE(err.find("No space left on device"), std::string::npos) << err;

  fs::remove(disk.path() + "/filler");
  fs::remove(disk.path() + "/filler.tail");
  RunResult verify = Sov(home, {"log", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  testing::SovNode again(home);
  EXPECT_TRUE(again.ok()) << again.Stderr();
  EXPECT_EQ(again.Stop(SIGTERM), 0) << again.Stderr();
}

}  // namespace
}  // namespace sov
