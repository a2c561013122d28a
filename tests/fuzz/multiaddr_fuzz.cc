// Fuzzes multiaddr parsing (node/p2p/wire/multiaddr.*), text and binary. Mode byte bit 0: 0 parses
// text, 1 decodes bytes. Whatever is accepted must survive text and binary round trips unchanged,
// and its TCP target and peer id must be computable without crashing.
#include <cstddef>
#include <cstdint>

#include "node/p2p/wire/multiaddr.h"
#include "tests/fuzz/support/fuzz_check.h"
#include "tests/fuzz/support/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using sov::p2p::Multiaddr;
  sov::fuzz::FuzzInput in(data, size);
  const bool binary = in.Byte() & 1;
  const std::string_view rest = in.Rest();
  auto m = binary ? Multiaddr::FromBytes(rest) : Multiaddr::Parse(rest);
  if (!m.ok()) return 0;
  // The empty multiaddr ("/" or no bytes) prints as "" (absent), which Parse refuses by design.
  if (!m->empty()) {
    auto from_text = Multiaddr::Parse(m->ToString());
    FUZZ_CHECK(from_text.ok());
    FUZZ_CHECK(*from_text == *m);
  }
  auto from_bytes = Multiaddr::FromBytes(m->ToBytes());
  FUZZ_CHECK(from_bytes.ok());
  FUZZ_CHECK(*from_bytes == *m);
  (void)m->Tcp();
  if (auto id = m->peer_id()) {
    FUZZ_CHECK(m->WithPeerId(*id) == *m);
    FUZZ_CHECK(m->WithoutPeerId().parts().size() + 1 == m->parts().size());  // only the trailing one goes
  }
  return 0;
}
