// Cryptographic primitives the log needs, on libsodium: BLAKE2b-256 for the hash chain, Ed25519
// for signed checkpoints, constant-time comparison, and did:key encoding of Ed25519 public keys.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/status.h"

namespace sov::crypto {

constexpr size_t kHashBytes = 32;
constexpr size_t kPublicKeyBytes = 32;
constexpr size_t kSecretKeyBytes = 64;  // libsodium layout: seed || public key
constexpr size_t kSeedBytes = 32;
constexpr size_t kSignatureBytes = 64;

// Must be called once before any other function (idempotent, thread-safe).
Status Init();

// Incremental BLAKE2b-256.
class Blake2b256 {
 public:
  Blake2b256();
  void Update(std::string_view bytes);
  std::string Final();  // 32 bytes

 private:
  alignas(64) unsigned char state_[384];
};
std::string Blake2b256Of(std::string_view bytes);

struct KeyPair {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 64 bytes; wiped on destruction
  ~KeyPair();
};
KeyPair GenerateKeyPair();
Result<KeyPair> KeyPairFromSeed(std::string_view seed32);
std::string Sign(std::string_view secret_key, std::string_view message);  // 64 bytes
bool Verify(std::string_view public_key, std::string_view message, std::string_view signature);

// Constant-time equality of two byte strings (different lengths compare unequal).
bool ConstantTimeEqual(std::string_view a, std::string_view b);
void Wipe(std::string* secret);

// Base58btc (Bitcoin alphabet).
std::string Base58Encode(std::string_view bytes);
Result<std::string> Base58Decode(std::string_view text);

// did:key for Ed25519: "did:key:z" + base58btc(0xed 0x01 || public key).
std::string DidKeyFromPublicKey(std::string_view public_key);
// Parses a did:key naming an Ed25519 key; the error names what is wrong with `did`.
Result<std::string> PublicKeyFromDidKey(std::string_view did);

}  // namespace sov::crypto
