// The node's identity key on disk: one Ed25519 key per home, in a file only its owner may read.
// Loading refuses a key file readable or writable by group or others (as ssh does). Gives the DID
// (did:key) and its libp2p peer id, signs log checkpoints and the Noise handshake.
#pragma once

#include <memory>
#include <string>

#include "store/base/signer.h"
#include "store/base/status.h"

namespace sov::identity {

class Keystore final : public Signer {
 public:
  // Creates a new key at `path` (mode 0600, parent directory 0700); fails if the file exists.
  static Result<std::unique_ptr<Keystore>> Create(const std::string& path);
  // From a fixed 32-byte seed (tests and reproducible simulations only).
  static Result<std::unique_ptr<Keystore>> CreateFromSeed(const std::string& path, std::string_view seed);
  static Result<std::unique_ptr<Keystore>> Load(const std::string& path);
  ~Keystore() override;

  const std::string& did() const override { return did_; }
  const std::string& public_key() const override { return public_key_; }
  std::string Sign(std::string_view message) const override;

 private:
  Keystore() = default;
  static Result<std::unique_ptr<Keystore>> Write(const std::string& path, std::string seed);
  std::string secret_key_;  // 64 bytes, wiped on destruction
  std::string public_key_;
  std::string did_;
};

}  // namespace sov::identity
