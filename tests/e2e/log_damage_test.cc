// Damaged or missing log files are errors that name what is wrong and touch nothing: a byte flipped
// in the middle of the WAL, a deleted WAL, a deleted CURRENT. Each starts from a real writer process
// (tests/tools/crash_child) SIGKILLed with acknowledged records still only in the WAL.
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>

#include <rocksdb/db.h>

#include "events_generated.h"
#include "pipeline/event_store.h"
#include "store/verify.h"
#include "support/process.h"
#include "support/test_util.h"

namespace sov {
namespace {

namespace fs = std::filesystem;

// Runs a writer under sync=always on `db` signed by `key_file` and SIGKILLs it once it has
// acknowledged at least `records`; returns the highest acknowledged sequence.
uint64_t KillWriterAfter(const std::string& db, const std::string& key_file, uint64_t records) {
  testing::Child child({SOV_CRASH_CHILD, db, key_file, "2"});
  std::vector<std::string> lines;
  uint64_t acked = 0;
  size_t parsed = 0;
  for (int i = 0; i < 100 && acked < records; ++i) {
    child.ReadLines(20, &lines);
    for (; parsed < lines.size(); ++parsed) {
      std::istringstream in(lines[parsed]);
      std::string word;
      uint64_t first = 0, n = 0;
      in >> word >> first >> n;
      acked = std::max(acked, first + n - 1);
    }
  }
  child.Kill();
  return acked;
}

void FlipByteInTheMiddle(const fs::path& file) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(fs::file_size(file) / 2);
  f.seekg(middle);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(middle);
  f.write(&c, 1);
}

// The WAL files of the database at `db`, largest first.
std::vector<fs::path> WalsOf(const std::string& db) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(db)) {
    if (e.path().extension() == ".log") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) { return fs::file_size(a) > fs::file_size(b); });
  return out;
}

// The largest table file the MANIFEST lists (of `family`, or of any when empty); a directory may
// also hold obsolete ones.
fs::path LargestLiveTable(const std::string& db, const std::string& family) {
  std::vector<std::string> families;
  if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), db, &families).ok()) return {};
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& f : families) descs.emplace_back(f, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), db, descs, &handles, &raw).ok()) return {};
  std::vector<rocksdb::LiveFileMetaData> live;
  raw->GetLiveFilesMetaData(&live);
  fs::path table;
  uint64_t largest = 0;
  for (const auto& f : live) {
    if ((family.empty() || f.column_family_name == family) && f.size > largest) {
      largest = f.size;
      table = fs::path(f.db_path + f.name);
    }
  }
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
  return table;
}

class LogDamage : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = testing::TestKey(dir_.path(), 9);
    acked_ = KillWriterAfter(db(), dir_.path() + "/node9.key", 300);
    ASSERT_GE(acked_, 300u) << "the writer acknowledged too little";
  }

  std::string db() const { return dir_.Sub("db"); }

  std::vector<fs::path> Wals() const { return WalsOf(db()); }

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
};

TEST_F(LogDamage, FlippedByteInTheWalIsAnErrorNamingTheFileAndTheFirstLostRecord) {
  auto wals = Wals();
  ASSERT_FALSE(wals.empty());
  const fs::path wal = wals.front();
  FlipByteInTheMiddle(wal);
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

TEST_F(LogDamage, RepairKeepsTheIntactRecordsRecordsTheLossAndKeepsTheDamagedFiles) {
  const fs::path wal = Wals().front();
  FlipByteInTheMiddle(wal);
  pipeline::StoreOptions o;
  o.log.signer = key_.get();
  auto report = pipeline::EventStore::Repair(db(), dir_.Sub("damaged"), o, testing::T(1000));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->repaired);
  EXPECT_LT(report->intact_through, acked_);
  EXPECT_NE(report->damage.find(wal.filename().string()), std::string::npos) << report->damage;
  EXPECT_TRUE(fs::exists(dir_.Sub("damaged") / wal.filename())) << "the damaged WAL was not kept";

  auto s = OpenWriter();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto head = (*s)->reader().Head();
  ASSERT_TRUE(head.ok());
  // The intact records, log.repaired, then the checkpoint of the clean close.
  auto repaired = (*s)->reader().Read(report->intact_through + 1);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  auto* e = repaired->envelope().payload_as_LogRepaired();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->first_lost_seq(), report->intact_through + 1);
  EXPECT_EQ(e->backup_dir()->str(), dir_.Sub("damaged"));
  auto verified = store::VerifyLog((*s)->db(), {key_->did(), nullptr});
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->error;

  // A second repair finds nothing to do.
  ASSERT_TRUE((*s)->Close().ok());
  s->reset();
  auto again = pipeline::EventStore::Repair(db(), dir_.Sub("damaged-2"), o, testing::T(1001));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->repaired);
  EXPECT_FALSE(fs::exists(dir_.Sub("damaged-2")));
}

TEST_F(LogDamage, RepairAfterADeletedWalRecordsWhatTheWitnessKnew) {
  for (const auto& w : Wals()) fs::remove(w);
  pipeline::StoreOptions o;
  o.log.signer = key_.get();
  auto report = pipeline::EventStore::Repair(db(), dir_.Sub("damaged"), o, testing::T(1000));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->repaired);
  EXPECT_GE(report->signed_through, 250u);  // checkpoints every 50 records of the ~300 acknowledged
  auto s = OpenWriter();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto e = (*s)->reader().Read(report->intact_through + 1);
  ASSERT_TRUE(e.ok());
  ASSERT_NE(e->envelope().payload_as_LogRepaired(), nullptr);
  EXPECT_EQ(e->envelope().payload_as_LogRepaired()->signed_through_seq(), report->signed_through);
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

// Table files: with a log SST cut short or deleted, every open fails naming the file instead of
// reading the records it held as absent (a reader used to print nothing and exit 0).
TEST_F(LogDamage, ACutOrMissingTableFileIsAnErrorNamingItForWritersAndReaders) {
  {  // flush the WAL into SST files first
    auto s = OpenWriter();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->Close().ok());
  }
  const fs::path table = LargestLiveTable(db(), "");
  ASSERT_FALSE(table.empty());
  const auto size = fs::file_size(table);
  auto expect_refused = [&](const std::string& what) {
    auto reader = pipeline::EventStore::OpenReader(db(), dir_.Sub("secondary-" + what));
    ASSERT_FALSE(reader.ok()) << what << ": a reader opened; " << table;
    EXPECT_NE(reader.status().ToString().find(table.filename().string()), std::string::npos) << reader.status().ToString();
    EXPECT_NE(reader.status().ToString().find("sov log restore"), std::string::npos) << reader.status().ToString();
    auto writer = OpenWriter();
    ASSERT_FALSE(writer.ok()) << what << ": a writer opened";
    EXPECT_NE(writer.status().ToString().find(table.stem().string()), std::string::npos) << writer.status().ToString();
  };
  fs::resize_file(table, size / 2);
  expect_refused("cut");
  fs::remove(table);
  expect_refused("missing");
}

// A rebuild that fails on a damaged record leaves every view as it was, and the node still opens.
TEST_F(LogDamage, AFailedRebuildLeavesTheViewsAsTheyWere) {
  {
    auto s = OpenWriter();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->Close().ok());
  }
  auto digests = [&]() {
    std::map<std::string, std::string> out;
    auto reader = pipeline::EventStore::OpenReader(db(), dir_.Sub("secondary-" + std::to_string(out.size()) +
                                                                   std::to_string(std::rand())));
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return out;
    for (const auto& name : pipeline::ViewNames()) {
      auto d = pipeline::ViewDigest((*reader)->db(), name);
      out[name] = d.ok() ? *d : d.status().ToString();
    }
    return out;
  };
  const auto before = digests();
  const fs::path table = LargestLiveTable(db(), "log");
  ASSERT_FALSE(table.empty());
  FlipByteInTheMiddle(table);
  {
    auto s = OpenWriter();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Status rebuilt = (*s)->runner()->RebuildAll();
    ASSERT_FALSE(rebuilt.ok()) << "a rebuild read past a damaged log record";
    EXPECT_NE(rebuilt.ToString().find("the views are as they were"), std::string::npos) << rebuilt.ToString();
    Status one = (*s)->runner()->Rebuild("peers");
    EXPECT_FALSE(one.ok());
    (void)(*s)->Close();
  }
  EXPECT_EQ(digests(), before);
  auto again = OpenWriter();
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

// Readers (RocksDB secondaries) see every view exactly as the writer does, after a writer that was
// killed and a writer that closed cleanly.
TEST_F(LogDamage, ReadersSeeTheViewsTheWriterSees) {
  {
    auto s = OpenWriter();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->Close().ok());
  }
  std::map<std::string, std::string> by_writer, by_reader;
  {
    auto reader = pipeline::EventStore::OpenReader(db(), dir_.Sub("secondary-views"));
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    for (const auto& name : pipeline::ViewNames()) {
      auto d = pipeline::ViewDigest((*reader)->db(), name);
      by_reader[name] = d.ok() ? *d : d.status().ToString();
    }
  }
  auto s = OpenWriter();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  for (const auto& name : pipeline::ViewNames()) {
    auto d = pipeline::ViewDigest((*s)->db(), name);
    by_writer[name] = d.ok() ? *d : d.status().ToString();
  }
  EXPECT_EQ(by_reader, by_writer);
}

TEST(LogRepairCli, ADamagedHomeIsRefusedUntilRepairedThenVerifies) {
  testing::TempDir dir;
  const std::string home = dir.Sub("home");
  auto sov = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {SOV_BINARY, "--home", home});
    return testing::Run(args);
  };
  ASSERT_EQ(sov({"init"}).exit_code, 0);
  ASSERT_GE(KillWriterAfter(home + "/db", home + "/node.key", 200), 200u);
  FlipByteInTheMiddle(WalsOf(home + "/db").front());

  testing::RunResult tail = sov({"log", "tail"});
  EXPECT_NE(tail.exit_code, 0);
  EXPECT_NE(tail.err.find("sov log repair"), std::string::npos) << tail.err;

  testing::RunResult repair = sov({"log", "repair"});
  ASSERT_EQ(repair.exit_code, 0) << repair.err;
  EXPECT_NE(repair.out.find("lost          from record"), std::string::npos) << repair.out;
  EXPECT_NE(repair.out.find("damaged copy  " + home + "/db.damaged-"), std::string::npos) << repair.out;

  testing::RunResult verify = sov({"log", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  testing::RunResult last = sov({"log", "tail", "-n", "2"});
  EXPECT_NE(last.out.find("log.repaired"), std::string::npos) << last.out;

  testing::RunResult again = sov({"log", "repair"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("nothing to repair"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace sov
