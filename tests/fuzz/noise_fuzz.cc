// Fuzzes the Noise XX handshake reader (node/p2p/wire/noise.*): the fuzz bytes replace message A
// and/or C as the responder reads them, message B as the initiator reads it, and the responder's
// identity payload fields. Input: flags byte (1 A, 2 B, 4 C, 8 dial the expected peer id, 16 key,
// 32 signature), then one 2-byte-length chunk per flagged item, then muxer names as chunks.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/support/deterministic_random.h"
#include "tests/fuzz/support/fuzz_input.h"
#include "tests/fuzz/support/noise_script.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  sov::fuzz::InstallDeterministicRandom();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sov::fuzz::FuzzInput in(data, size);
  const uint8_t flags = in.Byte();
  sov::fuzz::NoiseScript script;
  if (flags & 1) script.message_a = std::string(in.Chunk());
  if (flags & 2) script.message_b = std::string(in.Chunk());
  if (flags & 4) script.message_c = std::string(in.Chunk());
  script.dial_expected_peer = flags & 8;
  if (flags & 16) script.responder_public_key = std::string(in.Chunk());
  if (flags & 32) script.responder_signature = std::string(in.Chunk());
  while (!in.empty() && script.responder_muxers.size() < 64) script.responder_muxers.emplace_back(in.Chunk());
  (void)sov::fuzz::RunNoiseScript(script);
  return 0;
}
