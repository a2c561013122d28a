// Offline audit of a log: recomputes the hash chain from record 1, checks each stored hash, finds
// gaps, and checks every signed checkpoint against the expected DID. Names the first bad sequence.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "store/db.h"
#include "store/base/status.h"

namespace sov::store {

struct VerifyOptions {
  std::string expected_did;  // checkpoints must be signed by this did:key; empty = the signer named in each
  std::function<void(uint64_t seq, uint64_t head)> progress;  // called every 65536 records
};

struct VerifyReport {
  bool ok = true;
  uint64_t records = 0;
  uint64_t checkpoints = 0;
  uint64_t last_seq = 0;
  uint64_t last_signed_seq = 0;  // highest sequence covered by a valid checkpoint signature
  uint64_t bad_seq = 0;          // first bad sequence when !ok
  std::string error;             // what is wrong at bad_seq
  std::string head_hash;         // hex of the recomputed chain hash at last_seq
};

// I/O errors are returned as Status; anything wrong with the log's content is in the report.
Result<VerifyReport> VerifyLog(const Db& db, const VerifyOptions& options);

}  // namespace sov::store
