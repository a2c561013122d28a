// Fuzzes a log record as store reads it from disk (store/log_format.*: DecodeRecord runs the
// FlatBuffers Verifier) and an envelope as store checks it before appending (CheckEnvelope).
// Input: 8-byte big-endian sequence, then the record bytes. A decoded record must point inside
// the input and carry its sequence; re-sealing it under another sequence must decode again with
// the chain hash SealRecord computed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "events_generated.h"
#include "store/log_format.h"
#include "tests/fuzz/support/fuzz_check.h"
#include "tests/fuzz/support/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sov::store;
  sov::fuzz::FuzzInput in(data, size);
  uint64_t seq = 0;
  for (int i = 0; i < 8; ++i) seq = seq << 8 | in.Byte();
  const std::string_view bytes = in.Rest();
  (void)CheckEnvelope(bytes);
  auto rec = DecodeRecord(seq, bytes);
  if (!rec.ok()) return 0;
  FUZZ_CHECK(rec->seq == seq && rec->envelope->seq() == seq);
  FUZZ_CHECK(rec->envelope_bytes.size() + kChainHashBytes == bytes.size());
  FUZZ_CHECK(rec->chain_hash.size() == kChainHashBytes);
  (void)sov::fb::EnumNameEvent(rec->envelope->payload_type());
  if (rec->envelope->origin()) (void)rec->envelope->origin()->string_view();
  if (seq == 0 || seq == UINT64_MAX) return 0;  // seq 0 may be an absent field; no seq+1 after the max
  FUZZ_CHECK(CheckEnvelope(rec->envelope_bytes).ok());
  std::string copy(bytes);
  const std::string hash = SealRecord(&copy, seq + 1, GenesisHash());
  FUZZ_CHECK(hash == ChainHash(GenesisHash(), seq + 1, RecordEnvelope(copy)));
  auto resealed = DecodeRecord(seq + 1, copy);
  // SealRecord is only ever given envelopes the log built itself; a fuzzed one whose seq field it
  // cannot rewrite in place (e.g. stored out of line) may fail to decode under the new sequence,
  // which is an error, not a crash. When it decodes, the hash must be the one sealed.
  if (resealed.ok()) FUZZ_CHECK(resealed->chain_hash == hash);
  return 0;
}
