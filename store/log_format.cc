#include "store/log_format.h"

#include "events_generated.h"
#include "store/base/bytes.h"
#include "store/base/crypto.h"

namespace sov::store {

std::string GenesisHash() { return std::string(crypto::kHashBytes, '\0'); }

std::string ChainHash(std::string_view prev_hash, uint64_t seq, std::string_view envelope_bytes) {
  crypto::Blake2b256 h;
  h.Update(prev_hash);
  h.Update(BigEndian64(seq));
  h.Update(envelope_bytes);
  return h.Final();
}

std::string CheckpointMessage(uint64_t checkpoint_seq, std::string_view chain_hash) {
  std::string m = "sov.checkpoint.v1";
  PutBigEndian64(&m, checkpoint_seq);
  m.append(chain_hash);
  return m;
}

Result<RecordView> DecodeRecord(uint64_t seq, std::string_view bytes) {
  const std::string where = "log record " + std::to_string(seq);
  if (bytes.size() > kMaxRecordBytes) return Status::Corruption(where + ": larger than the " + std::to_string(kMaxRecordBytes) + "-byte record limit");
  if (bytes.size() < kChainHashBytes + 8) return Status::Corruption(where + ": too short to hold an event");
  RecordView v;
  v.seq = seq;
  v.envelope_bytes = RecordEnvelope(bytes);
  v.chain_hash = bytes.substr(bytes.size() - kChainHashBytes);
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(v.envelope_bytes.data()), v.envelope_bytes.size());
  if (!fb::VerifyEnvelopeBuffer(verifier)) {
    return Status::Corruption(where + ": envelope fails FlatBuffers verification");
  }
  v.envelope = fb::GetEnvelope(v.envelope_bytes.data());
  if (v.envelope->seq() != seq) {
    return Status::Corruption(where + ": envelope says sequence " + std::to_string(v.envelope->seq()));
  }
  return v;
}

Status CheckEnvelope(std::string_view envelope_bytes) {
  if (envelope_bytes.size() > kMaxEventBytes) {
    return Status::InvalidArgument("event of " + std::to_string(envelope_bytes.size()) + " bytes is larger than the " +
                                   std::to_string(kMaxEventBytes) + "-byte limit");
  }
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(envelope_bytes.data()), envelope_bytes.size());
  if (!fb::VerifyEnvelopeBuffer(verifier)) return Status::InvalidArgument("event fails FlatBuffers verification");
  auto* env = fb::GetEnvelope(envelope_bytes.data());
  if (!reinterpret_cast<const flatbuffers::Table*>(env)->CheckField(fb::Envelope::VT_SEQ)) {
    return Status::InvalidArgument("event envelope has no seq field (build it with EnvelopeBuilder)");
  }
  return Status::OK();
}

std::string WrapEnvelope(std::string envelope_bytes) {
  envelope_bytes.append(kChainHashBytes, '\0');
  return envelope_bytes;
}

std::string_view RecordEnvelope(std::string_view record_bytes) {
  return record_bytes.substr(0, record_bytes.size() - kChainHashBytes);
}

std::string SealRecord(std::string* record_bytes, uint64_t seq, std::string_view prev_hash) {
  const size_t env_size = record_bytes->size() - kChainHashBytes;
  fb::GetMutableEnvelope(record_bytes->data())->mutate_seq(seq);
  std::string hash = ChainHash(prev_hash, seq, std::string_view(record_bytes->data(), env_size));
  std::memcpy(record_bytes->data() + env_size, hash.data(), kChainHashBytes);
  return hash;
}

}  // namespace sov::store
