// Deterministic randomness for the fuzz targets and the seed writer: libsodium's randombytes is
// replaced by a counter-keyed ChaCha20 stream that restarts at every ResetDeterministicRandom(). A
// Noise handshake then draws the same ephemeral and static keys on every run, so a committed seed
// (a real message B or C) stays valid for the harness, and a crash reproduces from its input alone.
// This is process-wide state (libsodium has one randombytes implementation); only fuzz binaries,
// never the node, install it.
#pragma once

namespace sov::fuzz {

// Must run before the first sodium_init() (crypto::Init()); LLVMFuzzerInitialize is the place.
void InstallDeterministicRandom();
// Restarts the stream: the next draws are the same as after the previous reset.
void ResetDeterministicRandom();

}  // namespace sov::fuzz
