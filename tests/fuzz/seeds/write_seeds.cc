// write_seeds DIR: writes the committed seed corpus of every fuzz target (DIR/<target>/<name>),
// each a real input produced by the code itself: a multistream negotiation, yamux frames, a real
// Noise handshake (recorded under the fuzz binaries' deterministic randomness, so it stays valid for
// the harness), protobuf and Identify messages, multiaddrs, peer ids and did:keys, and sealed log
// records. Run it after changing a format: build-fuzz/tests/fuzz/write_seeds tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "events_generated.h"
#include "node/identity/peer_id.h"
#include "node/p2p/transport/multistream.h"
#include "node/p2p/wire/identify_message.h"
#include "node/p2p/wire/multiaddr.h"
#include "node/p2p/wire/yamux_frame.h"
#include "store/base/bytes.h"
#include "store/base/crypto.h"
#include "store/envelope.h"
#include "store/log_format.h"
#include "tests/fuzz/support/deterministic_random.h"
#include "tests/fuzz/support/noise_script.h"

namespace {

using namespace sov;
namespace fs = std::filesystem;

fs::path g_dir;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  fs::create_directories(g_dir / target);
  std::ofstream(g_dir / target / name, std::ios::binary) << bytes;
}

std::string Chunk(std::string_view bytes) {
  std::string out{static_cast<char>(bytes.size() >> 8), static_cast<char>(bytes.size() & 0xff)};
  out.append(bytes);
  return out;
}

std::string Mss(std::string_view m) { return p2p::EncodeMultistreamMessage(m); }

void Multistream() {
  const std::string header = Mss(p2p::kMultistreamHeader);
  Write("multistream", "listener_noise", std::string("\0\0", 2) + header + Mss("/noise"));
  Write("multistream", "listener_ls_na", std::string("\0\x07", 2) + header + Mss("ls") + Mss("/tls/1.0.0") +
                                             Mss("/yamux/1.0.0") + "leftover");
  Write("multistream", "dialer_noise", std::string("\x01\0", 2) + header + Mss("/noise"));
  Write("multistream", "dialer_na", std::string("\x01\x03", 2) + header + Mss("na") + Mss("/yamux/1.0.0"));
}

void Yamux() {
  using namespace p2p::yamux;
  std::string frames;
  AppendFrame(frames, {FrameType::kWindowUpdate, kFlagSyn, 1, 0});
  AppendFrame(frames, {FrameType::kData, 0, 1, 5}, "hello");
  AppendFrame(frames, {FrameType::kData, kFlagFin, 1, 0});
  AppendFrame(frames, {FrameType::kPing, kFlagSyn, 0, 7});
  Write("yamux_frame", "server_stream", std::string("\0\0", 2) + frames);
  std::string client;
  AppendFrame(client, {FrameType::kWindowUpdate, kFlagSyn, 2, 1024});
  AppendFrame(client, {FrameType::kData, kFlagRst, 2, 0});
  AppendFrame(client, {FrameType::kGoAway, 0, 0, kGoAwayNormal});
  Write("yamux_frame", "client_goaway", std::string("\x01\x05", 2) + client);
}

void Noise() {
  const fuzz::NoiseTranscript t = fuzz::RunNoiseScript({});
  if (!t.completed) std::abort();
  Write("noise", "real_handshake", std::string(1, '\0'));
  Write("noise", "message_b", "\x02" + Chunk(t.message_b));
  Write("noise", "messages_a_c", "\x05" + Chunk(t.message_a) + Chunk(t.message_c));
  Write("noise", "expected_peer_muxers", "\x08" + Chunk("/yamux/1.0.0") + Chunk("/mplex/6.7.0"));
}

void Protobuf() {
  auto key = crypto::KeyPairFromSeed(std::string(32, 'k'));
  p2p::IdentifyMessage m;
  m.protocol_version = "ipfs/0.1.0";
  m.agent_version = "sov/0.1.0";
  m.public_key = identity::EncodeEd25519PublicKey(key->public_key);
  m.listen_addrs.push_back(p2p::Multiaddr::Parse("/ip4/127.0.0.1/tcp/4001")->ToBytes());
  m.observed_addr = p2p::Multiaddr::Parse("/ip4/10.0.0.2/tcp/53211")->ToBytes();
  m.protocols = {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"};
  Write("protobuf_identify", "fields", std::string(1, '\0') + p2p::EncodeIdentify(m));
  Write("protobuf_identify", "identify", "\x01" + p2p::EncodeIdentify(m));
}

void Identity() {
  auto key = crypto::KeyPairFromSeed(std::string(32, 'k'));
  const auto id = identity::PeerId::FromEd25519(key->public_key);
  const std::string addr = "/ip4/127.0.0.1/tcp/4001/p2p/" + id.ToString();
  Write("multiaddr", "text_ip4_p2p", std::string(1, '\0') + addr);
  Write("multiaddr", "text_ip6", std::string("\x00/ip6/::1/tcp/4001", 18));
  Write("multiaddr", "text_dns4", std::string("\x00/dns4/example.com/tcp/443", 26));
  Write("multiaddr", "binary_ip4_p2p", "\x01" + p2p::Multiaddr::Parse(addr)->ToBytes());
  Write("peer_id", "base58", std::string(1, '\0') + id.ToString());
  Write("peer_id", "did_key", "\x01" + crypto::DidKeyFromPublicKey(key->public_key));
  Write("peer_id", "multihash", "\x02" + id.bytes());
  Write("peer_id", "public_key", "\x03" + identity::EncodeEd25519PublicKey(key->public_key));
}

std::string SealedRecord(uint64_t seq, std::string envelope) {
  std::string record = store::WrapEnvelope(std::move(envelope));
  (void)store::SealRecord(&record, seq, store::GenesisHash());
  std::string out;
  PutBigEndian64(&out, seq);
  return out + record;
}

void LogRecord() {
  auto key = crypto::KeyPairFromSeed(std::string(32, 'k'));
  const std::string did = crypto::DidKeyFromPublicKey(key->public_key);
  store::EnvelopeBuilder b;
  auto started = fb::CreateNodeStartedDirect(b.fbb(), did.c_str(), "12D3KooW", "0.1.0");
  Write("log_record", "node_started", SealedRecord(1, b.Finish(1000, did, fb::Event::NodeStarted, started.Union())));
  const std::string hash = store::GenesisHash();
  const std::string sig = crypto::Sign(key->secret_key, store::CheckpointMessage(1, hash));
  const std::vector<uint8_t> hash_bytes(hash.begin(), hash.end()), sig_bytes(sig.begin(), sig.end());
  auto cp = fb::CreateLogCheckpointSignedDirect(b.fbb(), 1, &hash_bytes, did.c_str(), &sig_bytes);
  Write("log_record", "checkpoint",
        SealedRecord(2, b.Finish(2000, did, fb::Event::LogCheckpointSigned, cp.Union())));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_seeds DIR\n");
    return 2;
  }
  g_dir = argv[1];
  fuzz::InstallDeterministicRandom();
  Multistream();
  Yamux();
  Noise();
  Protobuf();
  Identity();
  LogRecord();
  return 0;
}
