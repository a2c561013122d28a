#include "node/p2p/swarm/swarm.h"

#include <algorithm>

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "node/p2p/swarm/conn_manager.h"
#include "node/p2p/swarm/dialer.h"
#include "node/p2p/swarm/listener.h"
#include "node/p2p/swarm/upgrader.h"
#include "node/p2p/transport/multistream.h"
#include "node/p2p/transport/tcp_stream.h"
#include "node/p2p/transport/yamux.h"
#include "store/base/clock.h"

namespace sov::p2p {

using asio::ip::tcp;

namespace {

DisconnectCause CauseOf(YamuxEnd end) {
  switch (end) {
    case YamuxEnd::kRemoteGoAway:
    case YamuxEnd::kEof: return DisconnectCause::kClosedByPeer;
    case YamuxEnd::kIoError: return DisconnectCause::kError;
    case YamuxEnd::kProtocolError: return DisconnectCause::kProtocolError;
    case YamuxEnd::kFlowControl: return DisconnectCause::kFlowControl;
    case YamuxEnd::kStreamLimit: return DisconnectCause::kStreamLimit;
    case YamuxEnd::kKeepaliveTimeout: return DisconnectCause::kKeepaliveTimeout;
    case YamuxEnd::kLocalClose: return DisconnectCause::kClosedLocally;
    case YamuxEnd::kNone: break;
  }
  return DisconnectCause::kUnknown;
}

// Whether two addresses are in one /24 (IPv4) or /64 (IPv6) network.
bool SameSubnet(const asio::ip::address& a, const asio::ip::address& b) {
  if (a.is_v4() && b.is_v4()) {
    return (a.to_v4().to_uint() >> 8) == (b.to_v4().to_uint() >> 8);
  }
  if (a.is_v6() && b.is_v6()) {
    auto x = a.to_v6().to_bytes(), y = b.to_v6().to_bytes();
    return std::equal(x.begin(), x.begin() + 8, y.begin());
  }
  return false;
}

// A plain StreamHandler as a Protocol with one id.
class HandlerProtocol final : public Protocol {
 public:
  HandlerProtocol(std::string id, StreamHandler handler) : id_(std::move(id)), handler_(std::move(handler)) {}
  std::vector<std::string> ids() const override { return {id_}; }
  Task<void> HandleInbound(std::shared_ptr<ByteStream> stream, std::string, ConnectionInfo info) override {
    StreamHandler handler = handler_;  // a copy: the protocol may be replaced while it runs
    co_await handler(std::move(stream), std::move(info));
  }

 private:
  std::string id_;
  StreamHandler handler_;
};

}  // namespace

struct Swarm::Conn {
  ConnectionInfo info;
  std::shared_ptr<YamuxSession> session;
  Clock::time_point opened = Clock::now();
  bool announced = false;  // OnConnected was reported
  bool closing = false;
  DisconnectCause cause = DisconnectCause::kUnknown;  // set by a local close before it happens
  std::string detail;
  bool protected_peer = false;  // a bootstrap peer: not closed for idleness or trimmed
  asio::ip::address remote_ip;
};

struct Swarm::Impl {
  Swarm* swarm;
  Executor ex;
  HostObserver* observer;
  ConnManager manager;
  StreamGate* gate = nullptr;
  PeerValuer* valuer = nullptr;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<Multiaddr> bound;
  std::map<std::string, std::shared_ptr<Protocol>> routes;  // protocol id -> its server
  std::vector<std::shared_ptr<Protocol>> members;            // every protocol serving an id
  std::map<uint64_t, std::shared_ptr<Conn>> conns;
  uint64_t next_id = 1;
  size_t pending_inbound = 0;                      // inbound connections still upgrading
  std::map<asio::ip::address, size_t> pending_by_ip;
  bool stopping = false;
  std::set<PeerId> bootstrap_ids;
  asio::steady_timer maintenance;
  asio::steady_timer bootstrap_timer;
  Signal all_closed;

  Impl(Swarm* s, Executor e, HostObserver* obs)
      : swarm(s), ex(e), observer(obs), manager(s->options_), maintenance(e), bootstrap_timer(e), all_closed(e) {}

  const SwarmOptions& opt() const { return swarm->options_; }

  // ---- the connection table ----
  std::shared_ptr<Conn> FindConn(const PeerId& peer) const {
    for (const auto& [id, c] : conns) {
      if (c->info.peer == peer && !c->closing) return c;
    }
    return nullptr;
  }

  std::shared_ptr<Conn> FindLive(uint64_t id) const {
    auto it = conns.find(id);
    return it == conns.end() || it->second->closing ? nullptr : it->second;
  }

  std::shared_ptr<Conn> NewConn(const Upgraded& up, const TcpStream& tcp, bool inbound) {
    auto conn = std::make_shared<Conn>();
    conn->info.id = next_id++;
    conn->info.peer = up.remote;
    conn->info.did = up.remote.Did().value_or("");
    conn->info.remote_addr = AddrOf(tcp.remote_endpoint());
    conn->remote_ip = tcp.remote_endpoint().address();
    conn->info.inbound = inbound;
    conn->info.opened_at_ns = WallClockNs();
    conn->protected_peer = bootstrap_ids.count(up.remote) > 0;
    conn->session = YamuxSession::Create(ex, up.muxed, inbound ? YamuxSession::Role::kServer : YamuxSession::Role::kClient,
                                         opt().yamux);
    return conn;
  }

  // Which of two connections to one peer both ends keep: the one dialled by the smaller peer id;
  // between two dialled the same way, the older one.
  bool KeepNew(const Conn& existing, const Conn& fresh) const {
    if (existing.info.inbound == fresh.info.inbound) return false;
    const PeerId& dialer_of_fresh = fresh.info.inbound ? fresh.info.peer : swarm->self_;
    const PeerId& dialer_of_existing = existing.info.inbound ? existing.info.peer : swarm->self_;
    return dialer_of_fresh < dialer_of_existing;
  }

  void CloseConn(const std::shared_ptr<Conn>& c, DisconnectCause cause, std::string detail) {
    if (c->closing) return;
    c->closing = true;
    c->cause = cause;
    c->detail = std::move(detail);
    YamuxEnd end = cause == DisconnectCause::kProtocolError ? YamuxEnd::kProtocolError : YamuxEnd::kLocalClose;
    c->session->CloseWith(end, Status::Aborted(c->detail));
  }

  // Returns the connection now serving the peer (the new one or the kept existing one).
  std::shared_ptr<Conn> Register(std::shared_ptr<Conn> c) {
    if (auto existing = FindConn(c->info.peer)) {
      if (!KeepNew(*existing, *c)) {
        // Recorded for inbound ones: the peer thinks it has a new connection until our GoAway.
        std::string why = fmt::format("already connected to the peer; connection #{} was kept", existing->info.id);
        if (c->info.inbound) {
          Rejected(c->info.remote_addr.ToString(), c->info.peer.ToString(), ConnectFail::kDuplicate, why);
        } else {
          spdlog::debug("p2p: duplicate connection to {} dropped: {}", c->info.peer.ToString(), why);
        }
        c->session->Close();
        return existing;
      }
      CloseConn(existing, DisconnectCause::kDuplicate,
                fmt::format("a second connection (#{}) to the peer replaced this one", c->info.id));
    }
    conns[c->info.id] = c;
    std::weak_ptr<Conn> weak = c;
    c->session->Start(
        [this, weak](std::shared_ptr<YamuxStream> stream) {
          if (auto conn = weak.lock()) Spawn(ex, RouteInboundStream(conn, std::move(stream)), "p2p inbound stream");
        },
        [this, weak](YamuxEnd end, const Status& why) {
          if (auto conn = weak.lock()) OnSessionClosed(conn, end, why);
        });
    c->announced = true;
    spdlog::info("p2p: connected {} {} ({})", c->info.inbound ? "from" : "to", c->info.peer.ToString(),
                 c->info.remote_addr.ToString());
    ConnectionInfo info = Snapshot(*c);
    if (observer) observer->OnConnected(info);
    for (const auto& p : std::vector<std::shared_ptr<Protocol>>(members)) p->OnConnectionEstablished(info);
    return c;
  }

  void OnSessionClosed(const std::shared_ptr<Conn>& c, YamuxEnd end, const Status& why) {
    if (conns.erase(c->info.id) == 0) return;
    DisconnectCause cause = c->closing && c->cause != DisconnectCause::kUnknown ? c->cause : CauseOf(end);
    std::string detail = c->closing && !c->detail.empty() ? c->detail : why.message();
    c->closing = true;
    spdlog::info("p2p: disconnected {} ({}: {})", c->info.peer.ToString(), DisconnectCauseName(cause), detail);
    if (c->announced) {
      ConnectionInfo info = Snapshot(*c);
      if (observer) observer->OnDisconnected(info, cause, detail);
      for (const auto& p : std::vector<std::shared_ptr<Protocol>>(members)) p->OnConnectionClosed(info, cause);
    }
    if (conns.empty()) all_closed.Notify();
  }

  ConnectionInfo Snapshot(const Conn& c) const {
    ConnectionInfo info = c.info;
    info.open_streams = c.session ? c.session->open_streams() : 0;
    return info;
  }

  // ---- limits (decided by the conn_manager) ----
  size_t LiveCount() const {
    size_t n = 0;
    for (const auto& [id, c] : conns) n += c->closing ? 0 : 1;
    return n;
  }

  void Trim(bool force_to_low_watermark) {
    std::vector<ConnLoad> live;
    for (const auto& [id, c] : conns) {
      if (c->closing) continue;
      const int64_t value = valuer ? valuer->ValueOf(c->info) : 0;
      live.push_back({id, c->opened, c->session->last_activity(), c->session->open_streams(), c->protected_peer, value});
    }
    for (auto& closure : manager.PlanTrim(std::move(live), Clock::now(), force_to_low_watermark)) {
      if (auto c = FindLive(closure.id)) CloseConn(c, closure.cause, std::move(closure.detail));
    }
  }

  // Whether there is no room for another connection, after trimming to make some.
  bool AtLimit() {
    if (!manager.Full(LiveCount())) return false;
    Trim(true);
    return manager.Full(LiveCount());
  }

  std::string LimitMessage() const { return fmt::format("connection limit of {} peers reached", opt().max_peers); }

  // Why an inbound connection from `ip` may not be established (empty: it may): the caps per IP
  // address and per /24 or /64 network on established inbound connections.
  std::string InboundCapExceeded(const asio::ip::address& ip) const {
    size_t same_ip = 0, same_subnet = 0;
    for (const auto& [id, c] : conns) {
      if (c->closing || !c->info.inbound) continue;
      same_ip += c->remote_ip == ip ? 1 : 0;
      same_subnet += SameSubnet(c->remote_ip, ip) ? 1 : 0;
    }
    if (opt().max_peers_per_ip != 0 && same_ip >= opt().max_peers_per_ip) {
      return fmt::format("{} connections from {} already (p2p.max_peers_per_ip)", same_ip, ip.to_string());
    }
    if (opt().max_peers_per_subnet != 0 && same_subnet >= opt().max_peers_per_subnet) {
      return fmt::format("{} connections from the {} network of {} already (p2p.max_peers_per_subnet)", same_subnet,
                         ip.is_v4() ? "/24" : "/64", ip.to_string());
    }
    return {};
  }

  // Why an accepted socket from `ip` may not start an upgrade (empty: it may).
  std::string PendingCapExceeded(const asio::ip::address& ip) const {
    if (pending_inbound >= opt().max_pending_upgrades) {
      return fmt::format("{} connections still upgrading (p2p.max_pending_upgrades)", pending_inbound);
    }
    auto it = pending_by_ip.find(ip);
    if (it != pending_by_ip.end() && it->second >= opt().max_pending_upgrades_per_ip) {
      return fmt::format("{} connections from {} still upgrading (p2p.max_pending_upgrades_per_ip)", it->second,
                         ip.to_string());
    }
    return {};
  }

  // ---- inbound ----
  Task<void> AcceptLoop(tcp::acceptor* acceptor) {
    for (;;) {
      tcp::endpoint remote;  // filled by accept() itself: known even for a peer that reset at once
      auto [ec, socket] = co_await acceptor->async_accept(remote, kUseAwaitable);
      if (stopping) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        spdlog::warn("p2p: accept failed: {}", ec.message());
        continue;
      }
      auto tcp_stream = std::make_shared<TcpStream>(std::move(socket), remote);
      std::string address = AddrOf(remote).ToString();
      // Cheapest checks first: a refused socket costs one accept and one close.
      std::string refused = PendingCapExceeded(remote.address());
      if (refused.empty()) refused = InboundCapExceeded(remote.address());
      if (refused.empty() && AtLimit()) refused = LimitMessage();
      if (!refused.empty()) {
        tcp_stream->Reset();
        Rejected(address, "", ConnectFail::kLimitReached, refused);
        continue;
      }
      Spawn(ex, HandleInbound(tcp_stream, address), "p2p inbound connection");
    }
  }

  void Rejected(const std::string& address, const std::string& peer_id, ConnectFail reason, const std::string& error) {
    // Debug only: a flood of these is summarized by the observer (the node's RejectionWindow).
    spdlog::debug("p2p: inbound connection from {} rejected ({}): {}", address, ConnectFailName(reason), error);
    if (observer) observer->OnInboundRejected(address, peer_id, reason, error);
  }

  Task<void> HandleInbound(std::shared_ptr<TcpStream> tcp_stream, std::string address) {
    const asio::ip::address ip = tcp_stream->remote_endpoint().address();
    ++pending_inbound;
    ++pending_by_ip[ip];
    auto r = co_await UpgradeConnection(ex, tcp_stream, /*inbound=*/true, std::nullopt, swarm->identity_, swarm->self_,
                                        opt().upgrade_timeout);
    --pending_inbound;
    if (auto it = pending_by_ip.find(ip); it != pending_by_ip.end() && --it->second == 0) pending_by_ip.erase(it);
    if (auto* f = std::get_if<UpgradeFailure>(&r)) {
      tcp_stream->Reset();
      Rejected(address, f->peer_id, f->reason, f->status.message());
      co_return;
    }
    auto conn = NewConn(std::get<Upgraded>(r), *tcp_stream, /*inbound=*/true);
    if (stopping) {
      conn->session->Close();
      co_return;
    }
    // The table may have filled while this one upgraded. A peer already connected is a duplicate
    // for Register to resolve, not a new slot.
    if (!FindConn(conn->info.peer)) {
      std::string refused = InboundCapExceeded(ip);
      if (refused.empty() && AtLimit()) refused = LimitMessage();
      if (!refused.empty()) {
        conn->session->Close();
        Rejected(address, conn->info.peer.ToString(), ConnectFail::kLimitReached, refused);
        co_return;
      }
    }
    Register(conn);
  }

  // Negotiates the stream's protocol among the admitted ones and hands it to its Protocol.
  Task<void> RouteInboundStream(std::shared_ptr<Conn> conn, std::shared_ptr<YamuxStream> stream) {
    Result<Negotiated> negotiated = Status::Aborted("not negotiated");
    {
      ConnectionInfo info = Snapshot(*conn);
      Deadline deadline(ex, opt().negotiation_timeout, [stream] { stream->Reset(); });
      negotiated = co_await HandleProtocol(
          *stream,
          [this, &info](std::string_view p) {
            return routes.count(std::string(p)) > 0 && (gate == nullptr || gate->Admit(info, p));
          },
          [this] { return swarm->protocols(); });
      if (deadline.expired()) {
        spdlog::debug("p2p: stream {} from {}: protocol negotiation timed out", stream->id(), conn->info.peer.ToString());
        co_return;
      }
    }
    if (!negotiated.ok()) {
      spdlog::debug("p2p: stream {} from {}: {}", stream->id(), conn->info.peer.ToString(), negotiated.status().message());
      stream->Reset();
      co_return;
    }
    stream->protocol = negotiated->protocol;
    auto it = routes.find(negotiated->protocol);
    if (it == routes.end()) {
      stream->Reset();
      co_return;
    }
    std::shared_ptr<Protocol> protocol = it->second;  // kept alive: the routes may change while it runs
    std::shared_ptr<ByteStream> s = WithLeftover(stream, std::move(negotiated->leftover));
    co_await protocol->HandleInbound(s, negotiated->protocol, Snapshot(*conn));
  }

  // ---- outbound ----
  Task<Result<ConnectionInfo>> Connect(Multiaddr address) {
    std::string text = address.ToString();
    std::optional<PeerId> expected = address.peer_id();
    std::string expected_text = expected ? expected->ToString() : "";
    auto dial_failed = [&](ConnectFail reason, const Status& status, std::string peer = {}) -> Result<ConnectionInfo> {
      if (peer.empty()) peer = expected_text;
      spdlog::warn("p2p: dial {} failed ({}): {}", text, ConnectFailName(reason), status.message());
      if (observer) observer->OnDialFailed(text, peer, reason, status.message());
      return Status(status).WithContext(fmt::format("dial {} ({})", text, ConnectFailName(reason)));
    };
    if (stopping) co_return Status::Aborted("the node is stopping");
    auto target = address.Tcp();
    if (!target.ok()) co_return dial_failed(ConnectFail::kUnreachable, target.status());
    if (expected) {
      if (*expected == swarm->self_) co_return dial_failed(ConnectFail::kSelf, Status::InvalidArgument("that is this node"));
      if (auto existing = FindConn(*expected)) co_return Snapshot(*existing);
    }
    if (AtLimit()) co_return dial_failed(ConnectFail::kLimitReached, Status::Busy(LimitMessage()));
    auto dialed = co_await DialTcp(ex, *target, opt().dial_timeout);
    if (auto* f = std::get_if<DialFailure>(&dialed)) co_return dial_failed(f->reason, f->status);
    auto tcp_stream = std::get<std::shared_ptr<TcpStream>>(dialed);
    auto r = co_await UpgradeConnection(ex, tcp_stream, /*inbound=*/false, expected, swarm->identity_, swarm->self_,
                                        opt().upgrade_timeout);
    if (auto* f = std::get_if<UpgradeFailure>(&r)) {
      tcp_stream->Reset();
      co_return dial_failed(f->reason, f->status, f->peer_id);
    }
    auto conn = NewConn(std::get<Upgraded>(r), *tcp_stream, /*inbound=*/false);
    if (stopping) {
      conn->session->Close();
      co_return Status::Aborted("the node is stopping");
    }
    if (AtLimit()) {
      conn->session->Close();
      co_return dial_failed(ConnectFail::kLimitReached, Status::Busy(LimitMessage()), conn->info.peer.ToString());
    }
    auto kept = Register(conn);
    co_return Snapshot(*kept);
  }

  Task<Result<OutboundStream>> OpenOn(std::shared_ptr<Conn> conn, std::vector<std::string> protocols) {
    auto stream = co_await conn->session->OpenStream();
    if (!stream.ok()) co_return stream.status();
    auto s = *stream;
    Deadline deadline(ex, opt().negotiation_timeout, [s] { s->Reset(); });
    auto negotiated = co_await SelectProtocol(*s, protocols);
    if (deadline.expired()) co_return Status::Aborted("protocol negotiation timed out");
    if (!negotiated.ok()) {
      s->Reset();
      co_return negotiated.status();
    }
    s->protocol = negotiated->protocol;
    co_return OutboundStream{WithLeftover(s, std::move(negotiated->leftover)), negotiated->protocol};
  }

  // ---- maintenance and bootstrap ----
  Task<void> MaintenanceLoop() {
    while (!stopping) {
      maintenance.expires_after(opt().maintenance_interval);
      co_await maintenance.async_wait(kUseAwaitable);
      if (stopping) co_return;
      Trim(false);
    }
  }

  bool BootstrapConnected() const {
    for (const auto& [id, c] : conns) {
      if (!c->closing && bootstrap_ids.count(c->info.peer)) return true;
    }
    return false;
  }

  Task<void> DialBootstrap(Multiaddr addr) {
    auto r = co_await Connect(std::move(addr));
    if (!r.ok()) co_return;
    bootstrap_ids.insert(r->peer);
    if (auto c = FindConn(r->peer)) c->protected_peer = true;
  }
};

Swarm::Swarm(Executor ex, const Signer& identity, SwarmOptions options, HostObserver* observer)
    : identity_(identity),
      self_(PeerId::FromEd25519(identity.public_key())),
      did_(self_.Did().value_or("")),
      options_(std::move(options)) {
  impl_ = std::make_unique<Impl>(this, ex, observer);  // (the conn_manager bounds low_watermark by max_peers)
  for (const auto& b : options_.bootstrap_peers) {
    if (auto id = b.peer_id()) impl_->bootstrap_ids.insert(*id);
  }
}

Swarm::~Swarm() {
  impl_->stopping = true;
  for (auto& [id, c] : impl_->conns) c->session->Close();
  impl_->conns.clear();
}

Executor Swarm::executor() const { return impl_->ex; }

Status Swarm::Listen() {
  for (const auto& addr : options_.listen_addrs) {
    auto listener = BindListener(impl_->ex, addr);
    if (!listener.ok()) return listener.status();
    impl_->bound.insert(impl_->bound.end(), listener->addrs.begin(), listener->addrs.end());
    spdlog::info("p2p: listening on {}", listener->bound.ToString());
    Spawn(impl_->ex, impl_->AcceptLoop(listener->acceptor.get()), "p2p accept loop");
    impl_->acceptors.push_back(std::move(listener->acceptor));
  }
  return Status::OK();
}

void Swarm::Start() {
  Spawn(impl_->ex, impl_->MaintenanceLoop(), "p2p maintenance");
  if (options_.bootstrap_peers.empty()) return;
  Impl* impl = impl_.get();
  BootstrapHooks hooks{
      [impl] { return impl->stopping; },
      [impl] { return impl->BootstrapConnected(); },
      [impl](Multiaddr addr) { return impl->DialBootstrap(std::move(addr)); },
  };
  Spawn(impl_->ex,
        RunBootstrap(impl_->bootstrap_timer, options_.bootstrap_peers, options_.bootstrap_backoff_initial,
                     options_.bootstrap_backoff_max, std::move(hooks)),
        "p2p bootstrap");
}

Task<void> Swarm::Shutdown() {
  impl_->stopping = true;
  for (auto& a : impl_->acceptors) {
    std::error_code ec;
    a->close(ec);
  }
  impl_->maintenance.cancel();
  impl_->bootstrap_timer.cancel();
  std::vector<std::shared_ptr<Conn>> all;
  for (auto& [id, c] : impl_->conns) all.push_back(c);
  for (auto& c : all) impl_->CloseConn(c, DisconnectCause::kShutdown, "the node is stopping");
  for (int i = 0; i < 50 && !impl_->conns.empty(); ++i) co_await impl_->all_closed.WaitFor(100ms);
}

std::vector<Multiaddr> Swarm::listen_addrs() const { return impl_->bound; }

void Swarm::AddProtocol(std::shared_ptr<Protocol> protocol) {
  for (auto& id : protocol->ids()) impl_->routes[id] = protocol;
  impl_->members.push_back(std::move(protocol));
  // A protocol whose every id was taken over no longer hears of connections.
  auto& members = impl_->members;
  members.erase(std::remove_if(members.begin(), members.end(),
                               [this](const std::shared_ptr<Protocol>& p) {
                                 for (const auto& [id, server] : impl_->routes) {
                                   if (server == p) return false;
                                 }
                                 return true;
                               }),
                members.end());
}

void Swarm::SetHandler(std::string protocol_id, StreamHandler handler) {
  AddProtocol(std::make_shared<HandlerProtocol>(std::move(protocol_id), std::move(handler)));
}

std::vector<std::string> Swarm::protocols() const {
  std::vector<std::string> out;
  for (const auto& [p, server] : impl_->routes) out.push_back(p);
  return out;
}

void Swarm::SetGate(StreamGate* gate) { impl_->gate = gate; }

void Swarm::SetValuer(PeerValuer* valuer) { impl_->valuer = valuer; }

Task<Result<ConnectionInfo>> Swarm::Connect(Multiaddr address) { return impl_->Connect(std::move(address)); }

Task<Result<OutboundStream>> Swarm::NewStream(PeerId peer, std::vector<std::string> protocols) {
  auto conn = impl_->FindConn(peer);
  if (!conn) co_return Status::NotFound("not connected to " + peer.ToString());
  co_return co_await impl_->OpenOn(conn, std::move(protocols));
}

Task<Result<OutboundStream>> Swarm::NewStreamOn(uint64_t connection_id, std::vector<std::string> protocols) {
  auto conn = impl_->FindLive(connection_id);
  if (!conn) co_return Status::NotFound(fmt::format("no connection #{}", connection_id));
  co_return co_await impl_->OpenOn(conn, std::move(protocols));
}

size_t Swarm::Disconnect(const PeerId& peer) {
  std::vector<std::shared_ptr<Conn>> matching;
  for (auto& [id, c] : impl_->conns) {
    if (c->info.peer == peer && !c->closing) matching.push_back(c);
  }
  for (auto& c : matching) impl_->CloseConn(c, DisconnectCause::kClosedLocally, "disconnected on request");
  return matching.size();
}

void Swarm::CloseConnection(uint64_t connection_id, DisconnectCause cause, std::string detail) {
  if (auto c = impl_->FindLive(connection_id)) impl_->CloseConn(c, cause, std::move(detail));
}

void Swarm::SetIdentified(uint64_t connection_id, PeerIdentity identity) {
  auto c = impl_->FindLive(connection_id);
  if (!c) return;
  c->info.identified = true;
  c->info.agent_version = std::move(identity.agent_version);
  c->info.protocol_version = std::move(identity.protocol_version);
  c->info.protocols = std::move(identity.protocols);
  c->info.listen_addrs = std::move(identity.listen_addrs);
  c->info.observed_addr = std::move(identity.observed_addr);
  spdlog::info("p2p: identified {}: {} ({} protocols)", c->info.peer.ToString(), c->info.agent_version,
               c->info.protocols.size());
  if (impl_->observer) impl_->observer->OnIdentified(impl_->Snapshot(*c));
}

std::vector<ConnectionInfo> Swarm::Connections() const {
  std::vector<ConnectionInfo> out;
  for (const auto& [id, c] : impl_->conns) {
    if (!c->closing) out.push_back(impl_->Snapshot(*c));
  }
  return out;
}

std::optional<ConnectionInfo> Swarm::Connection(const PeerId& peer) const {
  if (auto c = impl_->FindConn(peer)) return impl_->Snapshot(*c);
  return std::nullopt;
}

std::optional<ConnectionInfo> Swarm::ConnectionById(uint64_t connection_id) const {
  if (auto c = impl_->FindLive(connection_id)) return impl_->Snapshot(*c);
  return std::nullopt;
}

size_t Swarm::connection_count() const { return impl_->LiveCount(); }

}  // namespace sov::p2p
