// Noise_XX_25519_ChaChaPoly_SHA256 as libp2p's /noise specifies it, without I/O: the handshake state
// machine turns received handshake messages into the next message to send, and Split() gives the two
// transport ciphers. Each side proves its libp2p identity by signing its Noise static key into the
// handshake payload; the remote's signature is checked against the static key it sent in the same
// handshake, and against an expected peer id when dialling /p2p/<id>.
//
//   initiator                       responder
//   WriteMessageA()   -- e -->      ReadMessageA()
//   ReadMessageB()    <-- e,ee,s,es WriteMessageB()
//   WriteMessageC()   -- s,se -->   ReadMessageC()
//   Split()                         Split()
//
// Messages here are Noise messages without the 2-byte length frame (the transport adds it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/identity/key_pair_signer.h"
#include "node/p2p/wire/peer_names.h"
#include "store/base/status.h"

namespace sov::p2p {

inline constexpr size_t kNoiseMaxMessage = 65535;
inline constexpr size_t kNoiseTagBytes = 16;
inline constexpr size_t kNoiseMaxPlaintext = kNoiseMaxMessage - kNoiseTagBytes;  // 65519

// Why a handshake failed; the node maps it onto peer.dial_failed / connection.rejected reasons.
enum class NoiseError : uint8_t {
  kNone = 0,
  kMalformed,        // wrong length, bad protobuf, decrypt (MAC) failure, low-order DH result
  kBadSignature,     // identity_sig does not verify against the identity key and the static key
  kUnsupportedKey,   // identity key is not Ed25519
  kPeerIdMismatch,   // authenticated, but not the peer id we dialled
};

// One direction of the transport: ChaCha20-Poly1305 (IETF) with nonce 0^4 || LE64(n), empty AD.
class CipherState {
 public:
  CipherState() = default;
  explicit CipherState(std::string key32) : key_(std::move(key32)) {}
  ~CipherState();
  CipherState(CipherState&&) noexcept = default;
  CipherState& operator=(CipherState&&) noexcept = default;

  // plaintext.size() <= kNoiseMaxPlaintext. Appends ciphertext || tag to `out`.
  Status Encrypt(std::string_view plaintext, std::string* out);
  // Appends the plaintext to `out`. A MAC failure is Corruption (fatal for the connection).
  Status Decrypt(std::string_view ciphertext, std::string* out);
  uint64_t nonce() const { return nonce_; }
  // Tests only: jump the counter to check the 2^64-2 limit without sending 2^64 messages.
  void SetNonceForTest(uint64_t nonce);

 private:
  std::string key_;
  uint64_t nonce_ = 0;
};

struct NoiseTransport {
  CipherState send, recv;
};

struct NoiseOptions {
  // Muxers to offer in NoiseExtensions.stream_muxers. Empty (the default) sends no extensions, so
  // the muxer is always negotiated with multistream-select afterwards.
  std::vector<std::string> stream_muxers;
  // For tests: sign a different key than our static key (produces a bad signature on the wire).
  bool test_corrupt_signature = false;
};

class NoiseHandshake {
 public:
  enum class Role { kInitiator, kResponder };
  // `identity` must outlive the handshake. `expected_remote`: the peer id being dialled, if known.
  NoiseHandshake(Role role, const Signer& identity, std::optional<PeerId> expected_remote,
                 NoiseOptions options = {});
  ~NoiseHandshake();
  NoiseHandshake(const NoiseHandshake&) = delete;
  NoiseHandshake& operator=(const NoiseHandshake&) = delete;

  Result<std::string> WriteMessageA();             // initiator
  Status ReadMessageA(std::string_view message);   // responder
  Result<std::string> WriteMessageB();             // responder
  Status ReadMessageB(std::string_view message);   // initiator: authenticates the responder
  Result<std::string> WriteMessageC();             // initiator
  Status ReadMessageC(std::string_view message);   // responder: authenticates the initiator

  // After the last message. Initiator sends with the first key, responder with the second.
  Result<NoiseTransport> Split();

  // Set when a Read* fails: why (the Status message says what exactly).
  NoiseError error() const { return error_; }
  // Valid once the remote is authenticated.
  const PeerId& remote_peer_id() const { return remote_peer_id_; }
  const std::string& remote_identity_key() const { return remote_identity_key_; }  // Ed25519, 32 B
  const std::vector<std::string>& remote_stream_muxers() const { return remote_muxers_; }

 private:
  struct State;
  // The `s` token, its DH with the remote static key and the payload: the tail of B, all of C.
  Status ReadStaticAndPayload(std::string_view message, const char* which);
  std::unique_ptr<State> state_;
  NoiseError error_ = NoiseError::kNone;
  PeerId remote_peer_id_;
  std::string remote_identity_key_;
  std::vector<std::string> remote_muxers_;
};

}  // namespace sov::p2p
