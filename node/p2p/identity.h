// The local libp2p identity: an Ed25519 key that signs the Noise handshake payload. The node's
// Keystore implements it; tests use KeyPairIdentity.
#pragma once

#include <string>
#include <string_view>

#include "store/crypto.h"

namespace sov::p2p {

class Identity {
 public:
  virtual ~Identity() = default;
  virtual const std::string& public_key() const = 0;  // 32-byte Ed25519 public key
  virtual std::string Sign(std::string_view message) const = 0;  // 64-byte Ed25519 signature
};

class KeyPairIdentity final : public Identity {
 public:
  explicit KeyPairIdentity(crypto::KeyPair key) : key_(std::move(key)) {}
  const std::string& public_key() const override { return key_.public_key; }
  std::string Sign(std::string_view message) const override { return crypto::Sign(key_.secret_key, message); }

 private:
  crypto::KeyPair key_;
};

}  // namespace sov::p2p
