#include "store/log_format.h"

#include "events_generated.h"
#include "store/bytes.h"
#include "store/crypto.h"

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
  if (bytes.size() > kMaxRecordBytes) return Status::Corruption(where + ": larger than the 16 MiB record limit");
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!verifier.VerifyBuffer<fb::LogRecord>(nullptr)) {
    return Status::Corruption(where + ": record fails FlatBuffers verification");
  }
  RecordView v;
  v.seq = seq;
  v.record = flatbuffers::GetRoot<fb::LogRecord>(bytes.data());
  if (v.record->envelope() == nullptr) return Status::Corruption(where + ": record has no envelope");
  if (v.record->chain_hash() == nullptr || v.record->chain_hash()->size() != crypto::kHashBytes) {
    return Status::Corruption(where + ": chain hash missing or not 32 bytes");
  }
  v.envelope_bytes = std::string_view(reinterpret_cast<const char*>(v.record->envelope()->data()),
                                      v.record->envelope()->size());
  flatbuffers::Verifier env_verifier(reinterpret_cast<const uint8_t*>(v.envelope_bytes.data()),
                                     v.envelope_bytes.size());
  if (!fb::VerifyEnvelopeBuffer(env_verifier)) {
    return Status::Corruption(where + ": envelope fails FlatBuffers verification");
  }
  v.envelope = fb::GetEnvelope(v.envelope_bytes.data());
  if (v.envelope->seq() != seq) {
    return Status::Corruption(where + ": envelope says sequence " + std::to_string(v.envelope->seq()));
  }
  v.chain_hash = std::string_view(reinterpret_cast<const char*>(v.record->chain_hash()->data()), crypto::kHashBytes);
  return v;
}

Status CheckEnvelope(std::string_view envelope_bytes) {
  if (envelope_bytes.size() > kMaxRecordBytes - 1024) return Status::InvalidArgument("event larger than 16 MiB");
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(envelope_bytes.data()), envelope_bytes.size());
  if (!fb::VerifyEnvelopeBuffer(verifier)) return Status::InvalidArgument("event fails FlatBuffers verification");
  auto* env = fb::GetEnvelope(envelope_bytes.data());
  if (!reinterpret_cast<const flatbuffers::Table*>(env)->CheckField(fb::Envelope::VT_SEQ)) {
    return Status::InvalidArgument("event envelope has no seq field (build it with EnvelopeBuilder)");
  }
  return Status::OK();
}

std::string WrapEnvelope(std::string_view envelope_bytes) {
  flatbuffers::FlatBufferBuilder fbb(envelope_bytes.size() + 96);
  auto env = fbb.CreateVector(reinterpret_cast<const uint8_t*>(envelope_bytes.data()), envelope_bytes.size());
  uint8_t zeros[crypto::kHashBytes] = {};
  auto hash = fbb.CreateVector(zeros, crypto::kHashBytes);
  fbb.Finish(fb::CreateLogRecord(fbb, env, hash));
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

std::string SealRecord(std::string* record_bytes, uint64_t seq, std::string_view prev_hash) {
  auto* record = flatbuffers::GetMutableRoot<fb::LogRecord>(record_bytes->data());
  auto* env_vec = record->mutable_envelope();
  auto* env = fb::GetMutableEnvelope(env_vec->data());
  env->mutate_seq(seq);
  std::string hash = ChainHash(prev_hash, seq,
                               std::string_view(reinterpret_cast<const char*>(env_vec->data()), env_vec->size()));
  auto* hash_vec = record->mutable_chain_hash();
  std::memcpy(hash_vec->data(), hash.data(), hash.size());
  return hash;
}

}  // namespace sov::store
