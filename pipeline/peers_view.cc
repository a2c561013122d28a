#include "pipeline/peers_view.h"

#include <algorithm>

#include "events_generated.h"
#include "pipeline/view_codec.h"
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

// Appends `address` unless empty or already known, then drops the oldest beyond the bound.
void AddAddress(std::vector<std::string>& addresses, const std::string& address) {
  if (address.empty() || std::find(addresses.begin(), addresses.end(), address) != addresses.end()) return;
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
  return p;
}

std::string Encode(const PeerInfo& p) {
  // Sub-objects are built in a fixed order so the record's bytes do not depend on the compiler.
  flatbuffers::FlatBufferBuilder fbb(256);
  auto did = fbb.CreateString(p.peer_did);
  auto peer_id = fbb.CreateString(p.peer_id);
  auto addresses = fbb.CreateVectorOfStrings(p.addresses);
  auto name = fbb.CreateString(p.name);
  auto description = fbb.CreateString(p.description);
  auto capabilities = fbb.CreateVectorOfStrings(p.capabilities);
  fbb.Finish(fb::CreatePeerRecord(fbb, did, peer_id, addresses, name, description, capabilities, p.connected,
                                  p.connections, p.handshakes, p.handshake_denials, p.first_seen_ns, p.last_seen_ns,
                                  p.card_received_at_ns));
  return FinishedBytes(fbb);
}

class PeersProjector final : public Projector {
 public:
  std::string_view name() const override { return "peers"; }
  uint32_t version() const override { return 1; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const flatbuffers::String* did = nullptr;
    switch (env.payload_type()) {
      case fb::Event::PeerConnected: did = env.payload_as_PeerConnected()->peer_did(); break;
      case fb::Event::PeerDisconnected: did = env.payload_as_PeerDisconnected()->peer_did(); break;
      case fb::Event::AgentCardReceived: did = env.payload_as_AgentCardReceived()->peer_did(); break;
      case fb::Event::AgentDiscovered: did = env.payload_as_AgentDiscovered()->peer_did(); break;
      case fb::Event::HandshakeCompleted: did = env.payload_as_HandshakeCompleted()->peer_did(); break;
      case fb::Event::HandshakeDenied: did = env.payload_as_HandshakeDenied()->peer_did(); break;
      default: return Status::OK();  // including peer.dial_failed: no DID
    }
    const std::string key = Str(did);
    if (key.empty() || key[0] == '\0') return Status::OK();
    auto current = txn.Get(key);
    if (!current.ok()) return current.status();
    const int64_t ts = env.timestamp_ns();
    PeerInfo p;
    if (current->has_value()) {
      auto rec = DecodeView<fb::PeerRecord>(**current, "peer record for " + key);
      if (!rec.ok()) return rec.status();
      p = FromRecord(**rec);
      p.first_seen_ns = std::min(p.first_seen_ns, ts);
      p.last_seen_ns = std::max(p.last_seen_ns, ts);
    } else {
      p.peer_did = key;
      p.first_seen_ns = p.last_seen_ns = ts;
    }
    switch (env.payload_type()) {
      case fb::Event::PeerConnected: {
        auto* e = env.payload_as_PeerConnected();
        p.connected = true;
        ++p.connections;
        if (!Str(e->peer_id()).empty()) p.peer_id = Str(e->peer_id());
        AddAddress(p.addresses, Str(e->address()));
        break;
      }
      case fb::Event::PeerDisconnected: p.connected = false; break;
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
    txn.Put(key, Encode(p));
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

Result<std::optional<PeerInfo>> GetPeer(const store::Db& db, std::string_view peer_did) {
  if (peer_did.empty() || peer_did[0] == '\0') return std::optional<PeerInfo>();
  return GetViewRecord<PeerInfo>(db, "peers", peer_did, ToInfo);
}

Result<std::vector<PeerInfo>> ListPeers(const store::Db& db) {
  return ListViewRecords<PeerInfo>(db, "peers", "", ToInfo);
}

}  // namespace sov::pipeline
