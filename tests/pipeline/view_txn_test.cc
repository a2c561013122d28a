// ViewTxn: a projector's view of one batch. Reads see the batch's own earlier writes, and a key
// written many times in a batch reaches RocksDB once (coalescing), in key order.
#include "pipeline/projector.h"
#include "store/db.h"
#include "support/test_util.h"

namespace sov {
namespace {

TEST(ViewTxn, HotKeyIsWrittenOncePerBatchAndReadsSeePendingWrites) {
  testing::TempDir dir;
  store::DbOptions o;
  o.create_if_missing = true;
  o.column_families = {"view.t"};
  auto db = store::Db::Open(dir.Sub("db"), o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  pipeline::ViewTxn txn(db->get(), 0);
  for (int i = 0; i < 100; ++i) txn.Put("hot", std::to_string(i));
  txn.Put("cold", "x");
  txn.Delete("cold");
  txn.Put("b", "1");
  EXPECT_EQ(**txn.Get("hot"), "99");
  EXPECT_FALSE(txn.Get("cold")->has_value());  // a pending delete hides nothing stored yet
  EXPECT_FALSE(txn.Get("absent")->has_value());
  EXPECT_EQ(txn.pending(), 3u);
  store::WriteBatch batch(**db);
  txn.FlushTo(&batch);
  EXPECT_EQ(batch.Count(), 3u);  // hot once, cold's delete once, b once
  ASSERT_TRUE((*db)->Write(&batch, false).ok());
  EXPECT_EQ(**(*db)->Get(0, "hot"), "99");
  EXPECT_EQ(txn.pending(), 0u);
  // The next batch reads committed state through the same txn.
  EXPECT_EQ(**txn.Get("b"), "1");
}

}  // namespace
}  // namespace sov
