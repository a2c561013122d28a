// libp2p peer identity: the protobuf PublicKey, peer ids (multihash of that key) in their base58btc
// ("12D3KooW…", "Qm…") and CIDv1 ("bafz…") text forms, and the did:key of an Ed25519 peer. sov
// identities are Ed25519 keys; the same key is the node's DID and its libp2p peer id, so the DID is
// bound to the transport (lango's gap §14.1).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "store/base/status.h"

namespace sov::identity {

enum class KeyType : uint8_t { kRsa = 0, kEd25519 = 1, kSecp256k1 = 2, kEcdsa = 3 };

// A decoded protobuf PublicKey { Type = 1; Data = 2 }.
struct PublicKeyProto {
  KeyType type = KeyType::kEd25519;
  std::string data;  // 32 bytes for Ed25519
};
std::string EncodePublicKey(const PublicKeyProto& key);  // deterministic: 08 01 12 20 <key> for Ed25519
std::string EncodeEd25519PublicKey(std::string_view public_key32);
Result<PublicKeyProto> DecodePublicKey(std::string_view bytes);

class PeerId {
 public:
  PeerId() = default;
  // Identity multihash when the encoded key is <= 42 bytes, sha2-256 otherwise.
  static PeerId FromPublicKey(const PublicKeyProto& key);
  static PeerId FromEd25519(std::string_view public_key32);
  // From multihash bytes (identity 0x00 or sha2-256 0x12 with a 32-byte digest).
  static Result<PeerId> FromBytes(std::string_view multihash);
  // From text: base58btc multihash ("12D3KooW…", "Qm…") or CIDv1 with codec libp2p-key (0x72) in
  // multibase base32 ('b…') or base58btc ('z…'). Errors name the text and what is wrong.
  static Result<PeerId> Parse(std::string_view text);
  // Parse, or the peer of an Ed25519 did:key ("did:key:z6Mk..."): how users name a peer.
  static Result<PeerId> ParsePeerOrDid(std::string_view text);

  const std::string& bytes() const { return bytes_; }  // the multihash
  std::string ToString() const;                        // base58btc
  bool empty() const { return bytes_.empty(); }
  // The Ed25519 key inlined in an identity multihash; nullopt for hashed (e.g. RSA) ids.
  std::optional<std::string> Ed25519Key() const;
  // did:key of the inlined Ed25519 key; nullopt when there is none.
  std::optional<std::string> Did() const;

  auto operator<=>(const PeerId&) const = default;

 private:
  explicit PeerId(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

}  // namespace sov::identity
