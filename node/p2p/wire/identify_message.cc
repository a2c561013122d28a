// Identify protobuf codec: written in field-number order with empty optional fields left out; read
// with the message size, the number of protocols and addresses, and each field's wire type checked.
#include "node/p2p/wire/identify_message.h"

#include "store/base/protobuf.h"

namespace sov::p2p {
namespace {

constexpr uint32_t kPublicKey = 1;
constexpr uint32_t kListenAddrs = 2;
constexpr uint32_t kProtocols = 3;
constexpr uint32_t kObservedAddr = 4;
constexpr uint32_t kProtocolVersion = 5;
constexpr uint32_t kAgentVersion = 6;

const char* FieldName(uint32_t field) {
  switch (field) {
    case kPublicKey: return "publicKey";
    case kListenAddrs: return "listenAddrs";
    case kProtocols: return "protocols";
    case kObservedAddr: return "observedAddr";
    case kProtocolVersion: return "protocolVersion";
    case kAgentVersion: return "agentVersion";
    default: return "?";
  }
}

}  // namespace

std::string EncodeIdentify(const IdentifyMessage& message) {
  ProtoWriter w;
  if (!message.public_key.empty()) w.Bytes(kPublicKey, message.public_key);
  for (const auto& addr : message.listen_addrs) w.Bytes(kListenAddrs, addr);
  for (const auto& protocol : message.protocols) w.Bytes(kProtocols, protocol);
  if (!message.observed_addr.empty()) w.Bytes(kObservedAddr, message.observed_addr);
  if (!message.protocol_version.empty()) w.Bytes(kProtocolVersion, message.protocol_version);
  if (!message.agent_version.empty()) w.Bytes(kAgentVersion, message.agent_version);
  return w.Take();
}

Result<IdentifyMessage> DecodeIdentify(std::string_view bytes) {
  if (bytes.size() > kMaxIdentifyMessage) {
    return Status::Corruption("identify message: " + std::to_string(bytes.size()) + " bytes exceeds " +
                              std::to_string(kMaxIdentifyMessage));
  }
  IdentifyMessage m;
  ProtoReader r(bytes, "identify message");
  while (r.Next()) {
    const uint32_t field = r.field();
    if (field < kPublicKey || field > kAgentVersion) continue;  // signedPeerRecord (8) and unknown fields
    if (r.wire_type() != WireType::kLengthDelimited) {
      return Status::Corruption(std::string("identify message: field ") + std::to_string(field) + " (" +
                                FieldName(field) + ") is not length-delimited");
    }
    const std::string value(r.bytes());
    switch (field) {
      case kPublicKey: m.public_key = value; break;
      case kObservedAddr: m.observed_addr = value; break;
      case kProtocolVersion: m.protocol_version = value; break;
      case kAgentVersion: m.agent_version = value; break;
      case kListenAddrs:
        if (m.listen_addrs.size() == kMaxIdentifyAddrs) {
          return Status::Corruption("identify message: more than " + std::to_string(kMaxIdentifyAddrs) +
                                    " listenAddrs");
        }
        m.listen_addrs.push_back(value);
        break;
      case kProtocols:
        if (m.protocols.size() == kMaxIdentifyProtocols) {
          return Status::Corruption("identify message: more than " + std::to_string(kMaxIdentifyProtocols) +
                                    " protocols");
        }
        m.protocols.push_back(value);
        break;
    }
  }
  if (!r.status().ok()) return r.status();
  return m;
}

}  // namespace sov::p2p
