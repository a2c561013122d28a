#include "support/test_util.h"

#include <random>

#include "store/base/crypto.h"

namespace sov::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = (std::filesystem::temp_directory_path() / ("sov-test-" + std::to_string(rd()) + std::to_string(rd()))).string();
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TestDid(int n) {
  (void)crypto::Init();
  std::string seed(32, '\0');
  seed[0] = static_cast<char>(n & 0xff);
  seed[1] = static_cast<char>((n >> 8) & 0xff);
  seed[31] = 'd';
  auto kp = crypto::KeyPairFromSeed(seed);
  return crypto::DidKeyFromPublicKey(kp->public_key);
}

int64_t T(int64_t seconds, int64_t day) {
  constexpr int64_t kEpoch = 1767225600LL;  // 2026-01-01T00:00:00Z
  return (kEpoch + day * 86400 + seconds) * 1000000000LL;
}

std::unique_ptr<identity::Keystore> TestKey(const std::string& dir, int n) {
  std::string seed(32, static_cast<char>(n));
  auto k = identity::Keystore::CreateFromSeed(dir + "/node" + std::to_string(n) + ".key", seed);
  EXPECT_TRUE(k.ok()) << k.status().ToString();
  return k.ok() ? std::move(*k) : nullptr;
}

std::unique_ptr<pipeline::EventStore> OpenStore(const std::string& path, const identity::Keystore* key,
                                                uint64_t checkpoint_interval, store::SyncPolicy sync) {
  pipeline::StoreOptions o;
  o.create_if_missing = true;
  o.log.sync = sync;
  o.log.signer = key;
  o.log.checkpoint_interval = checkpoint_interval;
  auto s = pipeline::EventStore::Open(path, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

uint64_t AppendAll(pipeline::EventStore& s, std::vector<std::string> events) {
  auto r = s.Append(std::move(events));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : 0;
}

}  // namespace sov::testing
