#include "node/node.h"

#include <sys/stat.h>

#include <asio/io_context.hpp>
#include <filesystem>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "node/gateway/control/control_server.h"
#include "node/event_recorder.h"
#include "node/identity/keystore.h"
#include "node/network_events.h"
#include "node/peer_valuer.h"
#include "node/p2p/protocols/host.h"
#include "pipeline/event_store.h"
#include "store/base/crypto.h"

namespace sov::node {

using nlohmann::json;
using p2p::Task;

namespace {

json Texts(const std::vector<p2p::Multiaddr>& addrs) {
  json out = json::array();
  for (const auto& a : addrs) out.push_back(a.ToString());
  return out;
}

json ConnectionJson(const p2p::ConnectionInfo& c) {
  return {{"peerId", c.peer.ToString()},   {"did", c.did},
          {"address", c.remote_addr.ToString()}, {"direction", c.inbound ? "inbound" : "outbound"},
          {"openedAtNs", c.opened_at_ns},  {"streams", c.open_streams},
          {"identified", c.identified},    {"agentVersion", c.agent_version},
          {"protocolVersion", c.protocol_version}, {"protocols", c.protocols},
          {"listenAddrs", Texts(c.listen_addrs)}, {"observedAddr", c.observed_addr.ToString()}};
}

json Error(const std::string& message) { return control::ErrorResponse(message); }

// A peer named by peer id or by did:key.
Result<identity::PeerId> ParsePeer(const std::string& text) { return identity::PeerId::ParsePeerOrDid(text); }

}  // namespace

struct Node::Impl {
  NodeOptions options;
  std::unique_ptr<identity::Keystore> key;
  std::unique_ptr<pipeline::EventStore> store;
  std::unique_ptr<EventRecorder> recorder;
  std::unique_ptr<NetworkEvents> events;
  std::unique_ptr<ReputationValuer> valuer;
  asio::io_context io{1};
  std::unique_ptr<p2p::Host> host;
  std::unique_ptr<ControlServer> control;
  std::string stop_reason = "stopped";
  bool stopping = false;
  int64_t started_at_ns = 0;

  p2p::HostOptions HostOptionsFromConfig() const {
    const Config& c = options.config;
    p2p::HostOptions h;
    const auto& listen = options.listen_override.empty() ? c.p2p_listen : options.listen_override;
    for (const auto& text : listen) h.listen_addrs.push_back(*p2p::Multiaddr::Parse(text));
    for (const auto& text : c.p2p_bootstrap) h.bootstrap_peers.push_back(*p2p::Multiaddr::Parse(text));
    h.agent_version = "sov/" + options.version;
    h.max_peers = c.p2p_max_peers;
    h.low_watermark = c.p2p_low_watermark;
    h.max_pending_upgrades = c.p2p_max_pending_upgrades;
    h.max_pending_upgrades_per_ip = c.p2p_max_pending_upgrades_per_ip;
    h.max_peers_per_ip = c.p2p_max_peers_per_ip;
    h.max_peers_per_subnet = c.p2p_max_peers_per_subnet;
    h.dial_timeout = std::chrono::milliseconds(c.p2p_dial_timeout_ms);
    h.negotiation_timeout = std::chrono::milliseconds(c.p2p_negotiation_timeout_ms);
    h.upgrade_timeout = std::chrono::milliseconds(c.p2p_upgrade_timeout_ms);
    h.idle_timeout = std::chrono::seconds(c.p2p_idle_timeout_s);
    h.yamux.max_inbound_streams = c.p2p_max_streams;
    h.echo = c.p2p_echo;
    return h;
  }

  json StatusJson() const {
    return {{"ok", true},
            {"peerId", host->peer_id().ToString()},
            {"did", key->did()},
            {"version", options.version},
            {"listenAddrs", Texts(host->listen_addrs())},
            {"connectedPeers", host->connection_count()},
            {"maxPeers", host->options().max_peers},
            {"lowWatermark", host->options().low_watermark},
            {"protocols", host->protocols()},
            {"startedAtNs", started_at_ns},
            {"eventsRecorded", recorder->recorded()},
            {"features",
             {{"tcp", true}, {"noise", true}, {"yamux", true}, {"identify", true}, {"ping", true},
              {"quic", false}, {"relay", false}, {"mdns", false}, {"dht", false}, {"pubsub", false},
              {"handshake", false}, {"firewall", false}, {"paygate", false}}}};
  }

  // The control commands (their fields are declared in node/gateway/control/commands.h); requests
  // reach a handler only after their fields were checked against the command's spec.
  control::CommandRegistry Commands() {
    control::CommandRegistry r;
    auto add = [&r](const control::CommandSpec& spec, control::CommandRegistry::Handler h) {
      Status s = r.Add(spec, std::move(h));
      if (!s.ok()) spdlog::critical("node: {}", s.message());
    };
    add(control::kStatus, [this](const json&) -> Task<json> { co_return StatusJson(); });
    add(control::kIdentity, [this](const json&) -> Task<json> {
      co_return json{{"ok", true}, {"peerId", host->peer_id().ToString()}, {"did", key->did()},
                     {"keyFile", options.home.key()}, {"listenAddrs", Texts(host->listen_addrs())}};
    });
    add(control::kPeers, [this](const json&) -> Task<json> {
      json peers = json::array();
      for (const auto& c : host->Connections()) peers.push_back(ConnectionJson(c));
      co_return json{{"ok", true}, {"peers", peers}};
    });
    add(control::kConnect, [this](const json& request) -> Task<json> {
      auto addr = p2p::Multiaddr::Parse(request["addr"].get<std::string>());
      if (!addr.ok()) co_return Error(addr.status().message());
      auto r = co_await host->Connect(*addr);
      if (!r.ok()) co_return Error(r.status().message());
      co_return json{{"ok", true}, {"peer", ConnectionJson(*r)}};
    });
    add(control::kDisconnect, [this](const json& request) -> Task<json> {
      auto peer = ParsePeer(request["peer"].get<std::string>());
      if (!peer.ok()) co_return Error(peer.status().message());
      size_t n = host->Disconnect(*peer);
      if (n == 0) co_return Error("not connected to " + peer->ToString());
      co_return json{{"ok", true}, {"peerId", peer->ToString()}, {"closed", n}};
    });
    add(control::kPing, [this](const json& request) -> Task<json> {
      auto peer = ParsePeer(request["peer"].get<std::string>());
      if (!peer.ok()) co_return Error(peer.status().message());
      auto rtt = co_await host->Ping(*peer);
      if (!rtt.ok()) co_return Error(rtt.status().message());
      co_return json{{"ok", true}, {"peerId", peer->ToString()}, {"rttNs", rtt->count()}};
    });
    add(control::kStop, [this](const json&) -> Task<json> {
      asio::post(io, [this] { BeginStop("stopped by control request"); });
      co_return json{{"ok", true}};
    });
    return r;
  }

  // Records the summaries of ended rejection windows, once a second until the node stops.
  Task<void> FlushRejectionsLoop() {
    asio::steady_timer timer(io);
    while (!stopping) {
      timer.expires_after(std::chrono::seconds(1));
      co_await timer.async_wait(p2p::kUseAwaitable);
      if (!stopping) events->FlushRejections();
    }
  }

  void BeginStop(std::string reason) {
    if (stopping) return;
    stopping = true;
    stop_reason = std::move(reason);
    p2p::Spawn(io.get_executor(), StopSequence(), "node stop");
  }

  Task<void> StopSequence() {
    spdlog::info("node: stopping ({})", stop_reason);
    if (control) control->Close();
    co_await host->Shutdown();
    events->NodeStopped(stop_reason);
    io.stop();
  }
};

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Node::~Node() {
  if (impl_->recorder) (void)impl_->recorder->Close();
  impl_->host.reset();
  impl_->control.reset();
  if (impl_->store) (void)impl_->store->Close();
}

Result<std::unique_ptr<Node>> Node::Open(NodeOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  const HomeLayout& home = impl->options.home;
  for (const auto& text : impl->options.listen_override) {
    auto ma = p2p::Multiaddr::Parse(text);
    if (!ma.ok()) return ma.status().WithContext("--listen");
  }
  if (impl->options.create_if_missing && !std::filesystem::exists(home.key())) {
    std::error_code ec;
    std::filesystem::create_directories(home.home, ec);
    if (ec) return Status::IOError("creating " + home.home + ": " + ec.message());
    ::chmod(home.home.c_str(), 0700);
    auto created = identity::Keystore::Create(home.key());
    if (!created.ok()) return created.status();
    spdlog::info("node: new home at {} (key {})", home.home, home.key());
  }
  auto key = identity::Keystore::Load(home.key());
  if (!key.ok()) return key.status();
  impl->key = std::move(*key);
  // A listen address may name this node (/p2p/<own id>), never another one.
  const auto own = identity::PeerId::FromEd25519(impl->key->public_key());
  const std::vector<const std::vector<std::string>*> listen_lists = {&impl->options.listen_override,
                                                                     &impl->options.config.p2p_listen};
  for (const auto* list : listen_lists) {
    for (const auto& text : *list) {
      auto ma = p2p::Multiaddr::Parse(text);
      if (!ma.ok()) return ma.status().WithContext("p2p.listen");
      if (auto id = ma->peer_id(); id && *id != own) {
        return Status::InvalidArgument(fmt::format("listen address {} names peer {}, but this node is {}", text,
                                                   id->ToString(), own.ToString()));
      }
    }
  }
  pipeline::StoreOptions so;
  so.create_if_missing = impl->options.create_if_missing;
  so.log = impl->options.config.ToLogOptions(impl->key.get());
  so.write_buffer_bytes = impl->options.config.store_write_buffer_mb << 20;
  auto store = pipeline::EventStore::Open(home.db(), so);
  if (!store.ok()) return store.status();
  impl->store = std::move(*store);
  Impl* raw = impl.get();
  impl->recorder = std::make_unique<EventRecorder>(impl->store.get(), [raw](const sov::Status& s) {
    spdlog::critical("node: the log failed, stopping: {}", s.message());
    asio::post(raw->io, [raw] { raw->BeginStop("the log failed"); });
  });
  impl->events = std::make_unique<NetworkEvents>(impl->recorder.get(), impl->key->did());
  impl->host = std::make_unique<p2p::Host>(impl->io.get_executor(), *impl->key, impl->HostOptionsFromConfig(),
                                           impl->events.get());
  // Trimming keeps the peers with the better reputation longer.
  impl->valuer = std::make_unique<ReputationValuer>(impl->store->db());
  impl->host->SetValuer(impl->valuer.get());
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

Status Node::Run() {
  Impl& n = *impl_;
  SOV_RETURN_IF_ERROR(n.host->Listen());
  n.control = std::make_unique<ControlServer>(n.io.get_executor(), n.options.home.control_socket(), n.Commands());
  SOV_RETURN_IF_ERROR(n.control->Start());
  n.started_at_ns = WallClockNs();
  std::vector<std::string> listen;
  for (const auto& a : n.host->listen_addrs()) listen.push_back(a.ToString());
  n.events->NodeStarted(n.host->peer_id().ToString(), n.options.version, listen);
  spdlog::info("node: {} ({}) running; control socket {}", n.host->peer_id().ToString(), n.key->did(),
               n.options.home.control_socket());
  n.host->Start();
  p2p::Spawn(n.io.get_executor(), n.FlushRejectionsLoop(), "node rejection summaries");
  asio::signal_set signals(n.io);
  if (n.options.handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&n](std::error_code ec, int signo) {
      if (!ec) n.BeginStop(signo == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
    });
  }
  n.io.run();
  std::error_code ignored;
  signals.cancel(ignored);
  // Let every coroutine that was woken by the shutdown finish before the host goes away.
  n.io.restart();
  n.io.run_for(std::chrono::milliseconds(200));
  n.host.reset();
  n.control.reset();
  sov::Status recorded = n.recorder->Close();
  sov::Status closed = n.store->Close();  // appends the final signed checkpoint
  n.store.reset();
  if (!recorded.ok()) return recorded;
  if (!closed.ok()) return closed;
  spdlog::info("node: stopped ({})", n.stop_reason);
  return sov::Status::OK();
}

void Node::Stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->BeginStop("stopped"); });
}

}  // namespace sov::node
