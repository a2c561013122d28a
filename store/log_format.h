// The on-disk format of the event log: column family names, keys (big-endian sequence), meta keys,
// the chain hash step, and decoding of one stored record with full verification.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/status.h"

namespace sov::fb {
struct Envelope;
}  // namespace sov::fb

namespace sov::store {

inline constexpr const char* kLogFamily = "log";
inline constexpr const char* kMetaFamily = "meta";
inline constexpr const char* kMetaHead = "head";              // be64 seq || 32-byte chain hash
inline constexpr const char* kMetaFormat = "format";          // kFormatVersion
inline constexpr const char* kMetaLastCheckpoint = "last_checkpoint";  // be64 seq of the last checkpoint event
inline constexpr const char* kFormatVersion = "sov-log/1";
inline constexpr size_t kMaxRecordBytes = 16u << 20;  // a record larger than this is corrupt by definition
// The largest event an append accepts: room is left for the chain hash and the sealed sequence.
inline constexpr size_t kMaxEventBytes = kMaxRecordBytes - 1024;

// hash[n] = BLAKE2b-256(hash[n-1] || be64(n) || envelope bytes); hash[0] = 32 zero bytes.
std::string ChainHash(std::string_view prev_hash, uint64_t seq, std::string_view envelope_bytes);
std::string GenesisHash();

// The message a checkpoint signature covers.
std::string CheckpointMessage(uint64_t checkpoint_seq, std::string_view chain_hash);

// A stored record is the exact envelope bytes followed by their 32-byte chain hash.
inline constexpr size_t kChainHashBytes = 32;

// A verified view of one stored record; points into the bytes it was decoded from.
struct RecordView {
  uint64_t seq = 0;
  const fb::Envelope* envelope = nullptr;
  std::string_view envelope_bytes;
  std::string_view chain_hash;
};

// Verifies the FlatBuffers of a record stored under key `seq`; errors name the sequence.
Result<RecordView> DecodeRecord(uint64_t seq, std::string_view bytes);

// Verifies an envelope before it is appended (bounded size, valid FlatBuffer, seq field present).
Status CheckEnvelope(std::string_view envelope_bytes);

// Turns an envelope into an unsealed record (a zero chain hash after it), to be filled in by SealRecord.
std::string WrapEnvelope(std::string envelope_bytes);
// The envelope part of a record (all but the trailing chain hash).
std::string_view RecordEnvelope(std::string_view record_bytes);
// Sets the envelope's sequence and the record's chain hash in place; returns the new chain hash.
std::string SealRecord(std::string* record_bytes, uint64_t seq, std::string_view prev_hash);

}  // namespace sov::store
