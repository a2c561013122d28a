#include "node/p2p/protocols/host.h"

namespace sov::p2p {

Host::Host(Executor ex, const Signer& identity, HostOptions options, HostObserver* observer)
    : options_(std::move(options)), swarm_(ex, identity, options_, observer) {
  if (options_.low_watermark > options_.max_peers) options_.low_watermark = options_.max_peers;
  swarm_.AddProtocol(std::make_shared<IdentifyProtocol>(
      swarm_, IdentifyOptions{options_.agent_version, options_.protocol_version, options_.identify_timeout}));
  swarm_.AddProtocol(std::make_shared<PingProtocol>(PingOptions{options_.max_inbound_ping_streams}));
  if (options_.echo) swarm_.AddProtocol(std::make_shared<EchoProtocol>());
}

Host::~Host() = default;

}  // namespace sov::p2p
