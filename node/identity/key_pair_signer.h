// KeyPairSigner: a Signer over an Ed25519 key pair held in memory, for tests, benches and tools
// that need an identity without a key file (the node itself uses the Keystore).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "store/base/crypto.h"
#include "store/base/signer.h"

namespace sov::identity {

class KeyPairSigner final : public Signer {
 public:
  explicit KeyPairSigner(crypto::KeyPair key)
      : key_(std::move(key)), did_(crypto::DidKeyFromPublicKey(key_.public_key)) {}
  const std::string& did() const override { return did_; }
  const std::string& public_key() const override { return key_.public_key; }
  std::string Sign(std::string_view message) const override { return crypto::Sign(key_.secret_key, message); }

 private:
  crypto::KeyPair key_;
  std::string did_;
};

}  // namespace sov::identity
