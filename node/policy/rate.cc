#include "node/policy/rate.h"

#include <algorithm>

namespace sov::policy {

BucketState FullBucket(const TokenBucket& bucket, int64_t now_ns) { return {bucket.capacity, 0, now_ns}; }

BucketState Refill(const TokenBucket& bucket, BucketState state, int64_t now_ns) {
  state.tokens = std::min(state.tokens, bucket.capacity);
  if (now_ns <= state.last_ns) return state;
  const auto elapsed = static_cast<uint64_t>(now_ns) - static_cast<uint64_t>(state.last_ns);
  state.last_ns = now_ns;
  if (bucket.refill_tokens == 0 || bucket.refill_period_ns <= 0 || state.tokens >= bucket.capacity) {
    state.credit = 0;
    return state;
  }
  // Credit is counted in 1/period of a token: each ns adds refill_tokens. 128-bit products cannot
  // overflow (elapsed < 2^64, refill_tokens < 2^64, period < 2^63).
  using U128 = unsigned __int128;
  const auto period = static_cast<U128>(bucket.refill_period_ns);
  const U128 total = static_cast<U128>(state.credit) + static_cast<U128>(elapsed) * bucket.refill_tokens;
  const U128 gained = total / period;
  const U128 room = bucket.capacity - state.tokens;
  if (gained >= room) {
    state.tokens = bucket.capacity;
    state.credit = 0;
  } else {
    state.tokens += static_cast<uint64_t>(gained);
    state.credit = static_cast<uint64_t>(total % period);
  }
  return state;
}

TakeResult Take(const TokenBucket& bucket, BucketState state, int64_t now_ns) {
  state = Refill(bucket, state, now_ns);
  if (state.tokens == 0) return {false, state};
  --state.tokens;
  return {true, state};
}

}  // namespace sov::policy
