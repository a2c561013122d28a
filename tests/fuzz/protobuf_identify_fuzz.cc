// Fuzzes the protobuf field reader (store/base/protobuf.*) and the Identify message decoder
// (node/p2p/wire/identify_message.*). Mode byte bit 0: 0 walks the raw fields (every
// length-delimited field lies inside the input; re-writing the varint and bytes fields and walking
// them again gives the same fields), 1 decodes an Identify message (within its bounds; encode →
// decode gives the same message).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "node/p2p/wire/identify_message.h"
#include "store/base/protobuf.h"
#include "tests/fuzz/support/fuzz_check.h"
#include "tests/fuzz/support/fuzz_input.h"

namespace {

using namespace sov;

struct Field {
  uint32_t number;
  WireType type;
  uint64_t varint;
  std::string bytes;
  bool operator==(const Field&) const = default;
};

// The varint and length-delimited fields (fixed ones are skipped by design); false on a parse error.
bool Walk(std::string_view data, std::vector<Field>* fields) {
  ProtoReader r(data, "fuzz");
  while (r.Next()) {
    if (r.wire_type() == WireType::kLengthDelimited) {
      FUZZ_CHECK(r.bytes().data() >= data.data() && r.bytes().data() + r.bytes().size() <= data.data() + data.size());
      fields->push_back({r.field(), r.wire_type(), 0, std::string(r.bytes())});
    } else if (r.wire_type() == WireType::kVarint) {
      fields->push_back({r.field(), r.wire_type(), r.varint(), {}});
    }
  }
  return r.status().ok();
}

void FuzzFields(std::string_view data) {
  std::vector<Field> fields;
  if (!Walk(data, &fields)) return;
  ProtoWriter w;
  for (const auto& f : fields) {
    if (f.type == WireType::kVarint) w.Varint(f.number, f.varint);
    else w.Bytes(f.number, f.bytes);
  }
  std::vector<Field> again;
  FUZZ_CHECK(Walk(w.data(), &again));
  FUZZ_CHECK(again == fields);
}

void FuzzIdentify(std::string_view data) {
  auto m = p2p::DecodeIdentify(data);
  if (!m.ok()) return;
  FUZZ_CHECK(data.size() <= p2p::kMaxIdentifyMessage);
  FUZZ_CHECK(m->protocols.size() <= p2p::kMaxIdentifyProtocols);
  FUZZ_CHECK(m->listen_addrs.size() <= p2p::kMaxIdentifyAddrs);
  auto again = p2p::DecodeIdentify(p2p::EncodeIdentify(*m));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->protocol_version == m->protocol_version && again->agent_version == m->agent_version &&
             again->public_key == m->public_key && again->listen_addrs == m->listen_addrs &&
             again->observed_addr == m->observed_addr && again->protocols == m->protocols);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sov::fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.Byte();
  if (mode & 1) FuzzIdentify(in.Rest());
  else FuzzFields(in.Rest());
  return 0;
}
