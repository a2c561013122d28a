// Multiaddrs: the text form (/ip4/1.2.3.4/tcp/4001/p2p/12D3…) and the binary form (identify's
// listenAddrs and observedAddr) for the protocols a TCP node meets: ip4, ip6, dns, dns4, dns6, tcp,
// udp, p2p (and quic-v1 as a known but undialable suffix). Parse errors name the text and the part.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/p2p/wire/peer_names.h"
#include "store/base/status.h"

namespace sov::p2p {

enum class MultiaddrProtocol : uint32_t {
  kIp4 = 0x04, kTcp = 0x06, kUdp = 0x0111, kDns = 0x35, kDns4 = 0x36, kDns6 = 0x37, kIp6 = 0x29,
  kP2p = 0x01a5, kQuicV1 = 0x01cd,
};

struct MultiaddrPart {
  MultiaddrProtocol protocol;
  std::string value;  // binary value: 4/16 address bytes, 2-byte BE port, utf8 name, peer-id multihash
  bool operator==(const MultiaddrPart&) const = default;
};

class Multiaddr {
 public:
  Multiaddr() = default;
  static Result<Multiaddr> Parse(std::string_view text);
  static Result<Multiaddr> FromBytes(std::string_view bytes);
  // "/ip4/<ip>/tcp/<port>" or "/ip6/<ip>/tcp/<port>" from a textual IP address (as asio prints it).
  static Result<Multiaddr> FromTcp(std::string_view ip, uint16_t port);

  std::string ToString() const;
  std::string ToBytes() const;
  const std::vector<MultiaddrPart>& parts() const { return parts_; }
  bool empty() const { return parts_.empty(); }

  // For dialling over TCP: the host (IP text or DNS name), its protocol and the port. Fails with a
  // clear message when the address is not <ip4|ip6|dns|dns4|dns6>/tcp/<port>[/p2p/<id>].
  struct TcpTarget {
    MultiaddrProtocol host_protocol;
    std::string host;
    uint16_t port;
  };
  Result<TcpTarget> Tcp() const;
  std::optional<PeerId> peer_id() const;  // the trailing /p2p/<id>, if any
  Multiaddr WithPeerId(const PeerId& id) const;  // replaces or appends /p2p/<id>
  Multiaddr WithoutPeerId() const;

  bool operator==(const Multiaddr&) const = default;

 private:
  std::vector<MultiaddrPart> parts_;
};

}  // namespace sov::p2p
