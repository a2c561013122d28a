// libp2p PublicKey protobuf, peer ids (identity or sha2-256 multihash of that key) and their text
// forms: base58btc multihash and CIDv1 (codec libp2p-key) in multibase base32 or base58btc.
#include "node/identity/peer_id.h"

#include <sodium.h>

#include <cstdio>

#include "store/base/protobuf.h"
#include "store/base/varint.h"
#include "store/base/crypto.h"
#include "store/base/text.h"

namespace sov::identity {
namespace {

constexpr uint64_t kIdentityMultihash = 0x00;
constexpr uint64_t kSha256Multihash = 0x12;
constexpr size_t kMaxInlineKeyBytes = 42;
constexpr uint64_t kCidVersion1 = 1;
constexpr uint64_t kLibp2pKeyCodec = 0x72;
constexpr size_t kMaxPeerIdText = 256;
constexpr size_t kQuotedPeerIdBytes = 80;  // how much of a bad peer id an error quotes

std::string HexCode(uint64_t code) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(code));
  return buf;
}

// RFC 4648 base32, lowercase alphabet, no padding (multibase 'b'). Non-zero leftover bits are
// rejected, as js multiformats does.
Result<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    uint32_t v;
    if (c >= 'a' && c <= 'z') {
      v = static_cast<uint32_t>(c - 'a');
    } else if (c >= '2' && c <= '7') {
      v = static_cast<uint32_t>(c - '2') + 26;
    } else {
      return Status::InvalidArgument("invalid base32 character '" + std::string(1, c) + "' at offset " +
                                     std::to_string(i));
    }
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0) {
    return Status::InvalidArgument("base32 text ends with a partial byte");
  }
  return out;
}

}  // namespace

std::string EncodePublicKey(const PublicKeyProto& key) {
  ProtoWriter w;
  w.Varint(1, static_cast<uint64_t>(key.type));
  w.Bytes(2, key.data);
  return w.Take();
}

std::string EncodeEd25519PublicKey(std::string_view public_key32) {
  return EncodePublicKey(PublicKeyProto{KeyType::kEd25519, std::string(public_key32)});
}

Result<PublicKeyProto> DecodePublicKey(std::string_view bytes) {
  ProtoReader r(bytes, "public key");
  PublicKeyProto key;
  bool have_type = false, have_data = false;
  while (r.Next()) {
    if (r.field() == 1) {
      if (r.wire_type() != WireType::kVarint) return Status::Corruption("public key: Type is not a varint");
      if (r.varint() > static_cast<uint64_t>(KeyType::kEcdsa)) {
        return Status::Corruption("public key: unknown key type " + std::to_string(r.varint()));
      }
      key.type = static_cast<KeyType>(r.varint());
      have_type = true;
    } else if (r.field() == 2) {
      if (r.wire_type() != WireType::kLengthDelimited) return Status::Corruption("public key: Data is not bytes");
      key.data = std::string(r.bytes());
      have_data = true;
    }
  }
  if (!r.status().ok()) return r.status();
  if (!have_type) return Status::Corruption("public key: missing Type");
  if (!have_data) return Status::Corruption("public key: missing Data");
  if (key.type == KeyType::kEd25519 && key.data.size() != crypto::kPublicKeyBytes) {
    return Status::Corruption("public key: Ed25519 key is " + std::to_string(key.data.size()) +
                              " bytes, want 32");
  }
  return key;
}

PeerId PeerId::FromPublicKey(const PublicKeyProto& key) {
  const std::string encoded = EncodePublicKey(key);
  std::string mh;
  if (encoded.size() <= kMaxInlineKeyBytes) {
    AppendUvarint(mh, kIdentityMultihash);
    AppendUvarint(mh, encoded.size());
    mh.append(encoded);
  } else {
    (void)crypto::Init();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(encoded.data()), encoded.size());
    AppendUvarint(mh, kSha256Multihash);
    AppendUvarint(mh, sizeof(digest));
    mh.append(reinterpret_cast<const char*>(digest), sizeof(digest));
  }
  return PeerId(std::move(mh));
}

PeerId PeerId::FromEd25519(std::string_view public_key32) {
  return FromPublicKey(PublicKeyProto{KeyType::kEd25519, std::string(public_key32)});
}

Result<PeerId> PeerId::FromBytes(std::string_view multihash) {
  uint64_t code = 0, length = 0;
  auto n = DecodeUvarint(multihash, &code);
  if (!n.ok()) return n.status().WithContext("peer id multihash code");
  if (*n == 0) return Status::InvalidArgument("peer id multihash: empty or truncated code");
  std::string_view rest = multihash.substr(*n);
  auto m = DecodeUvarint(rest, &length);
  if (!m.ok()) return m.status().WithContext("peer id multihash length");
  if (*m == 0) return Status::InvalidArgument("peer id multihash: truncated digest length");
  rest.remove_prefix(*m);
  if (length != rest.size()) {
    return Status::InvalidArgument("peer id multihash: digest length " + std::to_string(length) + " but " +
                                   std::to_string(rest.size()) + " bytes follow");
  }
  if (code == kIdentityMultihash) {
    if (length > kMaxInlineKeyBytes) {
      return Status::InvalidArgument("peer id multihash: identity digest of " + std::to_string(length) +
                                     " bytes (at most 42)");
    }
    auto key = DecodePublicKey(rest);
    if (!key.ok()) return key.status().WithContext("peer id multihash: inlined key");
  } else if (code == kSha256Multihash) {
    if (length != crypto_hash_sha256_BYTES) {
      return Status::InvalidArgument("peer id multihash: sha2-256 digest of " + std::to_string(length) +
                                     " bytes (want 32)");
    }
  } else {
    return Status::InvalidArgument("peer id multihash: unsupported hash code " + HexCode(code) + " (want identity 0x00 or sha2-256 0x12)");
  }
  return PeerId(std::string(multihash));
}

Result<PeerId> PeerId::ParsePeerOrDid(std::string_view text) {
  if (text.rfind("did:", 0) == 0) {
    auto key = crypto::PublicKeyFromDidKey(text);
    if (!key.ok()) return key.status();
    return FromEd25519(*key);
  }
  return Parse(text);
}

Result<PeerId> PeerId::Parse(std::string_view text) {
  const std::string quoted = "peer id \"" + std::string(Utf8Prefix(text, kQuotedPeerIdBytes)) + (text.size() > kQuotedPeerIdBytes ? "…" : "") + "\"";
  if (text.empty()) return Status::InvalidArgument("peer id is empty");
  if (text.size() > kMaxPeerIdText) {
    return Status::InvalidArgument(quoted + ": " + std::to_string(text.size()) + " characters is too long");
  }
  std::string multihash;
  if (text[0] == '1' || text[0] == 'Q') {
    auto raw = crypto::Base58Decode(text);
    if (!raw.ok()) return raw.status().WithContext(quoted);
    multihash = std::move(*raw);
  } else if (text[0] == 'b' || text[0] == 'z') {
    auto raw = text[0] == 'b' ? Base32Decode(text.substr(1)) : crypto::Base58Decode(text.substr(1));
    if (!raw.ok()) return raw.status().WithContext(quoted + ": CIDv1");
    std::string_view cid = *raw;
    uint64_t version = 0, codec = 0;
    auto n = DecodeUvarint(cid, &version);
    if (!n.ok()) return n.status().WithContext(quoted + ": CID version");
    if (*n == 0) return Status::InvalidArgument(quoted + ": CID is truncated");
    if (version != kCidVersion1) {
      return Status::InvalidArgument(quoted + ": CID version " + std::to_string(version) + " (want 1)");
    }
    cid.remove_prefix(*n);
    auto m = DecodeUvarint(cid, &codec);
    if (!m.ok()) return m.status().WithContext(quoted + ": CID codec");
    if (*m == 0) return Status::InvalidArgument(quoted + ": CID is truncated");
    if (codec != kLibp2pKeyCodec) {
      return Status::InvalidArgument(quoted + ": CID codec " + HexCode(codec) + " is not libp2p-key (0x72)");
    }
    cid.remove_prefix(*m);
    multihash = std::string(cid);
  } else {
    return Status::InvalidArgument(quoted +
                                   ": not a peer id (want base58btc 12D3KooW…/Qm… or CIDv1 b…/z…)");
  }
  auto id = FromBytes(multihash);
  if (!id.ok()) return id.status().WithContext(quoted);
  return id;
}

std::string PeerId::ToString() const { return crypto::Base58Encode(bytes_); }

std::optional<std::string> PeerId::Ed25519Key() const {
  // Identity multihash of an Ed25519 PublicKey: 00 24 08 01 12 20 <32 bytes>.
  if (bytes_.size() < 2 || bytes_[0] != static_cast<char>(kIdentityMultihash)) return std::nullopt;
  uint64_t length = 0;
  auto n = DecodeUvarint(std::string_view(bytes_).substr(1), &length);
  if (!n.ok() || *n == 0) return std::nullopt;
  auto key = DecodePublicKey(std::string_view(bytes_).substr(1 + *n));
  if (!key.ok() || key->type != KeyType::kEd25519) return std::nullopt;
  return key->data;
}

std::optional<std::string> PeerId::Did() const {
  auto key = Ed25519Key();
  if (!key) return std::nullopt;
  return crypto::DidKeyFromPublicKey(*key);
}

}  // namespace sov::identity
