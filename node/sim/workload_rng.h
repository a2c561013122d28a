// What the workload derives from its seed: Rng, the one random stream (std::mt19937_64 mapped to ranges
// with integer arithmetic only, no <random> distributions, so a seed gives the same draws on every
// platform) with the draws built on it (ids, words, tools); and the did:key identities of the origin
// and of every peer, derived from the seed with BLAKE2b. Every Rng method consumes draws: callers make
// each call a statement of its own (see node/workload_generator.h).
// Internal to the workload generator: included by node/workload*.cc and node/workload_*.h only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>

namespace sov::node::workload_internal {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t Below(uint64_t n) { return n <= 1 ? 0 : engine_() % n; }
  int64_t Range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1)); }
  bool Chance(uint32_t per_mille) { return Below(1000) < per_mille; }
  // Skewed toward the front: index i is picked about 1/(i+1) as often as index 0.
  size_t Skewed(size_t n) { return static_cast<size_t>(Below(Below(n) + 1)); }
  template <size_t N>
  const char* Pick(const char* const (&list)[N]) {
    return list[Below(N)];
  }
  size_t Weighted(std::initializer_list<uint32_t> weights) {
    uint32_t sum = 0;
    for (uint32_t w : weights) sum += w;
    uint64_t r = Below(sum);
    size_t i = 0;
    for (uint32_t w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return 0;
  }

  std::string RandomBytes(size_t n);
  std::string Hex(size_t bytes);  // lowercase hex of `bytes` random bytes
  std::string Uuid();             // a version 4 UUID
  std::string Word();             // one of kWords
  std::string Num(int64_t lo, int64_t hi);  // Range(lo, hi) in decimal
  std::string Branch();                     // "feature/<word>-<n>"
  // A tool index by kTools weights; without `allow_dangerous` dangerous tools are drawn again.
  size_t PickTool(bool allow_dangerous);

 private:
  std::mt19937_64 engine_;
};

struct Identity {
  std::string did, peer_id, wallet;
};

// Peer `index` (0-based) of a workload with this seed, and the origin when none is given.
// crypto::Init() must have been called.
Identity PeerIdentity(uint64_t seed, uint32_t index);
Identity OriginIdentity(uint64_t seed);
// A stand-in settlement wallet address (0x + 20 bytes) for a DID.
std::string WalletOf(const std::string& did);

}  // namespace sov::node::workload_internal
