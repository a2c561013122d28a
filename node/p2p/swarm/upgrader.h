// The upgrader: turns a fresh TCP connection into an authenticated, multiplexed one, in the order
// libp2p peers expect: multistream-select (/noise) -> Noise XX -> multistream-select (/yamux/1.0.0).
// The whole upgrade runs under one deadline (a peer trickling bytes cannot stretch it phase by
// phase); a failure says which phase failed and why, and carries the remote's peer id when it was
// authenticated before the failure.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "node/p2p/swarm/connection.h"
#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"
#include "node/p2p/transport/tcp_stream.h"
#include "store/base/signer.h"
#include "store/base/status.h"

namespace sov::p2p {

struct Upgraded {
  PeerId remote;                        // authenticated by Noise
  std::shared_ptr<ByteStream> muxed;    // the secure channel, ready for the yamux session
};

struct UpgradeFailure {
  ConnectFail reason;
  Status status;
  std::string peer_id;  // set when the remote was authenticated before the failure
};

// Upgrades `tcp` as the listener (`inbound`) or the dialler. `expected` (dialler only) is the peer
// id the remote must prove; `self` is refused as a remote. `identity` must outlive the upgrade.
// `timeout` (SwarmOptions::upgrade_timeout) bounds all three phases together. On failure the
// caller resets `tcp`.
Task<std::variant<Upgraded, UpgradeFailure>> UpgradeConnection(Executor ex, std::shared_ptr<TcpStream> tcp,
                                                               bool inbound, std::optional<PeerId> expected,
                                                               const Signer& identity, PeerId self,
                                                               Clock::duration timeout);

}  // namespace sov::p2p
