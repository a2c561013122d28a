// The chain witness names the latest durable signed checkpoint, and a log that falls short of it,
// or differs from it, is refused at open.
#include "store/chain_witness.h"

#include <fstream>

#include "store/log_open.h"
#include "store/log_format.h"
#include "support/test_util.h"

namespace sov {
namespace {

using testing::Event;
using testing::T;

std::string Tool(int i) {
  return Event(T(i), fb::Event::ToolSucceeded, [&](auto& fbb) {
    return fb::CreateToolSucceededDirect(fbb, ("call-" + std::to_string(i)).c_str(), testing::TestDid(1).c_str(),
                                         "echo", 1, 1);
  });
}

class Witness : public ::testing::Test {
 protected:
  void Fill(int events, store::SyncPolicy sync, bool close) {
    store_ = testing::OpenStore(dir_.Sub("db"), key_.get(), 10, sync);
    for (int i = 0; i < events; ++i) testing::AppendAll(*store_, {Tool(i)});
    if (close) {
      ASSERT_TRUE(store_->Close().ok());
      store_.reset();
    }
  }
  Result<std::unique_ptr<store::Db>> Open() {
    store::DbOptions o;
    o.column_families = {store::kLogFamily, store::kMetaFamily};
    return store::OpenLogDb(dir_.Sub("db"), o);
  }
  testing::TempDir dir_;
  std::unique_ptr<identity::Keystore> key_ = testing::TestKey(dir_.path());
  std::unique_ptr<pipeline::EventStore> store_;  // open while a test looks at a running log
};

TEST_F(Witness, NamesTheLastCheckpointOnceItIsDurable) {
  Fill(25, store::SyncPolicy::kAlways, /*close=*/false);
  auto w = store::ReadWitness(dir_.Sub("db"));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE(w->has_value());
  // While the log runs, checkpoints have signed records 10 and 20 (record 11 is the first
  // checkpoint; each comes 10 records after the record the previous one signed).
  EXPECT_EQ((*w)->seq, 20u);
  EXPECT_EQ((*w)->chain_hash.size(), 32u);
}

TEST_F(Witness, CloseWitnessesTheFinalCheckpoint) {
  Fill(5, store::SyncPolicy::kNone, /*close=*/true);
  auto w = store::ReadWitness(dir_.Sub("db"));
  ASSERT_TRUE(w.ok() && w->has_value());
  EXPECT_EQ((*w)->seq, 5u);  // the checkpoint at close signs record 5
  EXPECT_TRUE(Open().ok());
}

TEST_F(Witness, ALogShorterThanItsWitnessIsRefused) {
  Fill(5, store::SyncPolicy::kNone, /*close=*/true);
  auto w = store::ReadWitness(dir_.Sub("db"));
  ASSERT_TRUE(w.ok() && w->has_value());
  ASSERT_TRUE(store::WriteWitness(dir_.Sub("db"), {(*w)->seq + 100, (*w)->chain_hash}).ok());
  auto db = Open();
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("records from 7 on are lost"), std::string::npos) << db.status().ToString();
}

TEST_F(Witness, AnotherHashAtTheWitnessedRecordIsRefused) {
  Fill(5, store::SyncPolicy::kNone, /*close=*/true);
  ASSERT_TRUE(store::WriteWitness(dir_.Sub("db"), {3, std::string(32, 'x')}).ok());
  auto db = Open();
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("another chain hash at record 3"), std::string::npos) << db.status().ToString();
}

TEST_F(Witness, AGarbledWitnessIsCorruptionNamingTheFile) {
  Fill(5, store::SyncPolicy::kNone, /*close=*/true);
  std::ofstream(store::WitnessPath(dir_.Sub("db"))) << "sov.chain-witness.v1 12 nothex\n";
  ASSERT_FALSE(store::ReadWitness(dir_.Sub("db")).ok());
  // A sequence past 2^64 is corruption too, not an exception from the number parser.
  std::ofstream(store::WitnessPath(dir_.Sub("db"))) << "sov.chain-witness.v1 99999999999999999999 " << std::string(64, 'a') << "\n";
  auto w = store::ReadWitness(dir_.Sub("db"));
  ASSERT_FALSE(w.ok());
  EXPECT_TRUE(w.status().IsCorruption());
  EXPECT_NE(w.status().message().find(store::kWitnessFileName), std::string::npos);
  EXPECT_FALSE(Open().ok());
}

TEST_F(Witness, NoWitnessIsNoClaim) {
  Fill(5, store::SyncPolicy::kNone, /*close=*/true);
  ASSERT_TRUE(store::RemoveWitness(dir_.Sub("db")).ok());
  auto w = store::ReadWitness(dir_.Sub("db"));
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(w->has_value());
  EXPECT_TRUE(Open().ok());
}

}  // namespace
}  // namespace sov
