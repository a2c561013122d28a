// One Noise XX handshake between a real initiator and a real responder (node/p2p/wire/noise.h),
// where any of the three messages may be replaced by given bytes and the responder's identity
// payload may carry given fields. Run() checks the handshake's invariants (a failed read names a
// NoiseError; an authenticated remote's peer id derives from its key; two sides that both complete
// can talk through the ciphers Split gives them) and aborts when one breaks. The fuzz target feeds
// it fuzz bytes; the seed writer runs it unchanged to record the real messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sov::fuzz {

struct NoiseScript {
  std::optional<std::string> message_a;  // replaces the initiator's message A, as the responder reads it
  std::optional<std::string> message_b;  // replaces the responder's message B, as the initiator reads it
  std::optional<std::string> message_c;  // replaces the initiator's message C, as the responder reads it
  bool dial_expected_peer = false;        // the initiator dials the responder's peer id
  std::optional<std::string> responder_public_key;  // sent in the responder's payload instead of its key
  std::optional<std::string> responder_signature;   // sent instead of its real identity signature
  std::vector<std::string> responder_muxers;        // NoiseExtensions.stream_muxers of the responder
};

// The messages as they were read (real or replaced); empty past the step where the handshake failed.
struct NoiseTranscript {
  std::string message_a, message_b, message_c;
  bool completed = false;  // both sides finished and their transports interoperate
};

// Call after InstallDeterministicRandom(); resets the randomness so every run draws the same keys.
NoiseTranscript RunNoiseScript(const NoiseScript& script);

}  // namespace sov::fuzz
