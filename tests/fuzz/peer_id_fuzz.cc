// Fuzzes identity text and bytes (node/identity/peer_id.*, store/base/crypto.*). Mode byte % 4:
// 0 PeerId::Parse (text → id → text → same id; its did:key gives back its key), 1
// crypto::PublicKeyFromDidKey (a 32-byte key whose did:key is the same text), 2 PeerId::FromBytes
// (multihash round trip), 3 DecodePublicKey (protobuf PublicKey round trip).
#include <cstddef>
#include <cstdint>

#include "node/identity/peer_id.h"
#include "store/base/crypto.h"
#include "tests/fuzz/support/fuzz_check.h"
#include "tests/fuzz/support/fuzz_input.h"

namespace {

using sov::identity::PeerId;

void CheckId(const PeerId& id) {
  auto again = PeerId::Parse(id.ToString());
  FUZZ_CHECK(again.ok() && *again == id);
  auto from_bytes = PeerId::FromBytes(id.bytes());
  FUZZ_CHECK(from_bytes.ok() && *from_bytes == id);
  if (auto did = id.Did()) {
    auto key = sov::crypto::PublicKeyFromDidKey(*did);
    FUZZ_CHECK(key.ok() && *key == id.Ed25519Key());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sov::fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.Byte() % 4;
  const std::string_view rest = in.Rest();
  if (mode == 0) {
    if (auto id = PeerId::Parse(rest); id.ok()) CheckId(*id);
  } else if (mode == 1) {
    if (auto key = sov::crypto::PublicKeyFromDidKey(rest); key.ok()) {
      FUZZ_CHECK(key->size() == 32);
      FUZZ_CHECK(sov::crypto::DidKeyFromPublicKey(*key) == rest);
    }
  } else if (mode == 2) {
    if (auto id = PeerId::FromBytes(rest); id.ok()) CheckId(*id);
  } else if (auto key = sov::identity::DecodePublicKey(rest); key.ok()) {
    auto again = sov::identity::DecodePublicKey(sov::identity::EncodePublicKey(*key));
    FUZZ_CHECK(again.ok() && again->type == key->type && again->data == key->data);
  }
  return 0;
}
