// Token-bucket rate arithmetic on event time: exact integers, deterministic, overflow-safe.
//
// A bucket holds at most `capacity` tokens and gains `refill_tokens` every `refill_period_ns`
// (continuously: partial progress toward the next token is kept exactly). A call takes one token.
// The state is the whole tokens, the progress toward the next one, and the event time of the last
// refill. Time that goes backwards (an older event) refills nothing and leaves last_ns unchanged.
#pragma once

#include <cstdint>

namespace sov::policy {

inline constexpr int64_t kSecondNs = 1000000000;
inline constexpr int64_t kMinuteNs = 60 * kSecondNs;

struct TokenBucket {
  uint64_t capacity = 0;           // most tokens held; 0 = every Take is denied
  uint64_t refill_tokens = 0;      // tokens gained per refill_period_ns; 0 = no refill
  int64_t refill_period_ns = kSecondNs;  // > 0; <= 0 = no refill
};

struct BucketState {
  uint64_t tokens = 0;   // whole tokens, <= capacity
  uint64_t credit = 0;   // progress toward the next token, in units of 1/refill_period_ns token
  int64_t last_ns = 0;   // event time of the last refill
};

// A full bucket at event time now_ns.
BucketState FullBucket(const TokenBucket& bucket, int64_t now_ns);
// The state refilled up to now_ns.
BucketState Refill(const TokenBucket& bucket, BucketState state, int64_t now_ns);

struct TakeResult {
  bool allowed = false;
  BucketState state;
};
// Refills to now_ns, then takes one token if there is one.
TakeResult Take(const TokenBucket& bucket, BucketState state, int64_t now_ns);

}  // namespace sov::policy
