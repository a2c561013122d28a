// The p2p layers name peer identities (node/identity) unqualified: PeerId, the libp2p PublicKey
// protobuf and its codec. One place brings them into sov::p2p.
#pragma once

#include "node/identity/peer_id.h"

namespace sov::p2p {

using identity::DecodePublicKey;
using identity::EncodeEd25519PublicKey;
using identity::EncodePublicKey;
using identity::KeyType;
using identity::PeerId;
using identity::PublicKeyProto;

}  // namespace sov::p2p
