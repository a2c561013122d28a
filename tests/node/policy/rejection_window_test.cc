// RejectionWindow's bookkeeping with exact outputs: the first kRecordedPerWindow rejections of a
// source per window are recorded, the rest counted by reason into one summary that comes out when
// the window ends; sources are independent; past kMaxTrackedSources new sources share "*".

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "node/policy/rejection_window.h"

namespace sov::policy {
namespace {

constexpr int64_t kSecond = 1000 * 1000 * 1000;

TEST(RejectionWindow, AFewPerSourceAreRecordedTheRestSummarized) {
  RejectionWindow w;
  std::vector<RejectionSummary> ended;
  int recorded = 0;
  for (int i = 0; i < 2000; ++i) {
    recorded += w.Observe("10.0.0.1", i % 10 == 0 ? "timeout" : "limit_reached", i * 1000, &ended) ? 1 : 0;
  }
  EXPECT_EQ(recorded, 3);
  EXPECT_TRUE(ended.empty());
  EXPECT_TRUE(w.TakeEnded(59 * kSecond).empty());
  auto summaries = w.TakeEnded(60 * kSecond);
  ASSERT_EQ(summaries.size(), 1u);
  const RejectionSummary& s = summaries[0];
  EXPECT_EQ(s.source, "10.0.0.1");
  EXPECT_EQ(s.count, 1997u);
  EXPECT_EQ(s.reasons.at("limit_reached"), 1798u);  // i = 3..1999 except multiples of 10
  EXPECT_EQ(s.reasons.at("timeout"), 199u);          // multiples of 10 from 10 on
  EXPECT_EQ(s.MainReason(), "limit_reached");
  EXPECT_EQ(s.window_start_ns, 0);
  EXPECT_EQ(s.window_end_ns, 60 * kSecond);
  EXPECT_EQ(s.Text(), "1997 more connections from 10.0.0.1 rejected within 60 s: limit_reached 1798, timeout 199");
  EXPECT_EQ(w.tracked(), 0u);
  // A new window records again.
  EXPECT_TRUE(w.Observe("10.0.0.1", "timeout", 61 * kSecond, &ended));
}

TEST(RejectionWindow, SourcesAreIndependentAndAWindowWithoutExtrasHasNoSummary) {
  RejectionWindow w;
  std::vector<RejectionSummary> ended;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(w.Observe("a", "timeout", i, &ended), i < 3);
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(w.Observe("b", "timeout", i, &ended));
  auto all = w.TakeAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].source, "a");
  EXPECT_EQ(all[0].count, 2u);
}

TEST(RejectionWindow, AnEndedWindowComesOutWithTheNextObservation) {
  RejectionWindow w;
  std::vector<RejectionSummary> ended;
  for (int i = 0; i < 4; ++i) (void)w.Observe("a", "noise_failed", i, &ended);
  EXPECT_TRUE(w.Observe("b", "timeout", 70 * kSecond, &ended));
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].source, "a");
  EXPECT_EQ(ended[0].count, 1u);
}

TEST(RejectionWindow, SourcesPastTheTrackingLimitShareOneBucket) {
  RejectionWindow w;
  std::vector<RejectionSummary> ended;
  for (size_t i = 0; i < kMaxTrackedSources; ++i) (void)w.Observe("s" + std::to_string(i), "timeout", 0, &ended);
  EXPECT_EQ(w.tracked(), kMaxTrackedSources);
  int recorded = 0;
  for (int i = 0; i < 100; ++i) recorded += w.Observe("new" + std::to_string(i), "refused", 1, &ended) ? 1 : 0;
  EXPECT_EQ(recorded, 3);
  EXPECT_EQ(w.tracked(), kMaxTrackedSources + 1);
  auto all = w.TakeAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].source, "*");
  EXPECT_EQ(all[0].count, 97u);
  EXPECT_EQ(all[0].Text(), "97 more connections from other sources rejected within 60 s: refused 97");
}

}  // namespace
}  // namespace sov::policy
