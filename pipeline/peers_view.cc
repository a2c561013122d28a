#include "pipeline/peers_view.h"

#include <algorithm>

#include "events_generated.h"
#include "pipeline/view_codec.h"
#include "store/base/text.h"
#include "views_generated.h"

namespace sov::pipeline {

namespace {

using StringVector = flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>;

std::vector<std::string> Strings(const StringVector* v) {
  std::vector<std::string> out;
  if (v != nullptr) {
    for (const auto* s : *v) out.push_back(Str(s));
  }
  return out;
}

// Keys starting with byte 0 (the checkpoint) or 1 (the connected set) are not peers.
bool IsPeerKey(std::string_view key) { return !key.empty() && key[0] != '\0' && key[0] != '\x01'; }

// Appends `address` unless empty, too long or already known, then drops the oldest beyond the bound.
void AddAddress(std::vector<std::string>& addresses, const std::string& address) {
  if (address.empty() || address.size() > kMaxPeerTextBytes) return;
  if (std::find(addresses.begin(), addresses.end(), address) != addresses.end()) return;
  addresses.push_back(address);
  if (addresses.size() > kMaxPeerAddresses) {
    addresses.erase(addresses.begin(), addresses.end() - static_cast<std::ptrdiff_t>(kMaxPeerAddresses));
  }
}

PeerInfo FromRecord(const fb::PeerRecord& r) {
  PeerInfo p;
  p.peer_did = Str(r.peer_did());
  p.peer_id = Str(r.peer_id());
  p.addresses = Strings(r.addresses());
  p.name = Str(r.name());
  p.description = Str(r.description());
  p.capabilities = Strings(r.capabilities());
  p.connected = r.connected();
  p.connections = r.connections();
  p.handshakes = r.handshakes();
  p.handshake_denials = r.handshake_denials();
  p.first_seen_ns = r.first_seen_ns();
  p.last_seen_ns = r.last_seen_ns();
  p.card_received_at_ns = r.card_received_at_ns();
  p.agent_version = Str(r.agent_version());
  p.protocol_version = Str(r.protocol_version());
  p.protocols = Strings(r.protocols());
  p.observed_addr = Str(r.observed_addr());
  p.identified_at_ns = r.identified_at_ns();
  p.disconnects = r.disconnects();
  if (p.disconnects > 0) p.last_disconnect_reason = SnakeCase(fb::EnumNameDisconnectReason(r.last_disconnect_reason()));
  p.last_disconnect_detail = Str(r.last_disconnect_detail());
  return p;
}

// The stored record: PeerInfo plus the disconnect reason as its enum value (PeerInfo has its name).
std::string Encode(const PeerInfo& p, fb::DisconnectReason last_reason) {
  // Sub-objects are built in a fixed order so the record's bytes do not depend on the compiler.
  flatbuffers::FlatBufferBuilder fbb(512);
  auto did = fbb.CreateString(p.peer_did);
  auto peer_id = fbb.CreateString(p.peer_id);
  auto addresses = fbb.CreateVectorOfStrings(p.addresses);
  auto name = fbb.CreateString(p.name);
  auto description = fbb.CreateString(p.description);
  auto capabilities = fbb.CreateVectorOfStrings(p.capabilities);
  auto agent_version = fbb.CreateString(p.agent_version);
  auto protocol_version = fbb.CreateString(p.protocol_version);
  auto protocols = fbb.CreateVectorOfStrings(p.protocols);
  auto observed_addr = fbb.CreateString(p.observed_addr);
  auto detail = fbb.CreateString(p.last_disconnect_detail);
  fbb.Finish(fb::CreatePeerRecord(fbb, did, peer_id, addresses, name, description, capabilities, p.connected,
                                  p.connections, p.handshakes, p.handshake_denials, p.first_seen_ns, p.last_seen_ns,
                                  p.card_received_at_ns, agent_version, protocol_version, protocols, observed_addr,
                                  p.identified_at_ns, p.disconnects, last_reason, detail));
  return FinishedBytes(fbb);
}

// ---------- the connected set (key kConnectedSetKey) ----------

Result<std::vector<std::string>> ReadConnectedSet(const std::optional<std::string>& bytes) {
  if (!bytes.has_value()) return std::vector<std::string>();
  auto rec = DecodeView<fb::PeerSet>(*bytes, "peers connected set");
  if (!rec.ok()) return rec.status();
  return Strings((*rec)->peer_dids());
}

Result<std::vector<std::string>> LoadConnectedSet(ViewTxn& txn) {
  auto bytes = txn.Get(kConnectedSetKey);
  if (!bytes.ok()) return bytes.status();
  return ReadConnectedSet(*bytes);
}

void StoreConnectedSet(ViewTxn& txn, const std::vector<std::string>& dids) {
  if (dids.empty()) {
    txn.Delete(kConnectedSetKey);
    return;
  }
  flatbuffers::FlatBufferBuilder fbb(64 * dids.size() + 64);
  auto list = fbb.CreateVectorOfStrings(dids);
  fbb.Finish(fb::CreatePeerSet(fbb, list));
  txn.Put(kConnectedSetKey, FinishedBytes(fbb));
}

// Adds (connected) or removes `did`; writes the set only when it changes.
Status UpdateConnectedSet(ViewTxn& txn, const std::string& did, bool connected) {
  auto set = LoadConnectedSet(txn);
  if (!set.ok()) return set.status();
  auto it = std::lower_bound(set->begin(), set->end(), did);
  const bool present = it != set->end() && *it == did;
  if (present == connected) return Status::OK();
  if (connected) {
    set->insert(it, did);
  } else {
    set->erase(it);
  }
  StoreConnectedSet(txn, *set);
  return Status::OK();
}

// The decoded record under `key`, and its stored disconnect reason.
struct Loaded {
  PeerInfo info;
  fb::DisconnectReason last_reason = fb::DisconnectReason::Unknown;
};

Result<std::optional<Loaded>> LoadPeer(ViewTxn& txn, const std::string& key) {
  auto current = txn.Get(key);
  if (!current.ok()) return current.status();
  if (!current->has_value()) return std::optional<Loaded>();
  auto rec = DecodeView<fb::PeerRecord>(**current, "peer record for " + key);
  if (!rec.ok()) return rec.status();
  return std::optional<Loaded>(Loaded{FromRecord(**rec), (*rec)->last_disconnect_reason()});
}

// node.started / node.stopped: every peer in the connected set is no longer connected.
Status MarkAllDisconnected(ViewTxn& txn) {
  auto set = LoadConnectedSet(txn);
  if (!set.ok()) return set.status();
  if (set->empty()) return Status::OK();
  for (const auto& did : *set) {
    auto peer = LoadPeer(txn, did);
    if (!peer.ok()) return peer.status();
    if (!peer->has_value()) continue;  // not written by this projector; nothing to mark
    (*peer)->info.connected = false;
    txn.Put(did, Encode((*peer)->info, (*peer)->last_reason));
  }
  StoreConnectedSet(txn, {});
  return Status::OK();
}

// A node.started / node.stopped about the node that recorded it (not one relayed about another).
bool OfThisNode(const fb::Envelope& env, const flatbuffers::String* did) {
  const std::string about = Str(did), origin = Str(env.origin());
  return about.empty() || origin.empty() || about == origin;
}

class PeersProjector final : public Projector {
 public:
  std::string_view name() const override { return "peers"; }
  // 2: identify, disconnect reasons, node start/stop clearing connections, the connected set.
  uint32_t version() const override { return 2; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const flatbuffers::String* did = nullptr;
    switch (env.payload_type()) {
      case fb::Event::NodeStarted:
        return OfThisNode(env, env.payload_as_NodeStarted()->did()) ? MarkAllDisconnected(txn) : Status::OK();
      case fb::Event::NodeStopped:
        return OfThisNode(env, env.payload_as_NodeStopped()->did()) ? MarkAllDisconnected(txn) : Status::OK();
      case fb::Event::PeerConnected: did = env.payload_as_PeerConnected()->peer_did(); break;
      case fb::Event::PeerDisconnected: did = env.payload_as_PeerDisconnected()->peer_did(); break;
      case fb::Event::PeerIdentified: did = env.payload_as_PeerIdentified()->peer_did(); break;
      case fb::Event::AgentCardReceived: did = env.payload_as_AgentCardReceived()->peer_did(); break;
      case fb::Event::AgentDiscovered: did = env.payload_as_AgentDiscovered()->peer_did(); break;
      case fb::Event::HandshakeCompleted: did = env.payload_as_HandshakeCompleted()->peer_did(); break;
      case fb::Event::HandshakeDenied: did = env.payload_as_HandshakeDenied()->peer_did(); break;
      default: return Status::OK();  // including peer.dial_failed and connection.rejected: no DID
    }
    const std::string key = Str(did);
    if (!IsPeerKey(key)) return Status::OK();
    auto current = LoadPeer(txn, key);
    if (!current.ok()) return current.status();
    const int64_t ts = env.timestamp_ns();
    PeerInfo p;
    fb::DisconnectReason last_reason = fb::DisconnectReason::Unknown;
    if (current->has_value()) {
      p = std::move((*current)->info);
      last_reason = (*current)->last_reason;
      p.first_seen_ns = std::min(p.first_seen_ns, ts);
      p.last_seen_ns = std::max(p.last_seen_ns, ts);
    } else {
      p.peer_did = key;
      p.first_seen_ns = p.last_seen_ns = ts;
    }
    const bool was_connected = p.connected;
    switch (env.payload_type()) {
      case fb::Event::PeerConnected: {
        auto* e = env.payload_as_PeerConnected();
        p.connected = true;
        ++p.connections;
        if (!Str(e->peer_id()).empty()) p.peer_id = Str(e->peer_id());
        AddAddress(p.addresses, Str(e->address()));
        break;
      }
      case fb::Event::PeerDisconnected: {
        auto* e = env.payload_as_PeerDisconnected();
        p.connected = false;
        ++p.disconnects;
        last_reason = e->reason();
        p.last_disconnect_detail = Clip(Str(e->detail()), kMaxPeerTextBytes);
        break;
      }
      case fb::Event::PeerIdentified: {
        auto* e = env.payload_as_PeerIdentified();
        if (p.peer_id.empty()) p.peer_id = Str(e->peer_id());
        p.agent_version = Clip(Str(e->agent_version()), kMaxPeerTextBytes);
        p.protocol_version = Clip(Str(e->protocol_version()), kMaxPeerTextBytes);
        p.protocols = NormalizeProtocols(Strings(e->protocols()));
        if (e->listen_addrs() != nullptr) {
          for (const auto* a : *e->listen_addrs()) AddAddress(p.addresses, Str(a));
        }
        const std::string observed = Str(e->observed_addr());
        p.observed_addr = observed.size() <= kMaxPeerTextBytes ? observed : std::string();
        p.identified_at_ns = std::max(p.identified_at_ns, ts);
        break;
      }
      case fb::Event::AgentCardReceived: {
        auto* e = env.payload_as_AgentCardReceived();
        p.name = Str(e->name());
        p.description = Str(e->description());
        p.capabilities = Strings(e->capabilities());
        if (e->addresses() != nullptr && e->addresses()->size() > 0) {
          p.addresses.clear();
          for (const auto* a : *e->addresses()) AddAddress(p.addresses, Str(a));
        }
        p.card_received_at_ns = std::max(p.card_received_at_ns, ts);
        break;
      }
      case fb::Event::AgentDiscovered: {
        auto* e = env.payload_as_AgentDiscovered();
        if (p.card_received_at_ns == 0) {
          if (!Str(e->name()).empty()) p.name = Str(e->name());
          if (e->capabilities() != nullptr && e->capabilities()->size() > 0) p.capabilities = Strings(e->capabilities());
        }
        if (p.peer_id.empty()) p.peer_id = Str(e->peer_id());
        break;
      }
      case fb::Event::HandshakeCompleted: ++p.handshakes; break;
      case fb::Event::HandshakeDenied: ++p.handshake_denials; break;
      default: break;
    }
    if (p.connected != was_connected) SOV_RETURN_IF_ERROR(UpdateConnectedSet(txn, key, p.connected));
    txn.Put(key, Encode(p, last_reason));
    return Status::OK();
  }
};

Result<PeerInfo> ToInfo(std::string_view bytes, const std::string& key) {
  auto rec = DecodeView<fb::PeerRecord>(bytes, "peer record for " + key);
  if (!rec.ok()) return rec.status();
  return FromRecord(**rec);
}

}  // namespace

std::unique_ptr<Projector> MakePeersProjector() { return std::make_unique<PeersProjector>(); }

std::vector<std::string> NormalizeProtocols(std::vector<std::string> protocols) {
  std::erase_if(protocols, [](const std::string& s) { return s.empty() || s.size() > kMaxProtocolIdBytes; });
  std::sort(protocols.begin(), protocols.end());
  protocols.erase(std::unique(protocols.begin(), protocols.end()), protocols.end());
  if (protocols.size() > kMaxPeerProtocols) protocols.resize(kMaxPeerProtocols);
  return protocols;
}

Result<std::optional<PeerInfo>> GetPeer(const store::Db& db, std::string_view peer_did) {
  if (!IsPeerKey(peer_did)) return std::optional<PeerInfo>();
  return GetViewRecord<PeerInfo>(db, "peers", peer_did, ToInfo);
}

Result<std::vector<PeerInfo>> ListPeers(const store::Db& db) {
  std::vector<PeerInfo> out;
  SOV_RETURN_IF_ERROR(ScanView(db, "peers", "", [&](std::string_view key, std::string_view value) -> Status {
    if (!IsPeerKey(key)) return Status::OK();  // the connected set
    auto info = ToInfo(value, std::string(key));
    if (!info.ok()) return info.status();
    out.push_back(std::move(*info));
    return Status::OK();
  }));
  return out;
}

Result<std::vector<PeerInfo>> ListConnectedPeers(const store::Db& db) {
  auto bytes = GetViewValue(db, "peers", kConnectedSetKey);
  if (!bytes.ok()) return bytes.status();
  auto dids = ReadConnectedSet(*bytes);
  if (!dids.ok()) return dids.status();
  std::vector<PeerInfo> out;
  for (const auto& did : *dids) {
    auto peer = GetPeer(db, did);
    if (!peer.ok()) return peer.status();
    if (!peer->has_value()) return Status::Corruption("peers connected set names " + did + ", which has no record");
    out.push_back(std::move(**peer));
  }
  return out;
}

}  // namespace sov::pipeline
