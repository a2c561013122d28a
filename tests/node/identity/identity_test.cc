// Identity: libp2p/did:key encodings against published vectors and the key file's owner-only rule
// (the config tests are in tests/node/config_test.cc).
#include <sys/stat.h>

#include <fstream>

#include "node/identity/keystore.h"
#include "store/base/bytes.h"
#include "node/identity/peer_id.h"
#include "store/base/crypto.h"
#include "support/test_util.h"

namespace sov {
namespace {

TEST(Crypto, PeerIdMatchesLibp2pVectors) {
  ASSERT_TRUE(crypto::Init().ok());
  // Vectors verified against js-libp2p (shared/reference/libp2p-wire.md §3).
  auto kp0 = crypto::KeyPairFromSeed(std::string(32, '\0'));
  ASSERT_TRUE(kp0.ok());
  EXPECT_EQ(ToHex(kp0->public_key), "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29");
  EXPECT_EQ(identity::PeerId::FromEd25519(kp0->public_key).ToString(), "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN");
  std::string seed1(32, '\0');
  seed1[31] = 1;
  auto kp1 = crypto::KeyPairFromSeed(seed1);
  EXPECT_EQ(identity::PeerId::FromEd25519(kp1->public_key).ToString(), "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp");
}

TEST(Crypto, DidKeyRoundTripAndErrors) {
  auto kp = crypto::KeyPairFromSeed(std::string(32, '\x07'));
  std::string did = crypto::DidKeyFromPublicKey(kp->public_key);
  EXPECT_EQ(did.rfind("did:key:z6Mk", 0), 0u) << did;
  auto back = crypto::PublicKeyFromDidKey(did);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, kp->public_key);
  EXPECT_FALSE(crypto::PublicKeyFromDidKey("did:lango:abc").ok());
  EXPECT_FALSE(crypto::PublicKeyFromDidKey("did:key:z0OIl").ok());  // not base58
  auto short_key = crypto::PublicKeyFromDidKey("did:key:z6Mk");
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.status().message().find("not an Ed25519 did:key"), std::string::npos);
}

TEST(Crypto, Base58LeadingZerosAndConstantTimeEqual) {
  EXPECT_EQ(crypto::Base58Encode(std::string("\0\0\x01", 3)), "112");
  EXPECT_EQ(*crypto::Base58Decode("112"), std::string("\0\0\x01", 3));
  EXPECT_TRUE(crypto::ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(crypto::ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(crypto::ConstantTimeEqual("abc", "ab"));
}

TEST(Keystore, CreatesOwnerOnlyKeyAndSignsVerifiably) {
  testing::TempDir dir;
  auto ks = identity::Keystore::Create(dir.Sub("home/node.key"));
  ASSERT_TRUE(ks.ok()) << ks.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(dir.Sub("home/node.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string sig = (*ks)->Sign("hello");
  auto pk = crypto::PublicKeyFromDidKey((*ks)->did());
  ASSERT_TRUE(pk.ok());
  EXPECT_TRUE(crypto::Verify(*pk, "hello", sig));
  EXPECT_FALSE(crypto::Verify(*pk, "hellO", sig));
  auto again = identity::Keystore::Load(dir.Sub("home/node.key"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->did(), (*ks)->did());
  EXPECT_FALSE(identity::Keystore::Create(dir.Sub("home/node.key")).ok());  // never overwrites
}

TEST(Keystore, RefusesKeyReadableByOthers) {
  testing::TempDir dir;
  ASSERT_TRUE(identity::Keystore::Create(dir.Sub("node.key")).ok());
  ASSERT_EQ(::chmod(dir.Sub("node.key").c_str(), 0644), 0);
  auto r = identity::Keystore::Load(dir.Sub("node.key"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("mode 0644"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos);
}

TEST(Keystore, RejectsCorruptKeyFile) {
  testing::TempDir dir;
  {
    std::ofstream f(dir.Sub("node.key"));
    f << "sov-ed25519-seed-v1 nothex\n";
  }
  ::chmod(dir.Sub("node.key").c_str(), 0600);
  auto r = identity::Keystore::Load(dir.Sub("node.key"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
}

}  // namespace
}  // namespace sov
