// Tampering is detected and named: one changed byte in a stored record, a deleted record, a
// forged checkpoint signature, records cut from the end, and a foreign signer.
#include "events_generated.h"
#include "store/base/bytes.h"
#include "store/db.h"
#include "store/log_format.h"
#include "store/verify.h"
#include "support/test_util.h"

namespace sov {
namespace {

using testing::Event;
using testing::T;

class Tamper : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = testing::TestKey(dir_.path());
    auto s = testing::OpenStore(dir_.Sub("db"), key_.get(), 10);
    for (int i = 0; i < 40; ++i) {
      testing::AppendAll(*s, {Event(T(i), fb::Event::ToolSucceeded, [&](auto& fbb) {
                           return fb::CreateToolSucceededDirect(fbb, ("call-" + std::to_string(i)).c_str(),
                                                                testing::TestDid(i % 3).c_str(), "echo", 9, 9);
                         })});
    }
    ASSERT_TRUE(s->Close().ok());
  }

  // Opens the raw database (bypassing the log) to change stored bytes directly.
  std::unique_ptr<store::Db> Raw() {
    store::DbOptions o;
    o.column_families = {store::kLogFamily, store::kMetaFamily};
    auto db = store::Db::Open(dir_.Sub("db"), o);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(*db);
  }

  store::VerifyReport Verify() {
    store::DbOptions o;
    o.column_families = {store::kLogFamily, store::kMetaFamily};
    auto db = store::Db::Open(dir_.Sub("db"), o);
    EXPECT_TRUE(db.ok());
    auto r = store::VerifyLog(**db, {key_->did(), nullptr});
    EXPECT_TRUE(r.ok());
    return *r;
  }

  testing::TempDir dir_;
  std::unique_ptr<identity::Keystore> key_;
};

TEST_F(Tamper, IntactLogVerifies) {
  auto r = Verify();
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.records, 45u);  // 40 events + checkpoints signing 10, 20, 30, 40 and 44 (at close)
  EXPECT_EQ(r.checkpoints, 5u);
}

TEST_F(Tamper, OneChangedByteIsNamed) {
  {
    auto db = Raw();
    auto cf = *db->Family(store::kLogFamily);
    std::string rec = **db->Get(cf, BigEndian64(17));
    // Change one byte of the call id inside the envelope (flip a letter: still a valid FlatBuffer).
    auto pos = rec.find("call-");
    ASSERT_NE(pos, std::string::npos);
    rec[pos] = 'C';
    store::WriteBatch b(*db);
    b.Put(cf, BigEndian64(17), rec);
    ASSERT_TRUE(db->Write(&b, true).ok());
  }
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 17u);
  EXPECT_NE(r.error.find("chain hash mismatch"), std::string::npos) << r.error;
}

TEST_F(Tamper, StructurallyBrokenRecordIsNamedNotCrashed) {
  {
    auto db = Raw();
    auto cf = *db->Family(store::kLogFamily);
    store::WriteBatch b(*db);
    b.Put(cf, BigEndian64(5), std::string("\xff\xff\xff\x7f garbage", 12));
    ASSERT_TRUE(db->Write(&b, true).ok());
  }
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 5u);
  EXPECT_NE(r.error.find("log record 5"), std::string::npos) << r.error;
}

TEST_F(Tamper, DeletedRecordIsNamedAsGap) {
  {
    auto db = Raw();
    store::WriteBatch b(*db);
    b.Delete(*db->Family(store::kLogFamily), BigEndian64(23));
    ASSERT_TRUE(db->Write(&b, true).ok());
  }
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 23u);
  EXPECT_NE(r.error.find("record 23 is missing"), std::string::npos) << r.error;
}

TEST_F(Tamper, RecordsCutFromTheEndAreNamed) {
  {
    auto db = Raw();
    store::WriteBatch b(*db);
    b.Delete(*db->Family(store::kLogFamily), BigEndian64(45));
    b.Delete(*db->Family(store::kLogFamily), BigEndian64(44));
    ASSERT_TRUE(db->Write(&b, true).ok());
  }
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 44u);
  EXPECT_NE(r.error.find("removed from the end"), std::string::npos) << r.error;
}

TEST_F(Tamper, ForgedCheckpointSignatureIsNamed) {
  // Re-sign checkpoint record 11 with a different key but keep the chain consistent: rebuild the
  // whole chain from 11 on so that only the signature is wrong.
  auto forger = testing::TestKey(dir_.path(), 66);
  {
    auto db = Raw();
    auto cf = *db->Family(store::kLogFamily);
    auto meta = *db->Family(store::kMetaFamily);
    std::string prev = **db->Get(cf, BigEndian64(10));
    std::string prev_hash = std::string(store::DecodeRecord(10, prev)->chain_hash);
    store::WriteBatch b(*db);
    for (uint64_t seq = 11; seq <= 45; ++seq) {
      std::string rec = **db->Get(cf, BigEndian64(seq));
      auto view = *store::DecodeRecord(seq, rec);
      std::string env(view.envelope_bytes);
      if (seq == 11) {
        auto* cp = view.envelope->payload_as_LogCheckpointSigned();
        ASSERT_NE(cp, nullptr);
        std::string hash(reinterpret_cast<const char*>(cp->chain_hash()->data()), 32);
        // Keep the signer DID (claims to be the node) but sign with the forger's key.
        std::string sig = forger->Sign(store::CheckpointMessage(cp->checkpoint_seq(), hash));
        env = Event(
            view.envelope->timestamp_ns(), fb::Event::LogCheckpointSigned,
            [&](auto& fbb) {
              auto h = fbb.CreateVector(reinterpret_cast<const uint8_t*>(hash.data()), hash.size());
              auto did = fbb.CreateString(key_->did());  // claims to be the node
              auto sg = fbb.CreateVector(reinterpret_cast<const uint8_t*>(sig.data()), sig.size());
              return fb::CreateLogCheckpointSigned(fbb, cp->checkpoint_seq(), h, did, sg);
            },
            key_->did());
      }
      std::string wrapped = store::WrapEnvelope(env);
      prev_hash = store::SealRecord(&wrapped, seq, prev_hash);
      b.Put(cf, BigEndian64(seq), wrapped);
    }
    b.Put(meta, store::kMetaHead, BigEndian64(45) + prev_hash);
    ASSERT_TRUE(db->Write(&b, true).ok());
  }
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 11u);
  EXPECT_NE(r.error.find("signature does not verify"), std::string::npos) << r.error;
}

TEST_F(Tamper, CheckpointsBySomeoneElseAreRejectedWhenTheDidIsPinned) {
  store::DbOptions o;
  o.column_families = {store::kLogFamily, store::kMetaFamily};
  auto db = store::Db::Open(dir_.Sub("db"), o);
  ASSERT_TRUE(db.ok());
  auto r = store::VerifyLog(**db, {testing::TestDid(5), nullptr});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->bad_seq, 11u);
  EXPECT_NE(r->error.find("not by " + testing::TestDid(5)), std::string::npos) << r->error;
}

}  // namespace
}  // namespace sov
