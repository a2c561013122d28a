// The event log: append/read/iterate, dense sequences under concurrency, checkpoints, tail, reopen.
#include <atomic>
#include <set>
#include <thread>

#include "events_generated.h"
#include "store/base/bytes.h"
#include "store/log_format.h"
#include "store/verify.h"
#include "support/test_util.h"

namespace sov {
namespace {

using testing::Event;
using testing::T;
using testing::TestDid;

std::string Succeeded(int64_t ts, const std::string& call, int peer) {
  return Event(ts, fb::Event::ToolSucceeded, [&](auto& fbb) {
    return fb::CreateToolSucceededDirect(fbb, call.c_str(), TestDid(peer).c_str(), "echo", 7, 3);
  });
}

TEST(EventLog, AppendReadIterate) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get(), 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(testing::AppendAll(*s, {Succeeded(T(1), "a", 1), Succeeded(T(2), "b", 2)}), 1u);
  EXPECT_EQ(testing::AppendAll(*s, {Succeeded(T(3), "c", 1)}), 3u);
  auto r = s->reader().Read(2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->seq(), 2u);
  EXPECT_EQ(r->envelope().payload_as_ToolSucceeded()->call_id()->str(), "b");
  EXPECT_EQ(r->envelope().timestamp_ns(), T(2));
  EXPECT_TRUE(s->reader().Read(4).status().IsNotFound());
  std::vector<uint64_t> seen;
  for (auto c = s->reader().Scan(1); c.Valid(); c.Next()) seen.push_back(c.entry().seq());
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3}));
}

TEST(EventLog, RejectsMalformedEvent) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  auto r = s->Append(std::string("not a flatbuffer at all"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("FlatBuffers"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(s->reader().Head()->seq, 0u);
}

TEST(EventLog, GroupCommitFromSixteenThreadsIsDenseAndOrdered) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  auto s = testing::OpenStore(dir.Sub("db"), key.get(), 0, store::SyncPolicy::kAlways);
  constexpr int kThreads = 16, kPerThread = 200;
  std::vector<std::vector<uint64_t>> acked(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = s->Append(Succeeded(T(i), std::to_string(t) + "/" + std::to_string(i), t));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        acked[t].push_back(*r);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    // Each producer's events are in its own order.
    EXPECT_TRUE(std::is_sorted(acked[t].begin(), acked[t].end()));
    all.insert(acked[t].begin(), acked[t].end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));  // no duplicates
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), static_cast<uint64_t>(kThreads * kPerThread));  // dense
  // Every acknowledged sequence holds the event its producer sent.
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      auto e = s->reader().Read(acked[t][i]);
      ASSERT_TRUE(e.ok());
      EXPECT_EQ(e->envelope().payload_as_ToolSucceeded()->call_id()->str(), std::to_string(t) + "/" + std::to_string(i));
    }
  }
  auto report = store::VerifyLog(s->db(), {key->did(), nullptr});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->error;
}

TEST(EventLog, SignsCheckpointsEveryNAndAtClose) {
  testing::TempDir dir;
  auto key = testing::TestKey(dir.path());
  {
    auto s = testing::OpenStore(dir.Sub("db"), key.get(), 10);
    for (int i = 0; i < 25; ++i) testing::AppendAll(*s, {Succeeded(T(i), std::to_string(i), 1)});
    ASSERT_TRUE(s->Close().ok());
  }
  auto s = testing::OpenStore(dir.Sub("db"), key.get(), 10);
  int checkpoints = 0;
  std::vector<uint64_t> signed_seqs;
  for (auto c = s->reader().Scan(1); c.Valid(); c.Next()) {
    if (auto* cp = c.entry().envelope().payload_as_LogCheckpointSigned()) {
      ++checkpoints;
      signed_seqs.push_back(cp->checkpoint_seq());
      EXPECT_EQ(cp->signer_did()->str(), key->did());
    }
  }
  // 25 events: checkpoints (records 11 and 21) sign records 10 and 20; the one at close signs 27.
  EXPECT_EQ(signed_seqs, (std::vector<uint64_t>{10, 20, 27}));
  auto report = store::VerifyLog(s->db(), {key->did(), nullptr});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->error;
  EXPECT_EQ(report->checkpoints, 3u);
  EXPECT_EQ(report->last_signed_seq, 27u);
}

TEST(EventLog, TailSeesNewEventsInOrderWithoutPolling) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  auto sub = s->log()->Subscribe(1);
  std::atomic<bool> done{false};
  std::vector<uint64_t> got;
  std::thread follower([&] {
    while (got.size() < 50) {
      auto e = sub.Next(std::chrono::milliseconds(5000));
      ASSERT_TRUE(e.ok());
      ASSERT_TRUE(e->has_value()) << "timed out after " << got.size();
      got.push_back((*e)->seq());
    }
    done = true;
  });
  for (int i = 0; i < 50; ++i) testing::AppendAll(*s, {Succeeded(T(i), std::to_string(i), 1)});
  follower.join();
  ASSERT_EQ(got.size(), 50u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], i + 1);
  auto none = sub.Next(std::chrono::milliseconds(20));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(EventLog, SecondWriterGetsClearError) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  pipeline::StoreOptions o;
  auto second = pipeline::EventStore::Open(dir.Sub("db"), o);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), "the log at " + dir.Sub("db") + " is held by another process");
}

TEST(EventLog, SecondaryReaderSeesWriterAppends) {
  testing::TempDir dir;
  auto s = testing::OpenStore(dir.Sub("db"), nullptr, 0);
  testing::AppendAll(*s, {Succeeded(T(1), "a", 1)});
  auto reader = pipeline::EventStore::OpenReader(dir.Sub("db"), dir.Sub("reader"));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->reader().Head()->seq, 1u);
  testing::AppendAll(*s, {Succeeded(T(2), "b", 1)});
  ASSERT_TRUE((*reader)->Refresh().ok());
  EXPECT_EQ((*reader)->reader().Head()->seq, 2u);
  EXPECT_TRUE((*reader)->reader().Read(2).ok());
}

}  // namespace
}  // namespace sov
