#include "node/p2p/swarm/host.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/steady_timer.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "node/p2p/wire/identify_message.h"
#include "node/p2p/transport/multistream.h"
#include "node/p2p/transport/noise_connection.h"
#include "node/p2p/transport/tcp_stream.h"
#include "store/base/clock.h"
#include "store/base/text.h"

namespace sov::p2p {

using asio::ip::tcp;

const char* DisconnectCauseName(DisconnectCause cause) {
  switch (cause) {
    case DisconnectCause::kClosedByPeer: return "closed_by_peer";
    case DisconnectCause::kClosedLocally: return "closed_locally";
    case DisconnectCause::kError: return "error";
    case DisconnectCause::kIdleTimeout: return "idle_timeout";
    case DisconnectCause::kEvicted: return "evicted";
    case DisconnectCause::kProtocolError: return "protocol_error";
    case DisconnectCause::kFlowControl: return "flow_control";
    case DisconnectCause::kStreamLimit: return "stream_limit";
    case DisconnectCause::kKeepaliveTimeout: return "keepalive_timeout";
    case DisconnectCause::kDuplicate: return "duplicate";
    case DisconnectCause::kShutdown: return "shutdown";
    case DisconnectCause::kUnknown: break;
  }
  return "unknown";
}

const char* ConnectFailName(ConnectFail reason) {
  switch (reason) {
    case ConnectFail::kTimeout: return "timeout";
    case ConnectFail::kRefused: return "refused";
    case ConnectFail::kNegotiationFailed: return "negotiation_failed";
    case ConnectFail::kNoiseFailed: return "noise_failed";
    case ConnectFail::kPeerIdMismatch: return "peer_id_mismatch";
    case ConnectFail::kLimitReached: return "limit_reached";
    case ConnectFail::kUnreachable: return "unreachable";
    case ConnectFail::kBadSignature: return "bad_signature";
    case ConnectFail::kSelf: return "self";
    case ConnectFail::kDuplicate: return "duplicate";
    case ConnectFail::kUnknown: break;
  }
  return "unknown";
}

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

Multiaddr AddrOf(const tcp::endpoint& ep) {
  auto ma = Multiaddr::FromTcp(ep.address().to_string(), ep.port());
  return ma.ok() ? *ma : Multiaddr();
}

// This machine's addresses for a wildcard listener (loopback included).
std::vector<std::string> InterfaceAddresses(bool v6) {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* it = list; it; it = it->ifa_next) {
    if (!it->ifa_addr) continue;
    if (!v6 && it->ifa_addr->sa_family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(it->ifa_addr);
      asio::ip::address_v4::bytes_type b;
      std::memcpy(b.data(), &sin->sin_addr, 4);
      out.push_back(asio::ip::address_v4(b).to_string());
    } else if (v6 && it->ifa_addr->sa_family == AF_INET6) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(it->ifa_addr);
      asio::ip::address_v6::bytes_type b;
      std::memcpy(b.data(), &sin6->sin6_addr, 16);
      asio::ip::address_v6 a(b);
      if (!a.is_link_local()) out.push_back(a.to_string());
    }
  }
  freeifaddrs(list);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A one-element list, built outside co_await expressions: GCC 12 cannot keep an initializer_list's
// backing array in a coroutine frame ("array used as initializer").
std::vector<std::string> OneProtocol(std::string_view protocol) { return {std::string(protocol)}; }

struct UpgradeFailure {
  ConnectFail reason;
  Status status;
  std::string peer_id;  // set when the remote was authenticated before the failure
};

}  // namespace

struct Host::Conn {
  ConnectionInfo info;
  std::shared_ptr<YamuxSession> session;
  Clock::time_point opened = Clock::now();
  bool announced = false;  // OnConnected was reported
  bool closing = false;
  DisconnectCause cause = DisconnectCause::kUnknown;  // set by a local close before it happens
  std::string detail;
  size_t inbound_pings = 0;
  bool protected_peer = false;  // a bootstrap peer: not closed for idleness or trimmed
};

struct Host::Impl {
  Host* host;
  Executor ex;
  const Signer& identity;
  HostObserver* observer;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<Multiaddr> bound;
  std::map<std::string, StreamHandler> handlers;
  std::map<uint64_t, std::shared_ptr<Conn>> conns;
  uint64_t next_id = 1;
  size_t pending_inbound = 0;
  bool stopping = false;
  std::set<PeerId> bootstrap_ids;
  asio::steady_timer maintenance;
  asio::steady_timer bootstrap_timer;
  Signal all_closed;

  Impl(Host* h, Executor e, const Signer& id, HostObserver* obs)
      : host(h), ex(e), identity(id), observer(obs), maintenance(e), bootstrap_timer(e), all_closed(e) {}

  const HostOptions& opt() const { return host->options_; }

  // ---- upgrade: mss(/noise) -> noise -> mss(/yamux) ----
  Task<std::variant<std::shared_ptr<Conn>, UpgradeFailure>> Upgrade(std::shared_ptr<TcpStream> tcp, bool inbound,
                                                                    std::optional<PeerId> expected) {
    std::shared_ptr<ByteStream> raw = tcp;
    auto fail = [](ConnectFail r, Status s) { return UpgradeFailure{r, std::move(s), std::string()}; };
    auto fail_after_auth = [](ConnectFail r, Status s, const PeerId& id) {
      return UpgradeFailure{r, std::move(s), id.ToString()};
    };
    auto supported = [](std::string_view want) { return [want](std::string_view p) { return p == want; }; };
    auto single = [](std::string_view p) { return [p] { return std::vector<std::string>{std::string(p)}; }; };
    // 1. security protocol
    {
      Deadline deadline(ex, opt().negotiation_timeout, [tcp] { tcp->Reset(); });
      Result<Negotiated> r = Status::Aborted("not negotiated");
      if (inbound) {
        r = co_await HandleProtocol(*raw, supported(kNoiseProtocol), single(kNoiseProtocol));
      } else {
        r = co_await SelectProtocol(*raw, OneProtocol(kNoiseProtocol));
      }
      if (deadline.expired()) co_return fail(ConnectFail::kTimeout, Status::Aborted("security negotiation timed out"));
      if (!r.ok()) co_return fail(ConnectFail::kNegotiationFailed, r.status());
      raw = WithLeftover(raw, std::move(r->leftover));
    }
    // 2. Noise
    std::shared_ptr<NoiseConnection> secure;
    PeerId remote;
    {
      Deadline deadline(ex, opt().handshake_timeout, [tcp] { tcp->Reset(); });
      const auto role = inbound ? NoiseHandshake::Role::kResponder : NoiseHandshake::Role::kInitiator;
      auto r = co_await NoiseConnection::Handshake(raw, role, identity, expected);
      if (deadline.expired()) co_return fail(ConnectFail::kTimeout, Status::Aborted("noise handshake timed out"));
      if (auto* f = std::get_if<NoiseConnection::Failure>(&r)) {
        switch (f->error) {
          case NoiseError::kPeerIdMismatch: co_return fail(ConnectFail::kPeerIdMismatch, f->status);
          case NoiseError::kBadSignature: co_return fail(ConnectFail::kBadSignature, f->status);
          default: co_return fail(ConnectFail::kNoiseFailed, f->status);
        }
      }
      auto& up = std::get<NoiseConnection::Upgraded>(r);
      secure = up.connection;
      remote = up.remote;
    }
    if (remote == host->self_) {
      tcp->Reset();
      co_return fail_after_auth(ConnectFail::kSelf, Status::InvalidArgument("the remote is this node"), remote);
    }
    // 3. muxer
    std::shared_ptr<ByteStream> muxed = secure;
    {
      Deadline deadline(ex, opt().negotiation_timeout, [tcp] { tcp->Reset(); });
      Result<Negotiated> r = Status::Aborted("not negotiated");
      if (inbound) {
        r = co_await HandleProtocol(*secure, supported(kYamuxProtocol), single(kYamuxProtocol));
      } else {
        r = co_await SelectProtocol(*secure, OneProtocol(kYamuxProtocol));
      }
      if (deadline.expired()) {
        co_return fail_after_auth(ConnectFail::kTimeout, Status::Aborted("muxer negotiation timed out"), remote);
      }
      if (!r.ok()) co_return fail_after_auth(ConnectFail::kNegotiationFailed, r.status(), remote);
      muxed = WithLeftover(secure, std::move(r->leftover));
    }
    auto conn = std::make_shared<Conn>();
    conn->info.id = next_id++;
    conn->info.peer = remote;
    conn->info.did = remote.Did().value_or("");
    conn->info.remote_addr = AddrOf(tcp->remote_endpoint());
    conn->info.inbound = inbound;
    conn->info.opened_at_ns = WallClockNs();
    conn->protected_peer = bootstrap_ids.count(remote) > 0;
    conn->session = YamuxSession::Create(ex, muxed, inbound ? YamuxSession::Role::kServer : YamuxSession::Role::kClient,
                                         opt().yamux);
    co_return conn;
  }

  // ---- registration, duplicates, limits ----
  std::shared_ptr<Conn> FindConn(const PeerId& peer) const {
    for (const auto& [id, c] : conns) {
      if (c->info.peer == peer && !c->closing) return c;
    }
    return nullptr;
  }

  // Which of two connections to one peer both ends keep: the one dialled by the smaller peer id;
  // between two dialled the same way, the older one.
  bool KeepNew(const Conn& existing, const Conn& fresh) const {
    if (existing.info.inbound == fresh.info.inbound) return false;
    const PeerId& dialer_of_fresh = fresh.info.inbound ? fresh.info.peer : host->self_;
    const PeerId& dialer_of_existing = existing.info.inbound ? existing.info.peer : host->self_;
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
          if (auto conn = weak.lock()) Spawn(ex, HandleInboundStream(conn, std::move(stream)), "p2p inbound stream");
        },
        [this, weak](YamuxEnd end, const Status& why) {
          if (auto conn = weak.lock()) OnSessionClosed(conn, end, why);
        });
    c->announced = true;
    spdlog::info("p2p: connected {} {} ({})", c->info.inbound ? "from" : "to", c->info.peer.ToString(),
                 c->info.remote_addr.ToString());
    if (observer) observer->OnConnected(Snapshot(*c));
    Spawn(ex, RunIdentify(c), "p2p identify");
    return c;
  }

  void OnSessionClosed(const std::shared_ptr<Conn>& c, YamuxEnd end, const Status& why) {
    if (conns.erase(c->info.id) == 0) return;
    DisconnectCause cause = c->closing && c->cause != DisconnectCause::kUnknown ? c->cause : CauseOf(end);
    std::string detail = c->closing && !c->detail.empty() ? c->detail : why.message();
    c->closing = true;
    spdlog::info("p2p: disconnected {} ({}: {})", c->info.peer.ToString(), DisconnectCauseName(cause), detail);
    if (c->announced && observer) observer->OnDisconnected(Snapshot(*c), cause, detail);
    if (conns.empty()) all_closed.Notify();
  }

  ConnectionInfo Snapshot(const Conn& c) const {
    ConnectionInfo info = c.info;
    info.open_streams = c.session ? c.session->open_streams() : 0;
    return info;
  }

  // Closes idle connections: past idle_timeout always; past trim_grace while above the low
  // watermark once max_peers is reached. Returns how many were closed.
  size_t Trim(bool force_to_low_watermark) {
    auto now = Clock::now();
    size_t closed = 0;
    std::vector<std::shared_ptr<Conn>> idle;
    for (auto& [id, c] : conns) {
      if (c->closing || c->protected_peer || c->session->open_streams() != 0) continue;
      auto quiet = now - std::max(c->session->last_activity(), c->opened);
      if (opt().idle_timeout.count() > 0 && quiet >= opt().idle_timeout) {
        CloseConn(c, DisconnectCause::kIdleTimeout,
                  fmt::format("no stream for {} s", std::chrono::duration_cast<std::chrono::seconds>(quiet).count()));
        ++closed;
      } else if (now - c->opened >= opt().trim_grace) {
        idle.push_back(c);
      }
    }
    size_t live = LiveCount();
    if (force_to_low_watermark || live >= opt().max_peers) {
      std::sort(idle.begin(), idle.end(), [](const auto& a, const auto& b) {
        return a->session->last_activity() < b->session->last_activity();
      });
      for (auto& c : idle) {
        if (LiveCount() <= opt().low_watermark) break;
        CloseConn(c, DisconnectCause::kEvicted,
                  fmt::format("trimmed to the low watermark of {} connections", opt().low_watermark));
        ++closed;
      }
    }
    return closed;
  }

  size_t LiveCount() const {
    size_t n = 0;
    for (const auto& [id, c] : conns) n += c->closing ? 0 : 1;
    return n;
  }

  bool AtLimit() {
    if (LiveCount() + pending_inbound < opt().max_peers) return false;
    Trim(true);
    return LiveCount() + pending_inbound >= opt().max_peers;
  }

  // ---- inbound ----
  Task<void> AcceptLoop(tcp::acceptor* acceptor) {
    for (;;) {
      auto [ec, socket] = co_await acceptor->async_accept(kUseAwaitable);
      if (stopping) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        spdlog::warn("p2p: accept failed: {}", ec.message());
        continue;
      }
      auto tcp_stream = std::make_shared<TcpStream>(std::move(socket));
      std::string address = AddrOf(tcp_stream->remote_endpoint()).ToString();
      if (AtLimit()) {
        tcp_stream->Reset();
        Rejected(address, "", ConnectFail::kLimitReached,
                 fmt::format("connection limit of {} peers reached", opt().max_peers));
        continue;
      }
      Spawn(ex, HandleInbound(tcp_stream, address), "p2p inbound connection");
    }
  }

  void Rejected(const std::string& address, const std::string& peer_id, ConnectFail reason, const std::string& error) {
    spdlog::warn("p2p: inbound connection from {} rejected ({}): {}", address, ConnectFailName(reason), error);
    if (observer) observer->OnInboundRejected(address, peer_id, reason, error);
  }

  Task<void> HandleInbound(std::shared_ptr<TcpStream> tcp_stream, std::string address) {
    ++pending_inbound;
    auto r = co_await Upgrade(tcp_stream, /*inbound=*/true, std::nullopt);
    --pending_inbound;
    if (auto* f = std::get_if<UpgradeFailure>(&r)) {
      tcp_stream->Reset();
      Rejected(address, f->peer_id, f->reason, f->status.message());
      co_return;
    }
    auto conn = std::get<std::shared_ptr<Conn>>(r);
    if (stopping) {
      conn->session->Close();
      co_return;
    }
    Register(conn);
  }

  Task<void> HandleInboundStream(std::shared_ptr<Conn> conn, std::shared_ptr<YamuxStream> stream) {
    Result<Negotiated> negotiated = Status::Aborted("not negotiated");
    {
      Deadline deadline(ex, opt().negotiation_timeout, [stream] { stream->Reset(); });
      negotiated = co_await HandleProtocol(
          *stream, [this](std::string_view p) { return handlers.count(std::string(p)) > 0; },
          [this] { return host->protocols(); });
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
    auto it = handlers.find(negotiated->protocol);
    if (it == handlers.end()) {
      stream->Reset();
      co_return;
    }
    StreamHandler handler = it->second;  // a copy: the map may change while it runs
    std::shared_ptr<ByteStream> s = WithLeftover(stream, std::move(negotiated->leftover));
    co_await handler(s, Snapshot(*conn));
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
      if (*expected == host->self_) co_return dial_failed(ConnectFail::kSelf, Status::InvalidArgument("that is this node"));
      if (auto existing = FindConn(*expected)) co_return Snapshot(*existing);
    }
    if (AtLimit()) {
      co_return dial_failed(ConnectFail::kLimitReached,
                            Status::Busy(fmt::format("connection limit of {} peers reached", opt().max_peers)));
    }
    tcp::socket socket(ex);
    {
      bool timed_out = false;
      tcp::resolver resolver(ex);
      Deadline deadline(ex, opt().dial_timeout, [&] {
        timed_out = true;
        resolver.cancel();
        std::error_code ignored;
        socket.close(ignored);
      });
      auto flags = tcp::resolver::numeric_service;
      if (target->host_protocol == MultiaddrProtocol::kIp4 || target->host_protocol == MultiaddrProtocol::kIp6) {
        flags |= tcp::resolver::numeric_host;
      }
      auto [rec, endpoints] = co_await resolver.async_resolve(target->host, std::to_string(target->port), flags,
                                                              kUseAwaitable);
      if (timed_out) co_return dial_failed(ConnectFail::kTimeout, Status::Aborted("timed out resolving the address"));
      if (rec) co_return dial_failed(ConnectFail::kUnreachable, Status::IOError("resolve: " + rec.message()));
      std::vector<tcp::endpoint> candidates;
      for (const auto& e : endpoints) {
        bool v4 = e.endpoint().address().is_v4();
        if (target->host_protocol == MultiaddrProtocol::kDns4 && !v4) continue;
        if (target->host_protocol == MultiaddrProtocol::kDns6 && v4) continue;
        candidates.push_back(e.endpoint());
      }
      if (candidates.empty()) co_return dial_failed(ConnectFail::kUnreachable, Status::IOError("no address to dial"));
      auto [cec, ep] = co_await asio::async_connect(socket, candidates, kUseAwaitable);
      if (timed_out) co_return dial_failed(ConnectFail::kTimeout, Status::Aborted("timed out connecting"));
      if (cec == asio::error::connection_refused) {
        co_return dial_failed(ConnectFail::kRefused, Status::IOError("connection refused"));
      }
      if (cec) co_return dial_failed(ConnectFail::kUnreachable, Status::IOError("connect: " + cec.message()));
    }
    auto tcp_stream = std::make_shared<TcpStream>(std::move(socket));
    auto r = co_await Upgrade(tcp_stream, /*inbound=*/false, expected);
    if (auto* f = std::get_if<UpgradeFailure>(&r)) {
      tcp_stream->Reset();
      co_return dial_failed(f->reason, f->status, f->peer_id);
    }
    auto conn = std::get<std::shared_ptr<Conn>>(r);
    if (stopping) {
      conn->session->Close();
      co_return Status::Aborted("the node is stopping");
    }
    if (AtLimit()) {
      conn->session->Close();
      co_return dial_failed(ConnectFail::kLimitReached,
                            Status::Busy(fmt::format("connection limit of {} peers reached", opt().max_peers)),
                            conn->info.peer.ToString());
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

  // ---- identify ----
  IdentifyMessage OwnIdentify(const Conn& conn) const {
    IdentifyMessage m;
    m.protocol_version = opt().protocol_version;
    m.agent_version = opt().agent_version;
    m.public_key = EncodeEd25519PublicKey(identity.public_key());
    for (const auto& a : host->listen_addrs()) m.listen_addrs.push_back(a.ToBytes());
    m.observed_addr = conn.info.remote_addr.ToBytes();
    m.protocols = host->protocols();
    return m;
  }

  Task<void> RunIdentify(std::shared_ptr<Conn> conn) {
    auto opened = co_await OpenOn(conn, OneProtocol(kIdentifyProtocol));
    if (!opened.ok()) {
      spdlog::debug("p2p: identify {}: {}", conn->info.peer.ToString(), opened.status().message());
      co_return;
    }
    auto stream = opened->stream;
    Result<std::string> bytes = Status::Aborted("no identify message");
    {
      Deadline deadline(ex, opt().identify_timeout, [stream] { stream->Reset(); });
      bytes = co_await ReadLengthPrefixed(*stream, kMaxIdentifyMessage, "identify");
      if (bytes.ok()) (void)(co_await stream->CloseWrite());  // reset just below either way
    }
    stream->Reset();
    if (!bytes.ok()) {
      spdlog::info("p2p: identify {} failed: {}", conn->info.peer.ToString(), bytes.status().message());
      co_return;
    }
    auto message = DecodeIdentify(*bytes);
    if (!message.ok()) {
      CloseConn(conn, DisconnectCause::kProtocolError, message.status().message());
      co_return;
    }
    auto key = DecodePublicKey(message->public_key);
    if (!key.ok() || PeerId::FromPublicKey(*key) != conn->info.peer) {
      CloseConn(conn, DisconnectCause::kProtocolError, "identify: the public key is not the connection's peer");
      co_return;
    }
    conn->info.identified = true;
    conn->info.agent_version = message->agent_version.substr(0, 256);
    conn->info.protocol_version = message->protocol_version.substr(0, 256);
    conn->info.protocols = message->protocols;
    std::sort(conn->info.protocols.begin(), conn->info.protocols.end());
    conn->info.listen_addrs.clear();
    for (const auto& b : message->listen_addrs) {
      if (auto a = Multiaddr::FromBytes(b); a.ok()) conn->info.listen_addrs.push_back(*a);
    }
    if (auto o = Multiaddr::FromBytes(message->observed_addr); o.ok()) conn->info.observed_addr = *o;
    if (conn->closing) co_return;
    spdlog::info("p2p: identified {}: {} ({} protocols)", conn->info.peer.ToString(), conn->info.agent_version,
                 conn->info.protocols.size());
    if (observer) observer->OnIdentified(Snapshot(*conn));
  }

  Task<void> ServeIdentify(std::shared_ptr<ByteStream> stream, ConnectionInfo peer) {
    auto c = conns.find(peer.id);
    if (c == conns.end()) co_return;
    if (Status s = co_await WriteLengthPrefixed(*stream, EncodeIdentify(OwnIdentify(*c->second))); !s.ok()) co_return;
    (void)(co_await stream->CloseWrite());  // the stream ends here either way
    char drain[256];
    Deadline deadline(ex, opt().identify_timeout, [stream] { stream->Reset(); });
    while (true) {  // wait for the opener to close (bounded by the deadline)
      auto n = co_await stream->ReadSome(std::span<char>(drain, sizeof drain));
      if (!n.ok() || *n == 0) break;
    }
  }

  // ---- ping ----
  Task<void> ServePing(std::shared_ptr<ByteStream> stream, ConnectionInfo peer) {
    auto c = conns.find(peer.id);
    if (c == conns.end()) co_return;
    auto conn = c->second;
    if (conn->inbound_pings >= opt().max_inbound_ping_streams) {
      stream->Reset();
      co_return;
    }
    ++conn->inbound_pings;
    for (;;) {
      auto payload = co_await ReadExact(*stream, 32, "ping");
      if (!payload.ok()) break;  // the client closed (or broke) the stream
      if (!(co_await stream->Write(*payload)).ok()) break;
    }
    (void)(co_await stream->CloseWrite());  // the stream ends here either way
    --conn->inbound_pings;
  }

  // ---- echo: everything read is written back; the write side closes after the reader's ----
  static Task<void> ServeEcho(std::shared_ptr<ByteStream> stream, ConnectionInfo) {
    std::string buffer(64 * 1024, '\0');
    for (;;) {
      auto n = co_await stream->ReadSome(std::span<char>(buffer.data(), buffer.size()));
      if (!n.ok()) co_return;
      if (*n == 0) break;
      if (!(co_await stream->Write(std::string_view(buffer.data(), *n))).ok()) co_return;
    }
    (void)(co_await stream->CloseWrite());  // the stream ends here either way
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

  Task<void> BootstrapLoop() {
    auto backoff = opt().bootstrap_backoff_initial;
    while (!stopping) {
      if (!BootstrapConnected()) {
        for (const auto& addr : opt().bootstrap_peers) {
          if (stopping) co_return;
          auto r = co_await Connect(addr);
          if (r.ok()) {
            bootstrap_ids.insert(r->peer);
            if (auto c = FindConn(r->peer)) c->protected_peer = true;
          }
        }
        if (BootstrapConnected()) {
          backoff = opt().bootstrap_backoff_initial;
        } else {
          backoff = std::min(backoff * 2, opt().bootstrap_backoff_max);
          spdlog::info("p2p: no bootstrap peer connected; retrying in {} ms",
                       std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count());
        }
      }
      bootstrap_timer.expires_after(backoff);
      co_await bootstrap_timer.async_wait(kUseAwaitable);
    }
  }
};

Host::Host(Executor ex, const Signer& identity, HostOptions options, HostObserver* observer)
    : self_(PeerId::FromEd25519(identity.public_key())), did_(self_.Did().value_or("")), options_(std::move(options)) {
  if (options_.low_watermark > options_.max_peers) options_.low_watermark = options_.max_peers;
  impl_ = std::make_unique<Impl>(this, ex, identity, observer);
  for (const auto& b : options_.bootstrap_peers) {
    if (auto id = b.peer_id()) impl_->bootstrap_ids.insert(*id);
  }
  SetHandler(std::string(kIdentifyProtocol), [impl = impl_.get()](std::shared_ptr<ByteStream> s, ConnectionInfo peer) {
    return impl->ServeIdentify(std::move(s), std::move(peer));
  });
  SetHandler(std::string(kPingProtocol), [impl = impl_.get()](std::shared_ptr<ByteStream> s, ConnectionInfo peer) {
    return impl->ServePing(std::move(s), std::move(peer));
  });
  if (options_.echo) SetHandler(std::string(kEchoProtocol), &Impl::ServeEcho);
}

Host::~Host() {
  impl_->stopping = true;
  for (auto& [id, c] : impl_->conns) c->session->Close();
  impl_->conns.clear();
}

Status Host::Listen() {
  for (const auto& addr : options_.listen_addrs) {
    auto target = addr.Tcp();
    if (!target.ok()) return target.status().WithContext("listen");
    if (target->host_protocol != MultiaddrProtocol::kIp4 && target->host_protocol != MultiaddrProtocol::kIp6) {
      return Status::InvalidArgument(fmt::format("listen {}: only ip4 and ip6 addresses can be listened on", addr.ToString()));
    }
    std::error_code ec;
    auto ip = asio::ip::make_address(target->host, ec);
    if (ec) return Status::InvalidArgument(fmt::format("listen {}: {}", addr.ToString(), ec.message()));
    auto acceptor = std::make_unique<tcp::acceptor>(impl_->ex);
    tcp::endpoint endpoint(ip, target->port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && ip.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IOError(fmt::format("listen {}: {}", addr.ToString(), ec.message()));
    auto bound = acceptor->local_endpoint(ec);
    if (ip.is_unspecified()) {
      for (const auto& local : InterfaceAddresses(ip.is_v6())) {
        if (auto ma = Multiaddr::FromTcp(local, bound.port()); ma.ok()) impl_->bound.push_back(*ma);
      }
    } else {
      impl_->bound.push_back(AddrOf(bound));
    }
    spdlog::info("p2p: listening on {}", AddrOf(bound).ToString());
    Spawn(impl_->ex, impl_->AcceptLoop(acceptor.get()), "p2p accept loop");
    impl_->acceptors.push_back(std::move(acceptor));
  }
  return Status::OK();
}

void Host::Start() {
  Spawn(impl_->ex, impl_->MaintenanceLoop(), "p2p maintenance");
  if (!options_.bootstrap_peers.empty()) Spawn(impl_->ex, impl_->BootstrapLoop(), "p2p bootstrap");
}

Task<void> Host::Shutdown() {
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

std::vector<Multiaddr> Host::listen_addrs() const { return impl_->bound; }

void Host::SetHandler(std::string protocol, StreamHandler handler) { impl_->handlers[std::move(protocol)] = std::move(handler); }

std::vector<std::string> Host::protocols() const {
  std::vector<std::string> out;
  for (const auto& [p, h] : impl_->handlers) out.push_back(p);
  return out;
}

Task<Result<ConnectionInfo>> Host::Connect(Multiaddr address) { return impl_->Connect(std::move(address)); }

Task<Result<OutboundStream>> Host::NewStream(PeerId peer, std::vector<std::string> protocols) {
  auto conn = impl_->FindConn(peer);
  if (!conn) co_return Status::NotFound("not connected to " + peer.ToString());
  co_return co_await impl_->OpenOn(conn, std::move(protocols));
}

Task<Result<std::chrono::nanoseconds>> Host::Ping(PeerId peer) {
  auto opened = co_await NewStream(peer, OneProtocol(kPingProtocol));
  if (!opened.ok()) co_return opened.status();
  auto stream = opened->stream;
  std::string payload(32, '\0');
  randombytes_buf(payload.data(), payload.size());
  Deadline deadline(impl_->ex, options_.negotiation_timeout, [stream] { stream->Reset(); });
  auto start = Clock::now();
  if (Status s = co_await stream->Write(payload); !s.ok()) co_return s.WithContext("ping");
  auto echo = co_await ReadExact(*stream, 32, "ping");
  auto rtt = Clock::now() - start;
  (void)(co_await stream->CloseWrite());  // the stream ends here either way
  stream->Reset();
  if (deadline.expired()) co_return Status::Aborted("ping: no answer in time");
  if (!echo.ok()) co_return echo.status();
  if (*echo != payload) co_return Status::Corruption("ping: the peer echoed different bytes");
  co_return std::chrono::duration_cast<std::chrono::nanoseconds>(rtt);
}

size_t Host::Disconnect(const PeerId& peer) {
  std::vector<std::shared_ptr<Conn>> matching;
  for (auto& [id, c] : impl_->conns) {
    if (c->info.peer == peer && !c->closing) matching.push_back(c);
  }
  for (auto& c : matching) impl_->CloseConn(c, DisconnectCause::kClosedLocally, "disconnected on request");
  return matching.size();
}

std::vector<ConnectionInfo> Host::Connections() const {
  std::vector<ConnectionInfo> out;
  for (const auto& [id, c] : impl_->conns) {
    if (!c->closing) out.push_back(impl_->Snapshot(*c));
  }
  return out;
}

std::optional<ConnectionInfo> Host::Connection(const PeerId& peer) const {
  if (auto c = impl_->FindConn(peer)) return impl_->Snapshot(*c);
  return std::nullopt;
}

size_t Host::connection_count() const { return impl_->LiveCount(); }

}  // namespace sov::p2p
