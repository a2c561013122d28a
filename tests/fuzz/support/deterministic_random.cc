#include "tests/fuzz/support/deterministic_random.h"

#include <sodium.h>

#include <cstdint>
#include <cstdlib>

#include "store/base/crypto.h"

namespace sov::fuzz {
namespace {

// The stream position: the only mutable state, owned by the fuzz binary (see the header).
uint64_t g_counter = 0;

void Buf(void* const out, const size_t size) {
  static const unsigned char kKey[crypto_stream_chacha20_KEYBYTES] = {'s', 'o', 'v', '-', 'f', 'u', 'z', 'z'};
  unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = {};
  for (size_t i = 0; i < sizeof nonce; ++i) nonce[i] = static_cast<unsigned char>(g_counter >> (8 * i));
  ++g_counter;
  crypto_stream_chacha20(static_cast<unsigned char*>(out), size, nonce, kKey);
}

uint32_t Random() {
  uint32_t v = 0;
  Buf(&v, sizeof v);
  return v;
}

const char* Name() { return "sov-fuzz-deterministic"; }

randombytes_implementation g_implementation = {Name, Random, nullptr, nullptr, Buf, nullptr};

}  // namespace

void InstallDeterministicRandom() {
  if (randombytes_set_implementation(&g_implementation) != 0 || !crypto::Init().ok()) std::abort();
}

void ResetDeterministicRandom() { g_counter = 0; }

}  // namespace sov::fuzz
