#include "tests/fuzz/support/noise_script.h"

#include "node/identity/key_pair_signer.h"
#include "node/p2p/wire/noise.h"
#include "store/base/crypto.h"
#include "tests/fuzz/support/deterministic_random.h"
#include "tests/fuzz/support/fuzz_check.h"

namespace sov::fuzz {
namespace {

using p2p::NoiseError;
using p2p::NoiseHandshake;

identity::KeyPairSigner FixedSigner(char seed_byte) {
  auto key = crypto::KeyPairFromSeed(std::string(32, seed_byte));
  FUZZ_CHECK(key.ok());
  return identity::KeyPairSigner(std::move(*key));
}

// The responder's identity with the payload fields a script may replace.
class ScriptedSigner final : public Signer {
 public:
  ScriptedSigner(const Signer& real, const NoiseScript& script) : real_(real), script_(script) {}
  const std::string& did() const override { return real_.did(); }
  const std::string& public_key() const override {
    return script_.responder_public_key ? *script_.responder_public_key : real_.public_key();
  }
  std::string Sign(std::string_view message) const override {
    return script_.responder_signature ? *script_.responder_signature : real_.Sign(message);
  }

 private:
  const Signer& real_;
  const NoiseScript& script_;
};

// A failed read must say why, and the handshake must refuse to go on.
void CheckFailed(NoiseHandshake& side) {
  FUZZ_CHECK(side.error() != NoiseError::kNone);
  FUZZ_CHECK(!side.Split().ok());
}

void CheckAuthenticated(const NoiseHandshake& side) {
  FUZZ_CHECK(side.remote_identity_key().size() == 32);
  FUZZ_CHECK(side.remote_peer_id() == p2p::PeerId::FromEd25519(side.remote_identity_key()));
}

// One message each way through the transports of two sides that both completed.
void CheckTransports(p2p::NoiseTransport& initiator, p2p::NoiseTransport& responder) {
  for (auto [from, to] : {std::pair{&initiator, &responder}, std::pair{&responder, &initiator}}) {
    std::string sealed, opened;
    FUZZ_CHECK(from->send.Encrypt("ping", &sealed).ok());
    FUZZ_CHECK(to->recv.Decrypt(sealed, &opened).ok());
    FUZZ_CHECK(opened == "ping");
  }
}

}  // namespace

NoiseTranscript RunNoiseScript(const NoiseScript& script) {
  static const identity::KeyPairSigner initiator_id = FixedSigner('i');
  static const identity::KeyPairSigner responder_id = FixedSigner('r');
  // plain: every message and payload field is the real one (muxers may be any list, which the
  // initiator may refuse: too many); untouched: plain with no muxers, which must always succeed.
  const bool plain = !script.message_a && !script.message_b && !script.message_c &&
                     !script.responder_public_key && !script.responder_signature;
  const bool untouched = plain && script.responder_muxers.empty();
  ResetDeterministicRandom();
  NoiseTranscript t;

  std::optional<p2p::PeerId> expected;
  if (script.dial_expected_peer) expected = p2p::PeerId::FromEd25519(responder_id.public_key());
  NoiseHandshake initiator(NoiseHandshake::Role::kInitiator, initiator_id, expected);
  auto a = initiator.WriteMessageA();
  FUZZ_CHECK(a.ok());
  t.message_a = script.message_a.value_or(*a);

  ScriptedSigner responder_signer(responder_id, script);
  p2p::NoiseOptions options;
  options.stream_muxers = script.responder_muxers;
  NoiseHandshake responder(NoiseHandshake::Role::kResponder, responder_signer, std::nullopt, options);
  if (!responder.ReadMessageA(t.message_a).ok()) {
    CheckFailed(responder);
    return t;
  }
  auto b = responder.WriteMessageB();
  if (!b.ok()) {
    FUZZ_CHECK(!untouched);  // only a replaced A (low-order key) or an oversize payload fails here
    return t;
  }
  t.message_b = script.message_b.value_or(*b);

  if (!initiator.ReadMessageB(t.message_b).ok()) {
    FUZZ_CHECK(!untouched);
    CheckFailed(initiator);
    return t;
  }
  CheckAuthenticated(initiator);
  if (plain) FUZZ_CHECK(initiator.remote_stream_muxers() == script.responder_muxers);
  auto c = initiator.WriteMessageC();
  FUZZ_CHECK(c.ok());
  t.message_c = script.message_c.value_or(*c);

  if (!responder.ReadMessageC(t.message_c).ok()) {
    FUZZ_CHECK(!untouched);
    CheckFailed(responder);
    return t;
  }
  CheckAuthenticated(responder);
  auto ti = initiator.Split();
  auto tr = responder.Split();
  FUZZ_CHECK(ti.ok() && tr.ok());
  CheckTransports(*ti, *tr);
  t.completed = true;
  return t;
}

}  // namespace sov::fuzz
