// Echo (/echo/1.0.0) as a Protocol: every byte read is written back; the write side closes after the
// reader's. Served only when asked for (HostOptions::echo): for interop tests and diagnostics.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "node/p2p/swarm/protocol.h"

namespace sov::p2p {

inline constexpr std::string_view kEchoProtocol = "/echo/1.0.0";

class EchoProtocol final : public Protocol {
 public:
  std::vector<std::string> ids() const override { return {std::string(kEchoProtocol)}; }
  Task<void> HandleInbound(std::shared_ptr<ByteStream> stream, std::string protocol_id, ConnectionInfo info) override;
};

}  // namespace sov::p2p
