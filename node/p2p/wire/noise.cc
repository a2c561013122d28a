// Noise_XX_25519_ChaChaPoly_SHA256 for libp2p /noise on libsodium (see noise.h). The symmetric state
// follows the Noise spec §5 literally; the libp2p part is the signed handshake payload. Status codes:
// kMalformed and kBadSignature are Corruption, kUnsupportedKey is NotSupported, kPeerIdMismatch is
// Aborted; calling the steps out of order is InvalidArgument.
#include "node/p2p/wire/noise.h"

#include <sodium.h>

#include <cstring>

#include "store/base/protobuf.h"
#include "store/base/crypto.h"

namespace sov::p2p {
namespace {

constexpr char kProtocolName[] = "Noise_XX_25519_ChaChaPoly_SHA256";  // exactly 32 bytes
static_assert(sizeof(kProtocolName) - 1 == 32);
constexpr std::string_view kSignaturePrefix = "noise-libp2p-static-key:";
constexpr size_t kKeyBytes = 32;
constexpr size_t kMaxRemoteMuxers = 32;
constexpr uint64_t kMaxNonce = UINT64_MAX - 1;  // 2^64-1 is reserved by the Noise spec

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

void NonceBytes(uint64_t n, unsigned char out[crypto_aead_chacha20poly1305_ietf_NPUBBYTES]) {
  std::memset(out, 0, 4);
  for (int i = 0; i < 8; ++i) out[4 + i] = static_cast<unsigned char>(n >> (8 * i));
}

void AeadEncrypt(std::string_view key, uint64_t n, std::string_view ad, std::string_view plaintext,
                 std::string* out) {
  unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
  NonceBytes(n, nonce);
  const size_t start = out->size();
  out->resize(start + plaintext.size() + crypto_aead_chacha20poly1305_ietf_ABYTES);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(out->data() + start), &written,
                                            U(plaintext), plaintext.size(), U(ad), ad.size(), nullptr, nonce,
                                            U(key));
  out->resize(start + written);
}

bool AeadDecrypt(std::string_view key, uint64_t n, std::string_view ad, std::string_view ciphertext,
                 std::string* out) {
  if (ciphertext.size() < crypto_aead_chacha20poly1305_ietf_ABYTES) return false;
  unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
  NonceBytes(n, nonce);
  const size_t start = out->size();
  out->resize(start + ciphertext.size() - crypto_aead_chacha20poly1305_ietf_ABYTES);
  unsigned long long written = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out->data() + start), &written,
                                                nullptr, U(ciphertext), ciphertext.size(), U(ad), ad.size(),
                                                nonce, U(key)) != 0) {
    sodium_memzero(out->data() + start, out->size() - start);
    out->resize(start);
    return false;
  }
  out->resize(start + written);
  return true;
}

void HmacSha256(const unsigned char key[kKeyBytes], std::string_view data, unsigned char out[kKeyBytes]) {
  crypto_auth_hmacsha256(out, U(data), data.size(), key);
}

// Noise HKDF with two outputs.
void Hkdf(const unsigned char ck[kKeyBytes], std::string_view ikm, unsigned char o1[kKeyBytes],
          unsigned char o2[kKeyBytes]) {
  unsigned char tk[kKeyBytes];
  HmacSha256(ck, ikm, tk);
  const unsigned char one = 0x01;
  HmacSha256(tk, std::string_view(reinterpret_cast<const char*>(&one), 1), o1);
  unsigned char o1_two[kKeyBytes + 1];
  std::memcpy(o1_two, o1, kKeyBytes);
  o1_two[kKeyBytes] = 0x02;
  HmacSha256(tk, std::string_view(reinterpret_cast<const char*>(o1_two), sizeof(o1_two)), o2);
  sodium_memzero(tk, sizeof(tk));
  sodium_memzero(o1_two, sizeof(o1_two));
}

std::string_view View(const unsigned char* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

struct HandshakePayload {
  std::string identity_key;
  std::string identity_sig;
  std::vector<std::string> stream_muxers;
};

std::string EncodePayload(const HandshakePayload& p) {
  ProtoWriter w;
  w.Bytes(1, p.identity_key);
  w.Bytes(2, p.identity_sig);
  if (!p.stream_muxers.empty()) {
    ProtoWriter ext;
    for (const auto& m : p.stream_muxers) ext.Bytes(2, m);
    w.Bytes(4, ext.data());
  }
  return w.Take();
}

Result<HandshakePayload> DecodePayload(std::string_view bytes) {
  HandshakePayload p;
  ProtoReader r(bytes, "noise handshake payload");
  while (r.Next()) {
    if (r.field() != 1 && r.field() != 2 && r.field() != 4) continue;
    if (r.wire_type() != WireType::kLengthDelimited) {
      return Status::Corruption("noise handshake payload: field " + std::to_string(r.field()) +
                                " is not length-delimited");
    }
    if (r.field() == 1) {
      p.identity_key = std::string(r.bytes());
    } else if (r.field() == 2) {
      p.identity_sig = std::string(r.bytes());
    } else {
      ProtoReader ext(r.bytes(), "noise extensions");
      while (ext.Next()) {
        if (ext.field() != 2) continue;  // webtransport_certhashes and unknown fields
        if (ext.wire_type() != WireType::kLengthDelimited) {
          return Status::Corruption("noise extensions: stream_muxers is not length-delimited");
        }
        if (p.stream_muxers.size() == kMaxRemoteMuxers) {
          return Status::Corruption("noise extensions: more than " + std::to_string(kMaxRemoteMuxers) +
                                    " stream_muxers");
        }
        p.stream_muxers.emplace_back(ext.bytes());
      }
      if (!ext.status().ok()) return ext.status();
    }
  }
  if (!r.status().ok()) return r.status();
  return p;
}

}  // namespace

// ---- CipherState ----

CipherState::~CipherState() { crypto::Wipe(&key_); }

void CipherState::SetNonceForTest(uint64_t nonce) { nonce_ = nonce; }

Status CipherState::Encrypt(std::string_view plaintext, std::string* out) {
  if (key_.size() != kKeyBytes) return Status::InvalidArgument("noise: encrypt with a cipher that has no key");
  if (plaintext.size() > kNoiseMaxPlaintext) {
    return Status::InvalidArgument("noise: plaintext of " + std::to_string(plaintext.size()) +
                                   " bytes exceeds the frame limit of " + std::to_string(kNoiseMaxPlaintext));
  }
  if (nonce_ > kMaxNonce) return Status::Aborted("noise: send nonce exhausted (2^64-1 messages)");
  AeadEncrypt(key_, nonce_, {}, plaintext, out);
  ++nonce_;
  return Status::OK();
}

Status CipherState::Decrypt(std::string_view ciphertext, std::string* out) {
  if (key_.size() != kKeyBytes) return Status::InvalidArgument("noise: decrypt with a cipher that has no key");
  if (ciphertext.size() > kNoiseMaxMessage) {
    return Status::Corruption("noise: transport message of " + std::to_string(ciphertext.size()) +
                              " bytes exceeds " + std::to_string(kNoiseMaxMessage));
  }
  if (ciphertext.size() < kNoiseTagBytes) {
    return Status::Corruption("noise: transport message of " + std::to_string(ciphertext.size()) +
                              " bytes is shorter than the 16-byte tag");
  }
  if (nonce_ > kMaxNonce) return Status::Aborted("noise: receive nonce exhausted (2^64-1 messages)");
  if (!AeadDecrypt(key_, nonce_, {}, ciphertext, out)) {
    return Status::Corruption("noise: transport message " + std::to_string(nonce_) +
                              " does not decrypt (authentication tag mismatch)");
  }
  ++nonce_;
  return Status::OK();
}

// ---- Handshake ----

struct NoiseHandshake::State {
  enum class Step { kWriteA, kReadA, kWriteB, kReadB, kWriteC, kReadC, kDone, kSplit, kFailed };

  State(Role r, const Signer& id, std::optional<PeerId> expected_remote, NoiseOptions opts)
      : role(r), identity(id), expected(std::move(expected_remote)), options(std::move(opts)),
        step(r == Role::kInitiator ? Step::kWriteA : Step::kReadA) {}
  ~State() {
    sodium_memzero(h, sizeof(h));
    sodium_memzero(ck, sizeof(ck));
    sodium_memzero(k, sizeof(k));
    sodium_memzero(s_priv, sizeof(s_priv));
    sodium_memzero(e_priv, sizeof(e_priv));
  }

  Role role;
  const Signer& identity;
  std::optional<PeerId> expected;
  NoiseOptions options;
  Step step;

  unsigned char h[kKeyBytes] = {};
  unsigned char ck[kKeyBytes] = {};
  unsigned char k[kKeyBytes] = {};
  bool has_key = false;
  uint64_t n = 0;

  unsigned char s_priv[kKeyBytes] = {}, s_pub[kKeyBytes] = {};
  unsigned char e_priv[kKeyBytes] = {}, e_pub[kKeyBytes] = {};
  unsigned char re[kKeyBytes] = {}, rs[kKeyBytes] = {};

  void Initialize() {
    std::memcpy(h, kProtocolName, kKeyBytes);  // the name is 32 bytes: used as h without hashing
    std::memcpy(ck, h, kKeyBytes);
    MixHash({});  // empty prologue
  }

  void MixHash(std::string_view data) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, h, sizeof(h));
    crypto_hash_sha256_update(&st, U(data), data.size());
    crypto_hash_sha256_final(&st, h);
  }

  void MixKey(const unsigned char ikm[kKeyBytes]) {
    unsigned char o1[kKeyBytes], o2[kKeyBytes];
    Hkdf(ck, View(ikm, kKeyBytes), o1, o2);
    std::memcpy(ck, o1, kKeyBytes);
    std::memcpy(k, o2, kKeyBytes);
    has_key = true;
    n = 0;
    sodium_memzero(o1, sizeof(o1));
    sodium_memzero(o2, sizeof(o2));
  }

  // DH + MixKey; false on a low-order (all-zero) result.
  bool MixDh(const unsigned char priv[kKeyBytes], const unsigned char pub[kKeyBytes]) {
    unsigned char shared[kKeyBytes];
    if (crypto_scalarmult_curve25519(shared, priv, pub) != 0) return false;
    MixKey(shared);
    sodium_memzero(shared, sizeof(shared));
    return true;
  }

  void EncryptAndHash(std::string_view plaintext, std::string* out) {
    const size_t start = out->size();
    if (has_key) {
      AeadEncrypt(View(k, kKeyBytes), n++, View(h, kKeyBytes), plaintext, out);
    } else {
      out->append(plaintext);
    }
    MixHash(std::string_view(*out).substr(start));
  }

  bool DecryptAndHash(std::string_view ciphertext, std::string* out) {
    if (has_key) {
      if (!AeadDecrypt(View(k, kKeyBytes), n, View(h, kKeyBytes), ciphertext, out)) return false;
      ++n;
    } else {
      out->append(ciphertext);
    }
    MixHash(ciphertext);
    return true;
  }

  static void NewKeyPair(unsigned char priv[kKeyBytes], unsigned char pub[kKeyBytes]) {
    do {
      randombytes_buf(priv, kKeyBytes);
    } while (crypto_scalarmult_curve25519_base(pub, priv) != 0);
  }

  std::string OurPayload() const {
    std::string signed_key(reinterpret_cast<const char*>(s_pub), kKeyBytes);
    if (options.test_corrupt_signature) signed_key[0] = static_cast<char>(signed_key[0] ^ 0x01);
    HandshakePayload p;
    p.identity_key = EncodeEd25519PublicKey(identity.public_key());
    p.identity_sig = identity.Sign(std::string(kSignaturePrefix) + signed_key);
    p.stream_muxers = options.stream_muxers;
    return EncodePayload(p);
  }
};

namespace {
const char* StepName(int step) {
  static const char* const kNames[] = {"WriteMessageA", "ReadMessageA", "WriteMessageB",
                                       "ReadMessageB",  "WriteMessageC", "ReadMessageC",
                                       "Split",         "nothing (already split)", "nothing (the handshake failed)"};
  return kNames[step];
}
}  // namespace

NoiseHandshake::NoiseHandshake(Role role, const Signer& identity, std::optional<PeerId> expected_remote,
                               NoiseOptions options)
    : state_(std::make_unique<State>(role, identity, std::move(expected_remote), std::move(options))) {
  (void)crypto::Init();
  state_->Initialize();
  State::NewKeyPair(state_->s_priv, state_->s_pub);
}

NoiseHandshake::~NoiseHandshake() = default;

// Checks that `step` is the one due; a handshake that failed refuses everything.
static Status CheckStep(NoiseHandshake::Role role, int due, int wanted, const char* call) {
  if (due == wanted) return Status::OK();
  const bool initiator = role == NoiseHandshake::Role::kInitiator;
  return Status::InvalidArgument(std::string("noise: ") + call + " called on the " +
                                 (initiator ? "initiator" : "responder") + " when " +
                                 StepName(due) + " is due");
}

Result<std::string> NoiseHandshake::WriteMessageA() {
  State& s = *state_;
  SOV_RETURN_IF_ERROR(CheckStep(s.role, static_cast<int>(s.step), static_cast<int>(State::Step::kWriteA),
                                "WriteMessageA"));
  State::NewKeyPair(s.e_priv, s.e_pub);
  std::string out(reinterpret_cast<const char*>(s.e_pub), kKeyBytes);
  s.MixHash(out);
  s.EncryptAndHash({}, &out);  // empty payload, in the clear (no key yet)
  s.step = State::Step::kReadB;
  return out;
}

Status NoiseHandshake::ReadMessageA(std::string_view message) {
  State& s = *state_;
  SOV_RETURN_IF_ERROR(CheckStep(s.role, static_cast<int>(s.step), static_cast<int>(State::Step::kReadA),
                                "ReadMessageA"));
  if (message.size() < kKeyBytes || message.size() > kNoiseMaxMessage) {
    s.step = State::Step::kFailed;
    error_ = NoiseError::kMalformed;
    return Status::Corruption("noise: message A is " + std::to_string(message.size()) +
                              " bytes, want at least 32 (the ephemeral key)");
  }
  std::memcpy(s.re, message.data(), kKeyBytes);
  s.MixHash(message.substr(0, kKeyBytes));
  std::string payload;
  s.DecryptAndHash(message.substr(kKeyBytes), &payload);  // no key yet: plaintext, ignored
  s.step = State::Step::kWriteB;
  return Status::OK();
}

Result<std::string> NoiseHandshake::WriteMessageB() {
  State& s = *state_;
  SOV_RETURN_IF_ERROR(CheckStep(s.role, static_cast<int>(s.step), static_cast<int>(State::Step::kWriteB),
                                "WriteMessageB"));
  State::NewKeyPair(s.e_priv, s.e_pub);
  std::string out(reinterpret_cast<const char*>(s.e_pub), kKeyBytes);
  s.MixHash(out);
  if (!s.MixDh(s.e_priv, s.re)) {  // ee
    s.step = State::Step::kFailed;
    error_ = NoiseError::kMalformed;
    return Status::Corruption("noise: the initiator's ephemeral key is a low-order point");
  }
  s.EncryptAndHash(View(s.s_pub, kKeyBytes), &out);
  if (!s.MixDh(s.s_priv, s.re)) {  // es
    s.step = State::Step::kFailed;
    error_ = NoiseError::kMalformed;
    return Status::Corruption("noise: the initiator's ephemeral key is a low-order point");
  }
  s.EncryptAndHash(s.OurPayload(), &out);
  if (out.size() > kNoiseMaxMessage) {
    s.step = State::Step::kFailed;
    return Status::InvalidArgument("noise: message B of " + std::to_string(out.size()) + " bytes is too big");
  }
  s.step = State::Step::kReadC;
  return out;
}

Result<std::string> NoiseHandshake::WriteMessageC() {
  State& s = *state_;
  SOV_RETURN_IF_ERROR(CheckStep(s.role, static_cast<int>(s.step), static_cast<int>(State::Step::kWriteC),
                                "WriteMessageC"));
  std::string out;
  s.EncryptAndHash(View(s.s_pub, kKeyBytes), &out);
  if (!s.MixDh(s.s_priv, s.re)) {  // se (re was checked in ReadMessageB, kept for safety)
    s.step = State::Step::kFailed;
    error_ = NoiseError::kMalformed;
    return Status::Corruption("noise: the responder's ephemeral key is a low-order point");
  }
  s.EncryptAndHash(s.OurPayload(), &out);
  if (out.size() > kNoiseMaxMessage) {
    s.step = State::Step::kFailed;
    return Status::InvalidArgument("noise: message C of " + std::to_string(out.size()) + " bytes is too big");
  }
  s.step = State::Step::kDone;
  return out;
}

// Reads `s, <dh with rs>, payload` (the tail of B and all of C) and authenticates the remote.
Status NoiseHandshake::ReadStaticAndPayload(std::string_view message, const char* which) {
  State& s = *state_;
  auto fail = [&](NoiseError why, Status status) {
    s.step = State::Step::kFailed;
    error_ = why;
    return status;
  };
  constexpr size_t kEncryptedKey = kKeyBytes + kNoiseTagBytes;
  if (message.size() < kEncryptedKey + kNoiseTagBytes) {
    return fail(NoiseError::kMalformed,
                Status::Corruption(std::string("noise: message ") + which + " is too short"));
  }
  std::string rs;
  if (!s.DecryptAndHash(message.substr(0, kEncryptedKey), &rs)) {
    return fail(NoiseError::kMalformed, Status::Corruption(std::string("noise: message ") + which +
                                                           ": static key does not decrypt"));
  }
  std::memcpy(s.rs, rs.data(), kKeyBytes);
  // B: es = DH(e, rs) on the initiator. C: se = DH(e, rs) on the responder. Both are DH(e, rs).
  if (!s.MixDh(s.e_priv, s.rs)) {
    return fail(NoiseError::kMalformed, Status::Corruption(std::string("noise: message ") + which +
                                                           ": the remote static key is a low-order point"));
  }
  std::string plain;
  if (!s.DecryptAndHash(message.substr(kEncryptedKey), &plain)) {
    return fail(NoiseError::kMalformed, Status::Corruption(std::string("noise: message ") + which +
                                                           ": payload does not decrypt"));
  }
  auto payload = DecodePayload(plain);
  if (!payload.ok()) return fail(NoiseError::kMalformed, payload.status().WithContext("noise"));
  if (payload->identity_key.empty()) {
    return fail(NoiseError::kMalformed, Status::Corruption("noise: remote handshake payload has no identity key"));
  }
  auto key = DecodePublicKey(payload->identity_key);
  if (!key.ok()) return fail(NoiseError::kMalformed, key.status().WithContext("noise: remote identity key"));
  if (key->type != KeyType::kEd25519) {
    return fail(NoiseError::kUnsupportedKey,
                Status::NotSupported("noise: remote identity key type " +
                                     std::to_string(static_cast<int>(key->type)) + " is not Ed25519"));
  }
  const std::string signed_message = std::string(kSignaturePrefix) + rs;
  if (payload->identity_sig.size() != crypto::kSignatureBytes ||
      !crypto::Verify(key->data, signed_message, payload->identity_sig)) {
    return fail(NoiseError::kBadSignature, Status::Corruption("noise: remote identity signature does not verify"));
  }
  remote_identity_key_ = key->data;
  remote_peer_id_ = PeerId::FromEd25519(key->data);
  remote_muxers_ = std::move(payload->stream_muxers);
  if (s.expected && *s.expected != remote_peer_id_) {
    return fail(NoiseError::kPeerIdMismatch, Status::Aborted("noise: dialled " + s.expected->ToString() +
                                                             " but the remote is " + remote_peer_id_.ToString()));
  }
  return Status::OK();
}

Status NoiseHandshake::ReadMessageB(std::string_view message) {
  State& s = *state_;
  SOV_RETURN_IF_ERROR(CheckStep(s.role, static_cast<int>(s.step), static_cast<int>(State::Step::kReadB),
                                "ReadMessageB"));
  if (message.size() > kNoiseMaxMessage || message.size() < kKeyBytes) {
    s.step = State::Step::kFailed;
    error_ = NoiseError::kMalformed;
    return Status::Corruption("noise: message B is " + std::to_string(message.size()) + " bytes");
  }
  std::memcpy(s.re, message.data(), kKeyBytes);
  s.MixHash(message.substr(0, kKeyBytes));
  if (!s.MixDh(s.e_priv, s.re)) {  // ee
    s.step = State::Step::kFailed;
    error_ = NoiseError::kMalformed;
    return Status::Corruption("noise: message B: the responder's ephemeral key is a low-order point");
  }
  SOV_RETURN_IF_ERROR(ReadStaticAndPayload(message.substr(kKeyBytes), "B"));
  s.step = State::Step::kWriteC;
  return Status::OK();
}

Status NoiseHandshake::ReadMessageC(std::string_view message) {
  State& s = *state_;
  SOV_RETURN_IF_ERROR(CheckStep(s.role, static_cast<int>(s.step), static_cast<int>(State::Step::kReadC),
                                "ReadMessageC"));
  if (message.size() > kNoiseMaxMessage) {
    s.step = State::Step::kFailed;
    error_ = NoiseError::kMalformed;
    return Status::Corruption("noise: message C is " + std::to_string(message.size()) + " bytes");
  }
  SOV_RETURN_IF_ERROR(ReadStaticAndPayload(message, "C"));
  s.step = State::Step::kDone;
  return Status::OK();
}

Result<NoiseTransport> NoiseHandshake::Split() {
  State& s = *state_;
  SOV_RETURN_IF_ERROR(CheckStep(s.role, static_cast<int>(s.step), static_cast<int>(State::Step::kDone), "Split"));
  unsigned char o1[kKeyBytes], o2[kKeyBytes];
  Hkdf(s.ck, {}, o1, o2);
  std::string k1(reinterpret_cast<const char*>(o1), kKeyBytes);
  std::string k2(reinterpret_cast<const char*>(o2), kKeyBytes);
  sodium_memzero(o1, sizeof(o1));
  sodium_memzero(o2, sizeof(o2));
  s.step = State::Step::kSplit;  // once only: a second pair of ciphers would reuse nonces
  NoiseTransport t;
  if (s.role == Role::kInitiator) {
    t.send = CipherState(std::move(k1));
    t.recv = CipherState(std::move(k2));
  } else {
    t.send = CipherState(std::move(k2));
    t.recv = CipherState(std::move(k1));
  }
  return t;
}

}  // namespace sov::p2p
