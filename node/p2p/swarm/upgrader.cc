#include "node/p2p/swarm/upgrader.h"

#include <fmt/format.h>

#include "node/p2p/swarm/options.h"
#include "node/p2p/transport/multistream.h"
#include "node/p2p/transport/noise_connection.h"

namespace sov::p2p {

namespace {

UpgradeFailure Fail(ConnectFail reason, Status status) { return UpgradeFailure{reason, std::move(status), std::string()}; }
UpgradeFailure FailAfterAuth(ConnectFail reason, Status status, const PeerId& remote) {
  return UpgradeFailure{reason, std::move(status), remote.ToString()};
}

// One multistream-select as listener (serving only `protocol`) or dialler (asking only for it).
Task<Result<Negotiated>> NegotiateOne(ByteStream& stream, bool inbound, std::string_view protocol) {
  if (inbound) {
    co_return co_await HandleProtocol(
        stream, [protocol](std::string_view p) { return p == protocol; },
        [protocol] { return std::vector<std::string>{std::string(protocol)}; });
  }
  co_return co_await SelectProtocol(stream, OneProtocol(protocol));
}

}  // namespace

Task<std::variant<Upgraded, UpgradeFailure>> UpgradeConnection(Executor ex, std::shared_ptr<TcpStream> tcp,
                                                               bool inbound, std::optional<PeerId> expected,
                                                               const Signer& identity, PeerId self,
                                                               Clock::duration timeout) {
  // One deadline for the whole upgrade: a peer that trickles bytes cannot stretch it phase by phase.
  Deadline deadline(ex, timeout, [tcp] { tcp->Reset(); });
  auto timed_out = [&](std::string_view phase) {
    return Status::Aborted(fmt::format("upgrade timed out after {} ms in the {}",
                                       std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count(), phase));
  };
  std::shared_ptr<ByteStream> raw = tcp;
  // 1. security protocol
  {
    auto r = co_await NegotiateOne(*raw, inbound, kNoiseProtocol);
    if (deadline.expired()) co_return Fail(ConnectFail::kTimeout, timed_out("security negotiation"));
    if (!r.ok()) co_return Fail(ConnectFail::kNegotiationFailed, r.status());
    raw = WithLeftover(raw, std::move(r->leftover));
  }
  // 2. Noise
  std::shared_ptr<NoiseConnection> secure;
  PeerId remote;
  {
    const auto role = inbound ? NoiseHandshake::Role::kResponder : NoiseHandshake::Role::kInitiator;
    auto r = co_await NoiseConnection::Handshake(raw, role, identity, expected);
    if (deadline.expired()) co_return Fail(ConnectFail::kTimeout, timed_out("noise handshake"));
    if (auto* f = std::get_if<NoiseConnection::Failure>(&r)) {
      switch (f->error) {
        case NoiseError::kPeerIdMismatch: co_return Fail(ConnectFail::kPeerIdMismatch, f->status);
        case NoiseError::kBadSignature: co_return Fail(ConnectFail::kBadSignature, f->status);
        default: co_return Fail(ConnectFail::kNoiseFailed, f->status);
      }
    }
    auto& up = std::get<NoiseConnection::Upgraded>(r);
    secure = up.connection;
    remote = up.remote;
  }
  if (remote == self) {
    tcp->Reset();
    co_return FailAfterAuth(ConnectFail::kSelf, Status::InvalidArgument("the remote is this node"), remote);
  }
  // 3. muxer
  auto r = co_await NegotiateOne(*secure, inbound, kYamuxProtocol);
  if (deadline.expired()) co_return FailAfterAuth(ConnectFail::kTimeout, timed_out("muxer negotiation"), remote);
  if (!r.ok()) co_return FailAfterAuth(ConnectFail::kNegotiationFailed, r.status(), remote);
  deadline.Cancel();
  co_return Upgraded{remote, WithLeftover(secure, std::move(r->leftover))};
}

}  // namespace sov::p2p
