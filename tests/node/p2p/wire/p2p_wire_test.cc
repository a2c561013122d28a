// libp2p wire encodings without I/O: uvarints, the protobuf reader, PublicKey and peer ids (base58
// and CIDv1), multiaddr text <-> binary and the Identify message, against the vectors in
// shared/reference/libp2p-wire.md (verified against js-libp2p) and values computed with node and checked
// with the js packages in tests/interop (@libp2p/peer-id 6.0.15, @multiformats/multiaddr 13.0.3).
#include <gtest/gtest.h>

#include "node/p2p/wire/identify_message.h"
#include "node/p2p/wire/multiaddr.h"
#include "node/identity/peer_id.h"
#include "store/base/protobuf.h"
#include "store/base/varint.h"
#include "store/base/bytes.h"
#include "store/base/crypto.h"

namespace sov::p2p {
namespace {

std::string Hex(std::string_view hex) {
  auto bytes = FromHex(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or("");
}

bool Contains(const Status& s, std::string_view needle) {
  return s.message().find(needle) != std::string::npos;
}

crypto::KeyPair SeedKey(uint8_t last) {
  EXPECT_TRUE(crypto::Init().ok());
  std::string seed(32, '\0');
  seed[31] = static_cast<char>(last);
  auto kp = crypto::KeyPairFromSeed(seed);
  EXPECT_TRUE(kp.ok());
  return std::move(*kp);
}

// RFC 4648 base32, lowercase, no padding: builds the CIDv1 text in the test independently of the
// decoder under test.
std::string Base32(std::string_view bytes) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

constexpr char kPub0[] = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
constexpr char kPub1[] = "4cb5abf6ad79fbf5abbccafcc269d85cd2651ed4b885b5869f241aedf0a5ba29";
constexpr char kPeer0[] = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
constexpr char kPeer1[] = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

// ---- uvarint ----

TEST(P2pVarint, RoundTrip) {
  const std::pair<uint64_t, const char*> cases[] = {
      {0, "00"}, {1, "01"}, {127, "7f"}, {128, "8001"}, {300, "ac02"}, {(1ull << 63) - 1, "ffffffffffffffff7f"}};
  for (const auto& [value, hex] : cases) {
    EXPECT_EQ(ToHex(EncodeUvarint(value)), hex) << value;
    uint64_t back = 12345;
    std::string encoded = EncodeUvarint(value) + "tail";
    auto n = DecodeUvarint(encoded, &back);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, std::string_view(hex).size() / 2);
    EXPECT_EQ(back, value);
  }
  std::string out = "x";
  AppendUvarint(out, 300);
  EXPECT_EQ(ToHex(out), "78ac02");
}

TEST(P2pVarint, RejectsNonMinimalAndLong) {
  uint64_t v = 0;
  auto non_minimal = DecodeUvarint(Hex("8000"), &v);
  ASSERT_FALSE(non_minimal.ok());
  EXPECT_TRUE(Contains(non_minimal.status(), "not minimally encoded")) << non_minimal.status().ToString();
  EXPECT_FALSE(DecodeUvarint(Hex("ff8000"), &v).ok());
  // 10 bytes: past the 9-byte (63-bit) cap, whether or not the 10th byte ends it.
  auto too_long = DecodeUvarint(Hex("ffffffffffffffffff01"), &v);
  ASSERT_FALSE(too_long.ok());
  EXPECT_TRUE(Contains(too_long.status(), "longer than 9 bytes")) << too_long.status().ToString();
  // Nine continuation bytes can never end within the cap.
  EXPECT_FALSE(DecodeUvarint(Hex("ffffffffffffffffff"), &v).ok());
}

TEST(P2pVarint, IncompleteReturnsZero) {
  uint64_t v = 77;
  auto empty = DecodeUvarint("", &v);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, 0u);
  auto partial = DecodeUvarint(Hex("ac"), &v);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(*partial, 0u);
  auto eight = DecodeUvarint(Hex("ffffffffffffffff"), &v);
  ASSERT_TRUE(eight.ok());
  EXPECT_EQ(*eight, 0u);
  EXPECT_EQ(v, 77u);  // untouched
}

// ---- protobuf ----

TEST(P2pProtobuf, WriterAndReaderSkipUnknownFields) {
  ProtoWriter w;
  w.Varint(1, 150);
  w.Bytes(7, "skip me");
  w.Bytes(2, "hello");
  std::string data = w.data();
  data += Hex("1d01020304");          // field 3, fixed32
  data += Hex("21") + std::string(8, 'x');  // field 4, fixed64
  EXPECT_EQ(ToHex(w.data()), "089601" "3a07" + ToHex("skip me") + "1205" + ToHex("hello"));

  ProtoReader r(data, "test message");
  std::vector<uint32_t> fields;
  uint64_t varint = 0;
  std::string bytes;
  while (r.Next()) {
    fields.push_back(r.field());
    if (r.field() == 1) {
      EXPECT_EQ(r.wire_type(), WireType::kVarint);
      varint = r.varint();
    }
    if (r.field() == 2) bytes = std::string(r.bytes());
  }
  EXPECT_TRUE(r.status().ok()) << r.status().ToString();
  EXPECT_EQ(fields, (std::vector<uint32_t>{1, 7, 2, 3, 4}));
  EXPECT_EQ(varint, 150u);
  EXPECT_EQ(bytes, "hello");
}

TEST(P2pProtobuf, TruncatedLengthNamesTheMessage) {
  std::string data = Hex("1a8407") + std::string(40, 'a');  // field 3, length 900, 40 bytes follow
  ProtoReader r(data, "identify message");
  EXPECT_FALSE(r.Next());
  ASSERT_FALSE(r.status().ok());
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_TRUE(Contains(r.status(), "identify message: field 3 length 900 past end (40 bytes left)"))
      << r.status().ToString();
  EXPECT_FALSE(r.Next());  // stays failed
}

TEST(P2pProtobuf, VarintOverflowAndBadTags) {
  {
    const std::string bytes = Hex("08ffffffffffffffffff02");
    ProtoReader r(bytes, "m");  // 10th byte > 1: more than 64 bits
    EXPECT_FALSE(r.Next());
    EXPECT_TRUE(Contains(r.status(), "m: field 1: varint overflows 64 bits")) << r.status().ToString();
  }
  {
    const std::string bytes = Hex("08ffffffffffffffffff01");
    ProtoReader r(bytes, "m");  // exactly 2^64-1
    ASSERT_TRUE(r.Next()) << r.status().ToString();
    EXPECT_EQ(r.varint(), UINT64_MAX);
  }
  {
    const std::string bytes = Hex("0880");
    ProtoReader r(bytes, "m");  // value ends early
    EXPECT_FALSE(r.Next());
    EXPECT_TRUE(Contains(r.status(), "truncated varint")) << r.status().ToString();
  }
  {
    const std::string bytes = Hex("0001");
    ProtoReader r(bytes, "m");  // field number 0
    EXPECT_FALSE(r.Next());
    EXPECT_TRUE(Contains(r.status(), "invalid field number 0")) << r.status().ToString();
  }
  {
    const std::string bytes = Hex("0b");
    ProtoReader r(bytes, "m");  // wire type 3 (group)
    EXPECT_FALSE(r.Next());
    EXPECT_TRUE(Contains(r.status(), "unsupported wire type 3")) << r.status().ToString();
  }
  {
    const std::string bytes = Hex("0d0102");
    ProtoReader r(bytes, "m");  // fixed32 with 2 bytes left
    EXPECT_FALSE(r.Next());
    EXPECT_TRUE(Contains(r.status(), "fixed32 past end")) << r.status().ToString();
  }
  {
    ProtoReader r("", "m");
    EXPECT_FALSE(r.Next());
    EXPECT_TRUE(r.status().ok());
  }
}

// ---- PublicKey and peer ids ----

TEST(P2pPeerId, SeedVectors) {
  auto kp0 = SeedKey(0);
  auto kp1 = SeedKey(1);
  EXPECT_EQ(ToHex(kp0.public_key), kPub0);
  EXPECT_EQ(ToHex(kp1.public_key), kPub1);
  EXPECT_EQ(ToHex(EncodeEd25519PublicKey(kp1.public_key)), std::string("08011220") + kPub1);
  PeerId id0 = PeerId::FromEd25519(kp0.public_key);
  PeerId id1 = PeerId::FromEd25519(kp1.public_key);
  EXPECT_EQ(id0.ToString(), kPeer0);
  EXPECT_EQ(id1.ToString(), kPeer1);
  EXPECT_EQ(ToHex(id1.bytes()), std::string("002408011220") + kPub1);
  EXPECT_EQ(id1.Ed25519Key(), kp1.public_key);
  EXPECT_EQ(id1.Did(), crypto::DidKeyFromPublicKey(kp1.public_key));
  EXPECT_EQ(id0.Did(), crypto::DidKeyFromPublicKey(kp0.public_key));
  EXPECT_NE(id0, id1);
  EXPECT_EQ(id0, PeerId::FromPublicKey({KeyType::kEd25519, kp0.public_key}));
  EXPECT_TRUE(PeerId().empty());
}

TEST(P2pPeerId, SpecPublicKeyVector) {
  const std::string encoded = Hex("080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");
  auto key = DecodePublicKey(encoded);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->type, KeyType::kEd25519);
  EXPECT_EQ(ToHex(key->data), "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");
  EXPECT_EQ(EncodePublicKey(*key), encoded);
  // Base58 of 00 24 || encoded, computed with plain node (BigInt base58).
  EXPECT_EQ(PeerId::FromPublicKey(*key).ToString(), "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
}

TEST(P2pPeerId, HashedIdForLongKeys) {
  // A 54-byte encoded key (> 42) is hashed: sha2-256 multihash, "Qm…". Value computed with node:crypto.
  PublicKeyProto rsa{KeyType::kRsa, std::string(50, '\x07')};
  PeerId id = PeerId::FromPublicKey(rsa);
  EXPECT_EQ(id.ToString(), "QmRMWL2qtSesWrNz96JMsrqkjUM6wjJycfKgHKUUQrXwJT");
  EXPECT_EQ(id.bytes().size(), 34u);
  EXPECT_EQ(id.Ed25519Key(), std::nullopt);
  EXPECT_EQ(id.Did(), std::nullopt);
  auto parsed = PeerId::Parse("QmRMWL2qtSesWrNz96JMsrqkjUM6wjJycfKgHKUUQrXwJT");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, id);
}

TEST(P2pPeerId, ParseBase58AndCid) {
  auto kp1 = SeedKey(1);
  PeerId id1 = PeerId::FromEd25519(kp1.public_key);
  auto base58 = PeerId::Parse(kPeer1);
  ASSERT_TRUE(base58.ok()) << base58.status().ToString();
  EXPECT_EQ(*base58, id1);

  const std::string cid = "b" + Base32(Hex("0172") + id1.bytes());
  // The same CID from @libp2p/peer-id: peerIdFromString(kPeer1).toCID().toString().
  EXPECT_EQ(cid, "bafzaajaiaejcatfvvp3k26p36wv3zsx4yju5qxgsmupnjoefwwdj6ja25xyklorj");
  auto from_cid = PeerId::Parse(cid);
  ASSERT_TRUE(from_cid.ok()) << from_cid.status().ToString();
  EXPECT_EQ(*from_cid, id1);

  const std::string z_cid = "z" + crypto::Base58Encode(Hex("0172") + id1.bytes());
  EXPECT_EQ(z_cid, "z5AanNVJCxnKzpuh6gC19FM5dipBLkwE2G8bX7UMi9YPLYBAcAx6uSQ");
  auto from_z = PeerId::Parse(z_cid);
  ASSERT_TRUE(from_z.ok()) << from_z.status().ToString();
  EXPECT_EQ(*from_z, id1);

  auto from_bytes = PeerId::FromBytes(id1.bytes());
  ASSERT_TRUE(from_bytes.ok());
  EXPECT_EQ(*from_bytes, id1);
}

TEST(P2pPeerId, Errors) {
  auto expect_error = [](std::string_view text, std::string_view needle) {
    auto r = PeerId::Parse(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(Contains(r.status(), needle)) << text << " -> " << r.status().ToString();
  };
  expect_error("", "empty");
  expect_error("hello", "not a peer id");
  expect_error("12D3KooW0OIl", "invalid base58 character '0'");
  expect_error("12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDE", "digest length");  // one char short
  expect_error("bafz!!", "invalid base32 character '!'");
  expect_error(std::string(300, '1'), "too long");
  auto kp1 = SeedKey(1);
  const std::string mh = PeerId::FromEd25519(kp1.public_key).bytes();
  expect_error("b" + Base32(Hex("0155") + mh), "CID codec 0x55 is not libp2p-key");
  expect_error("b" + Base32(Hex("0272") + mh), "CID version 2");
  expect_error("b" + Base32(Hex("01")), "truncated");

  EXPECT_FALSE(PeerId::FromBytes("").ok());
  EXPECT_TRUE(Contains(PeerId::FromBytes(Hex("1314") + std::string(20, 'a')).status(), "unsupported hash code 0x13"));
  EXPECT_TRUE(Contains(PeerId::FromBytes(Hex("1210") + std::string(16, 'a')).status(), "sha2-256 digest of 16"));
  EXPECT_TRUE(Contains(PeerId::FromBytes(Hex("0003010203")).status(), "inlined key"));
  EXPECT_TRUE(Contains(PeerId::FromBytes(mh + "x").status(), "digest length 36 but 37 bytes follow"));

  auto short_key = DecodePublicKey(Hex("0801120401020304"));
  ASSERT_FALSE(short_key.ok());
  EXPECT_TRUE(Contains(short_key.status(), "Ed25519 key is 4 bytes"));
  EXPECT_TRUE(Contains(DecodePublicKey(Hex("0801")).status(), "missing Data"));
  EXPECT_TRUE(Contains(DecodePublicKey(Hex("1200")).status(), "missing Type"));
  EXPECT_TRUE(Contains(DecodePublicKey(Hex("08091200")).status(), "unknown key type 9"));
  EXPECT_TRUE(Contains(DecodePublicKey(Hex("0801122001")).status(), "past end"));
}

// ---- multiaddr ----

// Every row's bytes and text agree with @multiformats/multiaddr 13.0.3.
TEST(P2pMultiaddr, ReferenceVectors) {
  struct Case {
    const char* text;
    std::string hex;
  };
  const Case cases[] = {
      {"/ip4/127.0.0.1/tcp/4001", "047f000001060fa1"},
      {"/ip6/::1/tcp/4001", "29" "00000000000000000000000000000001" "060fa1"},
      {"/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp",
       std::string("047f000001060fa1" "a503" "26" "002408011220") + kPub1},
      {"/dns4/localhost/tcp/1", "3609" + ToHex("localhost") + "060001"},
      // udp = 0x0111 -> uvarint 91 02; quic-v1 = 0x01cd -> uvarint cd 03 (no value).
      {"/ip6/2001:db8::8:800:200c:417a/udp/0/quic-v1", "29" "20010db80000000000080800200c417a" "91020000" "cd03"},
      {"/dns/example.com/tcp/65535", "350b" + ToHex("example.com") + "06ffff"},
      {"/dns6/h/tcp/443", "3701" "68" "0601bb"},
  };
  for (const auto& c : cases) {
    const std::string& hex = c.hex;
    auto m = Multiaddr::Parse(c.text);
    ASSERT_TRUE(m.ok()) << c.text << ": " << m.status().ToString();
    EXPECT_EQ(ToHex(m->ToBytes()), hex) << c.text;
    EXPECT_EQ(m->ToString(), c.text);
    auto back = Multiaddr::FromBytes(m->ToBytes());
    ASSERT_TRUE(back.ok()) << c.text << ": " << back.status().ToString();
    EXPECT_EQ(*back, *m);
    EXPECT_EQ(back->ToString(), c.text);
  }
}

TEST(P2pMultiaddr, CanonicalTextAndAliases) {
  auto ip6 = Multiaddr::Parse("/ip6/0:0:0:0:0:0:0:1/tcp/1");
  ASSERT_TRUE(ip6.ok());
  EXPECT_EQ(ip6->ToString(), "/ip6/::1/tcp/1");
  auto legacy = Multiaddr::Parse(std::string("/ip4/1.2.3.4/tcp/5/ipfs/") + kPeer1);
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(legacy->ToString(), std::string("/ip4/1.2.3.4/tcp/5/p2p/") + kPeer1);
  auto trailing = Multiaddr::Parse("/ip4/1.2.3.4/tcp/5/");
  ASSERT_TRUE(trailing.ok());
  EXPECT_EQ(trailing->ToString(), "/ip4/1.2.3.4/tcp/5");
  // A p2p value given as a CIDv1 prints as base58.
  auto kp1 = SeedKey(1);
  const std::string cid = "b" + Base32(Hex("0172") + PeerId::FromEd25519(kp1.public_key).bytes());
  auto with_cid = Multiaddr::Parse("/ip4/1.2.3.4/tcp/5/p2p/" + cid);
  ASSERT_TRUE(with_cid.ok()) << with_cid.status().ToString();
  EXPECT_EQ(with_cid->ToString(), std::string("/ip4/1.2.3.4/tcp/5/p2p/") + kPeer1);
  auto empty = Multiaddr::FromBytes("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(P2pMultiaddr, TcpTargetAndPeerId) {
  auto m = Multiaddr::Parse(std::string("/ip6/fe80::1/tcp/4001/p2p/") + kPeer1);
  ASSERT_TRUE(m.ok());
  auto t = m->Tcp();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->host_protocol, MultiaddrProtocol::kIp6);
  EXPECT_EQ(t->host, "fe80::1");
  EXPECT_EQ(t->port, 4001);
  ASSERT_TRUE(m->peer_id().has_value());
  EXPECT_EQ(m->peer_id()->ToString(), kPeer1);

  auto dns = Multiaddr::Parse("/dns4/localhost/tcp/1");
  ASSERT_TRUE(dns.ok());
  auto dt = dns->Tcp();
  ASSERT_TRUE(dt.ok());
  EXPECT_EQ(dt->host_protocol, MultiaddrProtocol::kDns4);
  EXPECT_EQ(dt->host, "localhost");
  EXPECT_EQ(dt->port, 1);
  EXPECT_EQ(dns->peer_id(), std::nullopt);

  auto v4 = Multiaddr::Parse("/ip4/10.0.0.1/tcp/65535");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->Tcp()->host, "10.0.0.1");
  EXPECT_EQ(v4->Tcp()->port, 65535);

  for (const char* bad : {"/ip4/1.2.3.4/udp/1", "/ip4/1.2.3.4/udp/1/quic-v1", "/ip4/1.2.3.4", "/tcp/1",
                          "/ip4/1.2.3.4/tcp/1/tcp/2"}) {
    auto parsed = Multiaddr::Parse(bad);
    ASSERT_TRUE(parsed.ok()) << bad;
    auto target = parsed->Tcp();
    ASSERT_FALSE(target.ok()) << bad;
    EXPECT_TRUE(Contains(target.status(), std::string("multiaddr \"") + bad + "\"")) << target.status().ToString();
  }
  auto p2p_host = Multiaddr::Parse(std::string("/p2p/") + kPeer1 + "/tcp/1");
  ASSERT_TRUE(p2p_host.ok());
  EXPECT_TRUE(Contains(p2p_host->Tcp().status(), "p2p is not a host"));
}

TEST(P2pMultiaddr, WithAndWithoutPeerId) {
  auto kp0 = SeedKey(0);
  auto kp1 = SeedKey(1);
  auto base = Multiaddr::Parse("/ip4/127.0.0.1/tcp/4001");
  ASSERT_TRUE(base.ok());
  Multiaddr with1 = base->WithPeerId(PeerId::FromEd25519(kp1.public_key));
  EXPECT_EQ(with1.ToString(), std::string("/ip4/127.0.0.1/tcp/4001/p2p/") + kPeer1);
  Multiaddr with0 = with1.WithPeerId(PeerId::FromEd25519(kp0.public_key));  // replaces
  EXPECT_EQ(with0.ToString(), std::string("/ip4/127.0.0.1/tcp/4001/p2p/") + kPeer0);
  EXPECT_EQ(with0.WithoutPeerId(), *base);
  EXPECT_EQ(base->WithoutPeerId(), *base);
}

TEST(P2pMultiaddr, FromTcp) {
  auto v4 = Multiaddr::FromTcp("192.168.1.2", 4001);
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->ToString(), "/ip4/192.168.1.2/tcp/4001");
  auto v6 = Multiaddr::FromTcp("2001:db8::1", 80);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->ToString(), "/ip6/2001:db8::1/tcp/80");
  auto mapped = Multiaddr::FromTcp("::ffff:10.1.2.3", 7);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->ToString(), "/ip4/10.1.2.3/tcp/7");
  auto bad = Multiaddr::FromTcp("localhost", 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Contains(bad.status(), "bad IP address \"localhost\""));
}

TEST(P2pMultiaddr, TextErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"/ip4/1.2.3/tcp/1", "multiaddr \"/ip4/1.2.3/tcp/1\": bad ip4 address \"1.2.3\""},
      {"/ip4/1.2.3.4/tcp", "multiaddr \"/ip4/1.2.3.4/tcp\": missing tcp port"},
      {"/ip4/1.2.3.4/tcp/70000", "bad tcp port \"70000\" (want 0..65535)"},
      {"/ip4/1.2.3.4/tcp/-1", "bad tcp port \"-1\""},
      {"/ip4/1.2.3.4/tcp/", "missing tcp port"},
      {"/ip4/1.2.3.4/tcp/4001x", "bad tcp port \"4001x\""},
      {"/ip4/1.2.3.4/sctp/1", "unknown protocol \"sctp\""},
      {"/ip6/1.2.3.4/tcp/1", "bad ip6 address \"1.2.3.4\""},
      {"/ip6/::1%eth0/tcp/1", "bad ip6 address"},
      {"ip4/1.2.3.4", "must start with '/'"},
      {"", "must start with '/'"},
      {"/ip4//tcp/1", "bad ip4 address \"\""},
      {"/ip4/1.2.3.4//tcp/1", "empty protocol name"},
      {"/p2p/12D3KooWnotanid0", "bad p2p value"},
      {"/dns4", "missing dns4 name"},
  };
  for (const auto& [text, needle] : cases) {
    auto m = Multiaddr::Parse(text);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_TRUE(Contains(m.status(), needle)) << text << " -> " << m.status().ToString();
  }
}

TEST(P2pMultiaddr, BinaryErrors) {
  const std::pair<std::string, const char*> cases[] = {
      {Hex("047f0000"), "ip4 value needs 4 bytes, 3 left"},
      {Hex("047f000001060f"), "offset 5: tcp value needs 2 bytes, 1 left"},
      {Hex("047f000001060fa1ff"), "offset 8: truncated protocol code"},  // trailing garbage
      {Hex("047f000001060fa107"), "unknown protocol code 0x7"},
      {Hex("3609") + "local", "dns4 value of 9 bytes, 5 left"},
      {Hex("368002") + std::string(256, 'a'), "256 bytes exceeds 255"},
      {Hex("3600"), "empty name"},
      {Hex("3603") + "a/b", "contains '/'"},
      {Hex("a50326") + std::string(38, 'x'), "p2p value"},
      {Hex("a503"), "p2p value length is truncated"},
      {Hex("a503ffffffffffffffffff"), "longer than 9 bytes"},
      {Hex("8000"), "not minimally encoded"},
  };
  for (const auto& [bytes, needle] : cases) {
    auto m = Multiaddr::FromBytes(bytes);
    ASSERT_FALSE(m.ok()) << ToHex(bytes);
    EXPECT_TRUE(Contains(m.status(), needle)) << ToHex(bytes) << " -> " << m.status().ToString();
    EXPECT_TRUE(Contains(m.status(), "multiaddr bytes at offset")) << m.status().ToString();
  }
}

// ---- identify ----

TEST(P2pIdentify, RoundTrip) {
  auto kp1 = SeedKey(1);
  IdentifyMessage m;
  m.protocol_version = "ipfs/0.1.0";
  m.agent_version = "sov/0.1";
  m.public_key = EncodeEd25519PublicKey(kp1.public_key);
  m.listen_addrs = {Multiaddr::Parse("/ip4/127.0.0.1/tcp/4001")->ToBytes(),
                    Multiaddr::Parse("/ip6/::1/tcp/4001")->ToBytes()};
  m.observed_addr = Multiaddr::Parse("/ip4/10.0.0.2/tcp/55555")->ToBytes();
  m.protocols = {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/floodsub/1.0.0"};
  const std::string bytes = EncodeIdentify(m);
  // Field-number order: publicKey(1) first, agentVersion(6) last.
  EXPECT_EQ(ToHex(bytes.substr(0, 4)), "0a240801");
  EXPECT_EQ(bytes.substr(bytes.size() - 9), std::string("\x32\x07sov/0.1", 9));
  auto back = DecodeIdentify(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->protocol_version, m.protocol_version);
  EXPECT_EQ(back->agent_version, m.agent_version);
  EXPECT_EQ(back->public_key, m.public_key);
  EXPECT_EQ(back->listen_addrs, m.listen_addrs);
  EXPECT_EQ(back->observed_addr, m.observed_addr);
  EXPECT_EQ(back->protocols, m.protocols);

  // signedPeerRecord (8) and unknown fields are skipped; absent fields decode empty.
  ProtoWriter w;
  w.Bytes(8, "envelope");
  w.Varint(9, 1);
  w.Bytes(3, "/x/1");
  auto sparse = DecodeIdentify(w.data());
  ASSERT_TRUE(sparse.ok()) << sparse.status().ToString();
  EXPECT_EQ(sparse->protocols, std::vector<std::string>{"/x/1"});
  EXPECT_TRUE(sparse->public_key.empty());
  EXPECT_TRUE(sparse->observed_addr.empty());
  EXPECT_EQ(EncodeIdentify(IdentifyMessage{}), "");
}

TEST(P2pIdentify, Limits) {
  IdentifyMessage big;
  big.agent_version = std::string(kMaxIdentifyMessage, 'a');
  auto oversize = DecodeIdentify(EncodeIdentify(big));
  ASSERT_FALSE(oversize.ok());
  EXPECT_TRUE(Contains(oversize.status(), "exceeds 8192")) << oversize.status().ToString();

  IdentifyMessage many;
  many.protocols.assign(kMaxIdentifyProtocols + 1, "/p");
  auto too_many = DecodeIdentify(EncodeIdentify(many));
  ASSERT_FALSE(too_many.ok());
  EXPECT_TRUE(Contains(too_many.status(), "more than 256 protocols")) << too_many.status().ToString();
  many.protocols.pop_back();
  EXPECT_TRUE(DecodeIdentify(EncodeIdentify(many)).ok());

  IdentifyMessage addrs;
  addrs.listen_addrs.assign(kMaxIdentifyAddrs + 1, "\x04\x7f\x00\x00\x01");
  auto too_many_addrs = DecodeIdentify(EncodeIdentify(addrs));
  ASSERT_FALSE(too_many_addrs.ok());
  EXPECT_TRUE(Contains(too_many_addrs.status(), "more than 64 listenAddrs"));

  auto wrong_type = DecodeIdentify(Hex("2801"));  // protocolVersion as a varint
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_TRUE(Contains(wrong_type.status(), "field 5 (protocolVersion) is not length-delimited"))
      << wrong_type.status().ToString();
  auto truncated = DecodeIdentify(Hex("1a05") + "/ab");
  ASSERT_FALSE(truncated.ok());
  EXPECT_TRUE(Contains(truncated.status(), "identify message: field 3 length 5 past end (3 bytes left)"))
      << truncated.status().ToString();
}

}  // namespace
}  // namespace sov::p2p
