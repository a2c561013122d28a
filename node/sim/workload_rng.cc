#include "node/sim/workload_rng.h"

#include <string_view>

#include "node/sim/workload_catalog.h"
#include "store/base/bytes.h"
#include "node/identity/peer_id.h"
#include "store/base/crypto.h"

namespace sov::node::workload_internal {

std::string Rng::RandomBytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t v = engine_();
    for (size_t j = 0; j < 8 && i + j < n; ++j) s[i + j] = static_cast<char>((v >> (8 * j)) & 0xff);
  }
  return s;
}

std::string Rng::Hex(size_t bytes) { return ToHex(RandomBytes(bytes)); }

std::string Rng::Uuid() {
  std::string r = RandomBytes(16);
  r[6] = static_cast<char>((r[6] & 0x0f) | 0x40);
  r[8] = static_cast<char>((r[8] & 0x3f) | 0x80);
  const std::string h = ToHex(r);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string Rng::Word() { return kWords[Below(kWordCount)]; }

std::string Rng::Num(int64_t lo, int64_t hi) { return std::to_string(Range(lo, hi)); }

std::string Rng::Branch() {
  std::string s = "feature/" + Word();
  s += "-" + Num(1, 999);
  return s;
}

size_t Rng::PickTool(bool allow_dangerous) {
  uint32_t sum = 0;
  for (const auto& t : kTools) sum += t.weight;
  for (;;) {
    uint64_t r = Below(sum);
    size_t i = 0;
    for (; i + 1 < kToolCount && r >= kTools[i].weight; ++i) r -= kTools[i].weight;
    if (allow_dangerous || !kTools[i].dangerous) return i;
  }
}

namespace {

Identity DeriveIdentity(std::string_view seed32) {
  Identity id;
  auto kp = crypto::KeyPairFromSeed(seed32);
  if (!kp.ok()) return id;  // cannot happen for a 32-byte seed
  id.did = crypto::DidKeyFromPublicKey(kp->public_key);
  id.peer_id = identity::PeerId::FromEd25519(kp->public_key).ToString();
  id.wallet = WalletOf(id.did);
  return id;
}

}  // namespace

Identity PeerIdentity(uint64_t seed, uint32_t index) {
  std::string m = "sov.sim.peer";
  PutBigEndian64(&m, seed);
  PutBigEndian64(&m, index);
  return DeriveIdentity(crypto::Blake2b256Of(m));
}

Identity OriginIdentity(uint64_t seed) {
  std::string m = "sov.sim.origin";
  PutBigEndian64(&m, seed);
  return DeriveIdentity(crypto::Blake2b256Of(m));
}

std::string WalletOf(const std::string& did) {
  return "0x" + ToHex(crypto::Blake2b256Of("sov.sim.wallet" + did).substr(0, 20));
}

}  // namespace sov::node::workload_internal
