// The /ipfs/id/1.0.0 Identify protobuf: what a peer says about itself (key, agent, protocols,
// listen addresses) and the address it sees us at. Decoding bounds every field and names the field
// that is wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/base/status.h"

namespace sov::p2p {

inline constexpr size_t kMaxIdentifyMessage = 8 * 1024;  // as js-libp2p
inline constexpr size_t kMaxIdentifyProtocols = 256;
inline constexpr size_t kMaxIdentifyAddrs = 64;

struct IdentifyMessage {
  std::string protocol_version;          // field 5
  std::string agent_version;             // field 6
  std::string public_key;                // field 1: serialized PublicKey
  std::vector<std::string> listen_addrs; // field 2: binary multiaddrs
  std::string observed_addr;             // field 4: binary multiaddr ("" = absent)
  std::vector<std::string> protocols;    // field 3
  // field 8 (signedPeerRecord) is ignored when reading and never written.
};

std::string EncodeIdentify(const IdentifyMessage& message);
// Errors: bigger than kMaxIdentifyMessage, malformed protobuf, too many protocols/addresses.
Result<IdentifyMessage> DecodeIdentify(std::string_view bytes);

}  // namespace sov::p2p
