// Signer: the node's Ed25519 identity as the rest of the program sees it. It names its DID and
// public key and signs messages; the secret key never leaves the implementation (the keystore, or
// a key pair held in memory by tests). The log signs checkpoints with it, Noise signs its static key.
#pragma once

#include <string>
#include <string_view>

namespace sov {

class Signer {
 public:
  virtual ~Signer() = default;
  virtual const std::string& did() const = 0;         // did:key of the public key
  virtual const std::string& public_key() const = 0;  // 32-byte Ed25519 public key
  virtual std::string Sign(std::string_view message) const = 0;  // 64-byte Ed25519 signature
};

}  // namespace sov
