#include "store/base/crypto.h"

#include <sodium.h>

#include <cstring>
#include <vector>

namespace sov::crypto {

static_assert(sizeof(crypto_generichash_state) <= 384, "BLAKE2b state buffer too small");

Status Init() {
  if (sodium_init() < 0) return Status::IOError("libsodium failed to initialise");
  return Status::OK();
}

Blake2b256::Blake2b256() {
  crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_), nullptr, 0, kHashBytes);
}

void Blake2b256::Update(std::string_view bytes) {
  crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_),
                            reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string Blake2b256::Final() {
  std::string out(kHashBytes, '\0');
  crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_),
                           reinterpret_cast<unsigned char*>(out.data()), kHashBytes);
  return out;
}

std::string Blake2b256Of(std::string_view bytes) {
  Blake2b256 h;
  h.Update(bytes);
  return h.Final();
}

KeyPair::~KeyPair() { Wipe(&secret_key); }

KeyPair GenerateKeyPair() {
  KeyPair kp;
  kp.public_key.assign(kPublicKeyBytes, '\0');
  kp.secret_key.assign(kSecretKeyBytes, '\0');
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(kp.public_key.data()),
                      reinterpret_cast<unsigned char*>(kp.secret_key.data()));
  return kp;
}

Result<KeyPair> KeyPairFromSeed(std::string_view seed32) {
  if (seed32.size() != kSeedBytes) return Status::InvalidArgument("Ed25519 seed must be 32 bytes");
  KeyPair kp;
  kp.public_key.assign(kPublicKeyBytes, '\0');
  kp.secret_key.assign(kSecretKeyBytes, '\0');
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(kp.public_key.data()),
                           reinterpret_cast<unsigned char*>(kp.secret_key.data()),
                           reinterpret_cast<const unsigned char*>(seed32.data()));
  return kp;
}

std::string Sign(std::string_view secret_key, std::string_view message) {
  std::string sig(kSignatureBytes, '\0');
  if (secret_key.size() != kSecretKeyBytes) return std::string();
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key.data()));
  return sig;
}

bool Verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != kPublicKeyBytes || signature.size() != kSignatureBytes) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void Wipe(std::string* secret) {
  if (!secret->empty()) sodium_memzero(secret->data(), secret->size());
  secret->clear();
}

static constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

std::string Base58Encode(std::string_view bytes) {
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  std::vector<uint8_t> digits;  // base58 digits, little-endian
  digits.reserve(bytes.size() * 138 / 100 + 1);
  for (size_t i = zeros; i < bytes.size(); ++i) {
    uint32_t carry = static_cast<uint8_t>(bytes[i]);
    for (auto& d : digits) {
      carry += static_cast<uint32_t>(d) << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

Result<std::string> Base58Decode(std::string_view text) {
  size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  std::vector<uint8_t> bytes;  // little-endian
  for (size_t i = ones; i < text.size(); ++i) {
    const char* p = std::strchr(kAlphabet, text[i]);
    if (p == nullptr || text[i] == '\0') {
      return Status::InvalidArgument("invalid base58 character '" + std::string(1, text[i]) + "' at offset " +
                                     std::to_string(i));
    }
    uint32_t carry = static_cast<uint32_t>(p - kAlphabet);
    for (auto& b : bytes) {
      carry += static_cast<uint32_t>(b) * 58;
      b = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  std::string out(ones, '\0');
  for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) out.push_back(static_cast<char>(*it));
  return out;
}

static constexpr std::string_view kDidKeyPrefix = "did:key:z";

std::string DidKeyFromPublicKey(std::string_view public_key) {
  std::string multicodec("\xed\x01", 2);
  multicodec.append(public_key);
  return std::string(kDidKeyPrefix) + Base58Encode(multicodec);
}

Result<std::string> PublicKeyFromDidKey(std::string_view did) {
  if (did.substr(0, kDidKeyPrefix.size()) != kDidKeyPrefix) {
    return Status::InvalidArgument("malformed DID '" + std::string(did) +
                                   "': expected did:key:z… (a base58btc did:key)");
  }
  if (did.size() > 128) return Status::InvalidArgument("malformed DID: longer than 128 characters");
  auto decoded = Base58Decode(did.substr(kDidKeyPrefix.size()));
  if (!decoded.ok()) return decoded.status().WithContext("malformed DID '" + std::string(did) + "'");
  const std::string& raw = *decoded;
  if (raw.size() != 2 + kPublicKeyBytes || static_cast<uint8_t>(raw[0]) != 0xed ||
      static_cast<uint8_t>(raw[1]) != 0x01) {
    return Status::InvalidArgument("malformed DID '" + std::string(did) + "': not an Ed25519 did:key");
  }
  return raw.substr(2);
}

}  // namespace sov::crypto
