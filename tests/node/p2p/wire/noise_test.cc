// Noise XX for libp2p (node/p2p/noise.h): full handshakes between two NoiseHandshake objects, the
// transport ciphers, every way a remote can fail authentication (bad signature, wrong peer id,
// non-Ed25519 key, tampered or truncated messages, low-order keys), and a responder written here
// from the Noise spec directly on libsodium, whose message B is built by hand (it also checks that
// both implementations derive the same transport keys).
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <functional>

#include "node/p2p/wire/noise.h"
#include "store/base/protobuf.h"
#include "store/base/bytes.h"
#include "node/identity/key_pair_signer.h"
#include "store/base/crypto.h"

namespace sov::p2p {
namespace {

identity::KeyPairSigner MakeIdentity(uint8_t n) {
  EXPECT_TRUE(crypto::Init().ok());
  auto kp = crypto::KeyPairFromSeed(std::string(32, static_cast<char>(n)));
  EXPECT_TRUE(kp.ok());
  return identity::KeyPairSigner(std::move(*kp));
}

bool Contains(const Status& s, std::string_view needle) { return s.message().find(needle) != std::string::npos; }

struct Pair {
  Pair(const Signer& a, const Signer& b, std::optional<PeerId> expected = std::nullopt,
       NoiseOptions init_options = {}, NoiseOptions resp_options = {})
      : initiator(NoiseHandshake::Role::kInitiator, a, std::move(expected), std::move(init_options)),
        responder(NoiseHandshake::Role::kResponder, b, std::nullopt, std::move(resp_options)) {}
  NoiseHandshake initiator;
  NoiseHandshake responder;
};

// Runs A and returns message B (responder side done up to WriteMessageB).
std::string RunToB(Pair& p) {
  auto a = p.initiator.WriteMessageA();
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(p.responder.ReadMessageA(*a).ok());
  auto b = p.responder.WriteMessageB();
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return *b;
}

std::string Flip(std::string s, size_t i) {
  s[i] = static_cast<char>(s[i] ^ 0x01);
  return s;
}

TEST(Noise, FullHandshakeAndTransport) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  Pair p(alice, bob, PeerId::FromEd25519(bob.public_key()));
  auto a = p.initiator.WriteMessageA();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size(), 32u);  // e only, empty plaintext payload
  ASSERT_TRUE(p.responder.ReadMessageA(*a).ok());
  auto b = p.responder.WriteMessageB();
  ASSERT_TRUE(b.ok());
  // e(32) + Enc(s)(48) + Enc(payload{key 2+36, sig 2+64})(104+16)
  EXPECT_EQ(b->size(), 32u + 48u + 104u + 16u);
  Status rb = p.initiator.ReadMessageB(*b);
  ASSERT_TRUE(rb.ok()) << rb.ToString();
  EXPECT_EQ(p.initiator.error(), NoiseError::kNone);
  EXPECT_EQ(p.initiator.remote_peer_id(), PeerId::FromEd25519(bob.public_key()));
  EXPECT_EQ(p.initiator.remote_identity_key(), bob.public_key());
  auto c = p.initiator.WriteMessageC();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 48u + 104u + 16u);
  Status rc = p.responder.ReadMessageC(*c);
  ASSERT_TRUE(rc.ok()) << rc.ToString();
  EXPECT_EQ(p.responder.remote_peer_id(), PeerId::FromEd25519(alice.public_key()));
  EXPECT_EQ(p.responder.remote_identity_key(), alice.public_key());
  EXPECT_TRUE(p.initiator.remote_stream_muxers().empty());
  EXPECT_TRUE(p.responder.remote_stream_muxers().empty());

  auto ti = p.initiator.Split();
  auto tr = p.responder.Split();
  ASSERT_TRUE(ti.ok() && tr.ok());
  for (int i = 0; i < 3; ++i) {
    const std::string to_bob = "hello bob " + std::to_string(i);
    std::string frame;
    ASSERT_TRUE(ti->send.Encrypt(to_bob, &frame).ok());
    EXPECT_EQ(frame.size(), to_bob.size() + kNoiseTagBytes);
    EXPECT_EQ(frame.find("hello"), std::string::npos);
    std::string got = "prefix:";
    Status d = tr->recv.Decrypt(frame, &got);
    ASSERT_TRUE(d.ok()) << d.ToString();
    EXPECT_EQ(got, "prefix:" + to_bob);

    const std::string to_alice(static_cast<size_t>(1000 * i), static_cast<char>('a' + i));
    std::string back;
    ASSERT_TRUE(tr->send.Encrypt(to_alice, &back).ok());
    std::string got_back;
    ASSERT_TRUE(ti->recv.Decrypt(back, &got_back).ok());
    EXPECT_EQ(got_back, to_alice);
  }
  EXPECT_EQ(ti->send.nonce(), 3u);
  EXPECT_EQ(ti->recv.nonce(), 3u);
  EXPECT_EQ(tr->send.nonce(), 3u);
  EXPECT_EQ(tr->recv.nonce(), 3u);

  // Split once only; other steps are refused after the handshake.
  EXPECT_FALSE(p.initiator.Split().ok());
  EXPECT_FALSE(p.initiator.WriteMessageA().ok());
}

TEST(Noise, DirectionsUseDifferentKeys) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  Pair p(alice, bob);
  ASSERT_TRUE(p.initiator.ReadMessageB(RunToB(p)).ok());
  ASSERT_TRUE(p.responder.ReadMessageC(*p.initiator.WriteMessageC()).ok());
  auto ti = p.initiator.Split();
  auto tr = p.responder.Split();
  std::string frame, out;
  ASSERT_TRUE(ti->send.Encrypt("x", &frame).ok());
  // The initiator's own receive key (the responder's send key) must not open its sent frame.
  EXPECT_FALSE(ti->recv.Decrypt(frame, &out).ok());
  // Out of order (second frame first) fails: the nonce is implicit.
  std::string f1, f2;
  ASSERT_TRUE(tr->send.Encrypt("one", &f1).ok());
  ASSERT_TRUE(tr->send.Encrypt("two", &f2).ok());
  CipherState& recv = ti->recv;
  EXPECT_FALSE(recv.Decrypt(f2, &out).ok());
}

TEST(Noise, TwoHandshakesDiffer) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  Pair p1(alice, bob), p2(alice, bob);
  EXPECT_NE(*p1.initiator.WriteMessageA(), *p2.initiator.WriteMessageA());  // fresh ephemeral keys
}

TEST(Noise, ExpectedRemoteMismatch) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  auto carol = MakeIdentity(3);
  const PeerId carol_id = PeerId::FromEd25519(carol.public_key());
  const PeerId bob_id = PeerId::FromEd25519(bob.public_key());
  Pair p(alice, bob, carol_id);
  Status s = p.initiator.ReadMessageB(RunToB(p));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(p.initiator.error(), NoiseError::kPeerIdMismatch);
  EXPECT_TRUE(Contains(s, "noise: dialled " + carol_id.ToString() + " but the remote is " + bob_id.ToString()))
      << s.ToString();
  EXPECT_EQ(p.initiator.remote_peer_id(), bob_id);  // authenticated, just not the one dialled
  EXPECT_FALSE(p.initiator.WriteMessageC().ok());  // a failed handshake refuses to continue
}

TEST(Noise, CorruptSignatureIsRejected) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  NoiseOptions corrupt;
  corrupt.test_corrupt_signature = true;
  {
    Pair p(alice, bob, std::nullopt, {}, corrupt);
    Status s = p.initiator.ReadMessageB(RunToB(p));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(p.initiator.error(), NoiseError::kBadSignature);
    EXPECT_TRUE(Contains(s, "noise: remote identity signature does not verify")) << s.ToString();
    EXPECT_TRUE(p.initiator.remote_peer_id().empty());
  }
  {
    Pair p(alice, bob, std::nullopt, corrupt, {});
    ASSERT_TRUE(p.initiator.ReadMessageB(RunToB(p)).ok());
    Status s = p.responder.ReadMessageC(*p.initiator.WriteMessageC());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(p.responder.error(), NoiseError::kBadSignature);
  }
}

TEST(Noise, TamperedMessageBIsMalformed) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  // A byte of the ephemeral key, of the encrypted static key, of the encrypted payload, of its tag.
  for (size_t pos : {size_t{5}, size_t{40}, size_t{100}, size_t{183}}) {
    Pair p(alice, bob);
    std::string b = RunToB(p);
    ASSERT_LT(pos, b.size());
    Status s = p.initiator.ReadMessageB(Flip(b, pos));
    ASSERT_FALSE(s.ok()) << pos;
    EXPECT_EQ(p.initiator.error(), NoiseError::kMalformed) << pos;
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_TRUE(Contains(s, "does not decrypt")) << pos << ": " << s.ToString();
  }
}

TEST(Noise, TamperedMessageCIsMalformed) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  for (size_t pos : {size_t{0}, size_t{60}}) {
    Pair p(alice, bob);
    ASSERT_TRUE(p.initiator.ReadMessageB(RunToB(p)).ok());
    Status s = p.responder.ReadMessageC(Flip(*p.initiator.WriteMessageC(), pos));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(p.responder.error(), NoiseError::kMalformed);
  }
}

TEST(Noise, TruncatedMessagesAreMalformed) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  {
    NoiseHandshake r(NoiseHandshake::Role::kResponder, bob, std::nullopt);
    Status s = r.ReadMessageA(std::string(31, 'a'));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(r.error(), NoiseError::kMalformed);
    EXPECT_TRUE(Contains(s, "message A is 31 bytes")) << s.ToString();
  }
  for (size_t cut : {size_t{0}, size_t{31}, size_t{79}, size_t{95}, size_t{150}}) {
    Pair p(alice, bob);
    std::string b = RunToB(p);
    Status s = p.initiator.ReadMessageB(b.substr(0, cut));
    ASSERT_FALSE(s.ok()) << cut;
    EXPECT_EQ(p.initiator.error(), NoiseError::kMalformed) << cut;
  }
  for (size_t cut : {size_t{0}, size_t{47}, size_t{63}, size_t{100}}) {
    Pair p(alice, bob);
    ASSERT_TRUE(p.initiator.ReadMessageB(RunToB(p)).ok());
    Status s = p.responder.ReadMessageC(p.initiator.WriteMessageC()->substr(0, cut));
    ASSERT_FALSE(s.ok()) << cut;
    EXPECT_EQ(p.responder.error(), NoiseError::kMalformed) << cut;
  }
  {
    NoiseHandshake r(NoiseHandshake::Role::kResponder, bob, std::nullopt);
    EXPECT_FALSE(r.ReadMessageA(std::string(kNoiseMaxMessage + 1, 'a')).ok());
    EXPECT_EQ(r.error(), NoiseError::kMalformed);
  }
}

TEST(Noise, LowOrderEphemeralIsMalformed) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  {
    NoiseHandshake r(NoiseHandshake::Role::kResponder, bob, std::nullopt);
    ASSERT_TRUE(r.ReadMessageA(std::string(32, '\0')).ok());
    auto b = r.WriteMessageB();
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(r.error(), NoiseError::kMalformed);
    EXPECT_TRUE(Contains(b.status(), "low-order")) << b.status().ToString();
  }
  {
    NoiseHandshake i(NoiseHandshake::Role::kInitiator, alice, std::nullopt);
    ASSERT_TRUE(i.WriteMessageA().ok());
    Status s = i.ReadMessageB(std::string(200, '\0'));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(i.error(), NoiseError::kMalformed);
    EXPECT_TRUE(Contains(s, "low-order")) << s.ToString();
  }
}

TEST(Noise, StepsOutOfOrderAreRefused) {
  auto alice = MakeIdentity(1);
  NoiseHandshake i(NoiseHandshake::Role::kInitiator, alice, std::nullopt);
  NoiseHandshake r(NoiseHandshake::Role::kResponder, alice, std::nullopt);
  auto wrong = i.WriteMessageB();
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(Contains(wrong.status(), "WriteMessageB called on the initiator when WriteMessageA is due"))
      << wrong.status().ToString();
  EXPECT_FALSE(r.WriteMessageA().ok());
  EXPECT_FALSE(i.Split().ok());
  EXPECT_FALSE(r.ReadMessageC(std::string(100, 'x')).ok());
  EXPECT_EQ(r.error(), NoiseError::kNone);  // misuse is not a remote failure
}

TEST(Noise, StreamMuxersCarriedBothWays) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  NoiseOptions init_opts, resp_opts;
  init_opts.stream_muxers = {"/yamux/1.0.0"};
  resp_opts.stream_muxers = {"/mplex/6.7.0", "/yamux/1.0.0"};
  Pair p(alice, bob, std::nullopt, init_opts, resp_opts);
  ASSERT_TRUE(p.initiator.ReadMessageB(RunToB(p)).ok());
  ASSERT_TRUE(p.responder.ReadMessageC(*p.initiator.WriteMessageC()).ok());
  EXPECT_EQ(p.initiator.remote_stream_muxers(), resp_opts.stream_muxers);
  EXPECT_EQ(p.responder.remote_stream_muxers(), init_opts.stream_muxers);
}

TEST(Noise, CipherStateLimits) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  Pair p(alice, bob);
  ASSERT_TRUE(p.initiator.ReadMessageB(RunToB(p)).ok());
  ASSERT_TRUE(p.responder.ReadMessageC(*p.initiator.WriteMessageC()).ok());
  auto ti = p.initiator.Split();
  auto tr = p.responder.Split();

  std::string frame;
  Status too_big = ti->send.Encrypt(std::string(kNoiseMaxPlaintext + 1, 'x'), &frame);
  ASSERT_FALSE(too_big.ok());
  EXPECT_TRUE(Contains(too_big, "65520 bytes exceeds the frame limit of 65519")) << too_big.ToString();
  EXPECT_TRUE(frame.empty());
  EXPECT_EQ(ti->send.nonce(), 0u);

  const std::string max(kNoiseMaxPlaintext, 'm');
  ASSERT_TRUE(ti->send.Encrypt(max, &frame).ok());
  EXPECT_EQ(frame.size(), kNoiseMaxMessage);
  std::string out;
  ASSERT_TRUE(tr->recv.Decrypt(frame, &out).ok());
  EXPECT_EQ(out, max);

  // Tampered transport frame.
  frame.clear();
  ASSERT_TRUE(ti->send.Encrypt("attack at dawn", &frame).ok());
  out.clear();
  Status bad = tr->recv.Decrypt(Flip(frame, 3), &out);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.IsCorruption());
  EXPECT_TRUE(Contains(bad, "transport message 1 does not decrypt")) << bad.ToString();
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(tr->recv.Decrypt(std::string(15, 'x'), &out).ok());  // shorter than the tag

  // Nonce 2^64-2 is the last usable one.
  CipherState c(std::string(32, 'k'));
  c.SetNonceForTest(UINT64_MAX - 1);
  frame.clear();
  ASSERT_TRUE(c.Encrypt("last", &frame).ok());
  Status exhausted = c.Encrypt("one more", &frame);
  ASSERT_FALSE(exhausted.ok());
  EXPECT_TRUE(Contains(exhausted, "nonce exhausted")) << exhausted.ToString();
  CipherState r(std::string(32, 'k'));
  r.SetNonceForTest(UINT64_MAX - 1);
  out.clear();
  ASSERT_TRUE(r.Decrypt(frame, &out).ok());
  EXPECT_EQ(out, "last");
  EXPECT_FALSE(r.Decrypt(frame, &out).ok());

  CipherState keyless;
  EXPECT_FALSE(keyless.Encrypt("x", &frame).ok());
}

// ---- A responder written from the Noise spec on libsodium, to craft message B by hand ----

class SpecResponder {
 public:
  SpecResponder() {
    std::memcpy(h_, "Noise_XX_25519_ChaChaPoly_SHA256", 32);
    std::memcpy(ck_, h_, 32);
    MixHash("");
    randombytes_buf(s_, 32);
    crypto_scalarmult_curve25519_base(spub_, s_);
  }
  std::string static_pub() const { return std::string(reinterpret_cast<const char*>(spub_), 32); }

  void ReadA(const std::string& a) {
    std::memcpy(re_, a.data(), 32);
    MixHash(a.substr(0, 32));
    MixHash(a.substr(32));
  }
  std::string WriteB(const std::string& payload) {
    randombytes_buf(e_, 32);
    unsigned char epub[32];
    crypto_scalarmult_curve25519_base(epub, e_);
    std::string out(reinterpret_cast<const char*>(epub), 32);
    MixHash(out);
    MixDh(e_, re_);
    std::string c = Encrypt(static_pub());
    MixHash(c);
    out += c;
    MixDh(s_, re_);
    c = Encrypt(payload);
    MixHash(c);
    return out + c;
  }
  // Reads C and returns the initiator's payload plaintext.
  std::string ReadC(const std::string& c) {
    std::string rs = Decrypt(c.substr(0, 48));
    MixHash(c.substr(0, 48));
    MixDh(e_, reinterpret_cast<const unsigned char*>(rs.data()));
    std::string payload = Decrypt(c.substr(48));
    MixHash(c.substr(48));
    return payload;
  }
  // Responder split: sends with the second key.
  void Split(std::string* send, std::string* recv) {
    unsigned char o1[32], o2[32];
    Hkdf("", o1, o2);
    *recv = std::string(reinterpret_cast<char*>(o1), 32);
    *send = std::string(reinterpret_cast<char*>(o2), 32);
  }

 private:
  void MixHash(const std::string& data) {
    std::string in(reinterpret_cast<const char*>(h_), 32);
    in += data;
    crypto_hash_sha256(h_, reinterpret_cast<const unsigned char*>(in.data()), in.size());
  }
  void Hkdf(const std::string& ikm, unsigned char o1[32], unsigned char o2[32]) {
    unsigned char tk[32];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, ck_, 32);
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(ikm.data()), ikm.size());
    crypto_auth_hmacsha256_final(&st, tk);
    const unsigned char one = 1, two = 2;
    crypto_auth_hmacsha256_init(&st, tk, 32);
    crypto_auth_hmacsha256_update(&st, &one, 1);
    crypto_auth_hmacsha256_final(&st, o1);
    crypto_auth_hmacsha256_init(&st, tk, 32);
    crypto_auth_hmacsha256_update(&st, o1, 32);
    crypto_auth_hmacsha256_update(&st, &two, 1);
    crypto_auth_hmacsha256_final(&st, o2);
  }
  void MixDh(const unsigned char* priv, const unsigned char* pub) {
    unsigned char shared[32];
    ASSERT_EQ(crypto_scalarmult_curve25519(shared, priv, pub), 0);
    unsigned char o1[32], o2[32];
    Hkdf(std::string(reinterpret_cast<char*>(shared), 32), o1, o2);
    std::memcpy(ck_, o1, 32);
    std::memcpy(k_, o2, 32);
    n_ = 0;
  }
  void Nonce(unsigned char nonce[12]) const {
    std::memset(nonce, 0, 12);
    for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<unsigned char>(n_ >> (8 * i));
  }
  std::string Encrypt(const std::string& p) {
    unsigned char nonce[12];
    Nonce(nonce);
    std::string out(p.size() + 16, '\0');
    unsigned long long len = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(out.data()), &len,
                                              reinterpret_cast<const unsigned char*>(p.data()), p.size(), h_, 32,
                                              nullptr, nonce, k_);
    ++n_;
    return out;
  }
  std::string Decrypt(const std::string& c) {
    unsigned char nonce[12];
    Nonce(nonce);
    std::string out(c.size() - 16, '\0');
    unsigned long long len = 0;
    EXPECT_EQ(crypto_aead_chacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &len, nullptr,
                                                        reinterpret_cast<const unsigned char*>(c.data()), c.size(),
                                                        h_, 32, nonce, k_),
              0);
    ++n_;
    return out;
  }

  unsigned char h_[32], ck_[32], k_[32];
  uint64_t n_ = 0;
  unsigned char s_[32], spub_[32], e_[32], re_[32];
};

std::string SignedPayload(const Signer& id, const std::string& static_pub) {
  ProtoWriter w;
  w.Bytes(1, EncodeEd25519PublicKey(id.public_key()));
  w.Bytes(2, id.Sign("noise-libp2p-static-key:" + static_pub));
  return w.Take();
}

TEST(Noise, InteroperatesWithSpecResponder) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  NoiseOptions opts;
  opts.stream_muxers = {"/yamux/1.0.0"};
  NoiseHandshake i(NoiseHandshake::Role::kInitiator, alice, PeerId::FromEd25519(bob.public_key()), opts);
  SpecResponder r;
  r.ReadA(*i.WriteMessageA());
  Status s = i.ReadMessageB(r.WriteB(SignedPayload(bob, r.static_pub())));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(i.remote_identity_key(), bob.public_key());

  // The initiator's payload as the spec responder decrypts it: key, signature over its static key
  // (verified here), and the muxer extension (field 4 { field 2 }).
  std::string payload = r.ReadC(*i.WriteMessageC());
  ProtoReader reader(payload, "payload");
  std::string key, sig, ext;
  while (reader.Next()) {
    if (reader.field() == 1) key = reader.bytes();
    if (reader.field() == 2) sig = reader.bytes();
    if (reader.field() == 4) ext = reader.bytes();
  }
  ASSERT_TRUE(reader.status().ok());
  EXPECT_EQ(key, EncodeEd25519PublicKey(alice.public_key()));
  EXPECT_EQ(ToHex(ext), "120c" + ToHex("/yamux/1.0.0"));
  EXPECT_EQ(sig.size(), 64u);

  auto t = i.Split();
  ASSERT_TRUE(t.ok());
  std::string send_key, recv_key;
  r.Split(&send_key, &recv_key);
  CipherState r_send(send_key), r_recv(recv_key);
  std::string frame, out;
  ASSERT_TRUE(t->send.Encrypt("ping", &frame).ok());
  ASSERT_TRUE(r_recv.Decrypt(frame, &out).ok());
  EXPECT_EQ(out, "ping");
  frame.clear();
  out.clear();
  ASSERT_TRUE(r_send.Encrypt("pong", &frame).ok());
  ASSERT_TRUE(t->recv.Decrypt(frame, &out).ok());
  EXPECT_EQ(out, "pong");
}

TEST(Noise, SpecResponderWithBadPayloads) {
  auto alice = MakeIdentity(1);
  auto bob = MakeIdentity(2);
  auto run = [&](const std::function<std::string(const std::string& static_pub)>& make_payload,
                 NoiseError want, std::string_view needle) {
    NoiseHandshake i(NoiseHandshake::Role::kInitiator, alice, std::nullopt);
    SpecResponder r;
    r.ReadA(*i.WriteMessageA());
    Status s = i.ReadMessageB(r.WriteB(make_payload(r.static_pub())));
    ASSERT_FALSE(s.ok()) << needle;
    EXPECT_EQ(i.error(), want) << s.ToString();
    EXPECT_TRUE(Contains(s, needle)) << s.ToString();
  };
  // A secp256k1 identity key (33 bytes) is not supported.
  run(
      [](const std::string&) {
        ProtoWriter w;
        w.Bytes(1, EncodePublicKey({KeyType::kSecp256k1, std::string(33, '\x02')}));
        w.Bytes(2, std::string(64, 's'));
        return w.Take();
      },
      NoiseError::kUnsupportedKey, "remote identity key type 2 is not Ed25519");
  run([](const std::string&) { return std::string(); }, NoiseError::kMalformed, "has no identity key");
  run([](const std::string&) { return std::string("\x0a\x05\x01", 3); }, NoiseError::kMalformed,
      "noise handshake payload: field 1 length 5 past end");
  // Signed over a different static key than the one sent.
  run([&](const std::string& static_pub) { return SignedPayload(bob, std::string(static_pub.rbegin(), static_pub.rend())); },
      NoiseError::kBadSignature, "signature does not verify");
  // A signature of the wrong length.
  run(
      [&](const std::string&) {
        ProtoWriter w;
        w.Bytes(1, EncodeEd25519PublicKey(bob.public_key()));
        w.Bytes(2, "short");
        return w.Take();
      },
      NoiseError::kBadSignature, "signature does not verify");
}

}  // namespace
}  // namespace sov::p2p
