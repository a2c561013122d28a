// Damaged or missing log files are errors that name what is wrong and touch nothing: a byte flipped
// in the middle of the WAL, a deleted WAL, a deleted CURRENT. Each starts from a real writer process
// (tests/tools/crash_child) SIGKILLed with acknowledged records still only in the WAL.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/event_store.h"
#include "support/process.h"
#include "support/test_util.h"

namespace sov {
namespace {

namespace fs = std::filesystem;

class LogDamage : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = testing::TestKey(dir_.path(), 9);
    // A writer under sync=always, killed after it has acknowledged a few hundred records.
    testing::Child child({SOV_CRASH_CHILD, db(), dir_.path() + "/node9.key", "2"});
    std::vector<std::string> lines;
    for (int i = 0; i < 100 && acked_ < 300; ++i) {
      child.ReadLines(20, &lines);
      for (; parsed_ < lines.size(); ++parsed_) {
        std::istringstream in(lines[parsed_]);
        std::string word;
        uint64_t first = 0, n = 0;
        in >> word >> first >> n;
        acked_ = std::max(acked_, first + n - 1);
      }
    }
    child.Kill();
    ASSERT_GE(acked_, 300u) << "the writer acknowledged too little";
  }

  std::string db() const { return dir_.Sub("db"); }

  // The WAL files of the database, largest first.
  std::vector<fs::path> Wals() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(db())) {
      if (e.path().extension() == ".log") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
      return fs::file_size(a) > fs::file_size(b);
    });
    return out;
  }

  // Every file of the database with its size, to show an open changed nothing.
  std::map<std::string, uintmax_t> Files() const {
    std::map<std::string, uintmax_t> out;
    for (const auto& e : fs::directory_iterator(db())) {
      if (e.path().filename() != "LOCK" && e.path().filename().string().rfind("LOG", 0) != 0) {
        out[e.path().filename().string()] = fs::file_size(e.path());
      }
    }
    return out;
  }

  Result<std::unique_ptr<pipeline::EventStore>> OpenWriter(bool create = false) {
    pipeline::StoreOptions o;
    o.create_if_missing = create;
    o.log.signer = key_.get();
    o.log.checkpoint_interval = 50;
    return pipeline::EventStore::Open(db(), o);
  }

  testing::TempDir dir_;
  std::unique_ptr<identity::Keystore> key_;
  uint64_t acked_ = 0;
  size_t parsed_ = 0;
};

TEST_F(LogDamage, FlippedByteInTheWalIsAnErrorNamingTheFileAndTheFirstLostRecord) {
  auto wals = Wals();
  ASSERT_FALSE(wals.empty());
  const fs::path wal = wals.front();
  {
    std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(fs::file_size(wal) / 2);
    f.seekg(middle);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(middle);
    f.write(&c, 1);
  }
  const auto before = Files();
  for (int attempt = 0; attempt < 2; ++attempt) {  // refused every time, not only the first
    auto s = OpenWriter();
    ASSERT_FALSE(s.ok()) << "a writer opened over a damaged WAL (attempt " << attempt << ")";
    const std::string msg = s.status().ToString();
    EXPECT_NE(msg.find(wal.filename().string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("first lost record"), std::string::npos) << msg;
    EXPECT_NE(msg.find("sov log repair"), std::string::npos) << msg;
    EXPECT_EQ(Files(), before) << "opening changed the database's files";
  }
  // Even asking to create does not paper over it.
  EXPECT_FALSE(OpenWriter(/*create=*/true).ok());
}

TEST_F(LogDamage, DeletedWalIsAnError) {
  auto wals = Wals();
  ASSERT_FALSE(wals.empty());
  for (const auto& w : wals) fs::remove(w);
  auto s = OpenWriter();
  ASSERT_FALSE(s.ok()) << "a writer opened although the WAL holding acknowledged records is gone";
  EXPECT_NE(s.status().ToString().find("WAL"), std::string::npos) << s.status().ToString();
}

TEST_F(LogDamage, MissingCurrentIsNeverReplacedByANewLog) {
  {  // flush the WAL into SST files first, so the records live on in the tables
    auto s = OpenWriter();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->Close().ok());
  }
  fs::remove(db() + "/CURRENT");
  for (const auto& w : Wals()) fs::remove(w);
  const auto before = Files();
  ASSERT_FALSE(before.empty());
  for (bool create : {false, true}) {
    auto s = OpenWriter(create);
    ASSERT_FALSE(s.ok()) << "a writer (create=" << create << ") replaced a log whose CURRENT is missing";
    EXPECT_NE(s.status().ToString().find("CURRENT"), std::string::npos) << s.status().ToString();
    EXPECT_EQ(Files(), before) << "opening changed the database's files";
  }
}

TEST_F(LogDamage, AnEmptyDirectoryMayStillBeCreated) {
  testing::TempDir other;
  fs::create_directories(other.Sub("db"));
  pipeline::StoreOptions o;
  o.create_if_missing = true;
  auto s = pipeline::EventStore::Open(other.Sub("db"), o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
}

}  // namespace
}  // namespace sov
