#include "store/verify.h"

#include "events_generated.h"
#include "store/base/bytes.h"
#include "store/base/crypto.h"
#include "store/log_format.h"
#include "store/log_reader.h"

namespace sov::store {

namespace {

VerifyReport Fail(VerifyReport r, uint64_t seq, std::string error) {
  r.ok = false;
  r.bad_seq = seq;
  r.error = std::move(error);
  return r;
}

}  // namespace

Result<VerifyReport> VerifyLog(const Db& db, const VerifyOptions& options) {
  VerifyReport report;
  auto reader = LogReader::Create(&db);
  if (!reader.ok()) return reader.status();
  auto head = reader->Head();
  if (!head.ok()) return head.status();

  std::string expected_key;
  if (!options.expected_did.empty()) {
    auto pk = crypto::PublicKeyFromDidKey(options.expected_did);
    if (!pk.ok()) return pk.status();
    expected_key = *pk;
  }
  // Each record's hash is kept by sequence only as long as a checkpoint may name it: checkpoints name
  // earlier records, so remember all hashes since the last verified checkpoint (bounded by the interval).
  std::string prev = GenesisHash();
  // recent holds 32-byte hashes back to back: hash of record (recent_base + i) at offset 32*i.
  constexpr uint64_t kMaxRemembered = 1u << 20;
  std::string recent;
  uint64_t recent_base = 1;

  auto cursor = reader->Scan(1);
  uint64_t expected = 1;
  for (; cursor.Valid(); cursor.Next()) {
    const RecordView* rec = &cursor.entry().view();
    expected = rec->seq;
    std::string hash = ChainHash(prev, expected, rec->envelope_bytes);
    if (!crypto::ConstantTimeEqual(hash, rec->chain_hash)) {
      return Fail(report, expected,
                  "record " + std::to_string(expected) + ": chain hash mismatch (the record or one before it was altered)");
    }
    recent.append(hash);
    if (recent.size() / crypto::kHashBytes > kMaxRemembered) {
      recent.erase(0, crypto::kHashBytes * (kMaxRemembered / 2));
      recent_base += kMaxRemembered / 2;
    }
    if (auto* cp = rec->envelope->payload_as_LogCheckpointSigned()) {
      const std::string where = "record " + std::to_string(expected) + " (checkpoint)";
      uint64_t cseq = cp->checkpoint_seq();
      if (cseq == 0 || cseq >= expected || cseq < recent_base) {
        return Fail(report, expected, where + ": names record " + std::to_string(cseq) + " which it cannot sign");
      }
      if (cp->chain_hash() == nullptr || cp->signature() == nullptr || cp->signer_did() == nullptr) {
        return Fail(report, expected, where + ": missing hash, signature or signer");
      }
      std::string_view signed_hash(reinterpret_cast<const char*>(cp->chain_hash()->data()), cp->chain_hash()->size());
      std::string_view named(recent.data() + (cseq - recent_base) * crypto::kHashBytes, crypto::kHashBytes);
      if (!crypto::ConstantTimeEqual(signed_hash, named)) {
        return Fail(report, expected, where + ": signs a chain hash that differs from record " + std::to_string(cseq));
      }
      std::string key = expected_key;
      if (key.empty()) {
        auto pk = crypto::PublicKeyFromDidKey(cp->signer_did()->string_view());
        if (!pk.ok()) return Fail(report, expected, where + ": " + pk.status().message());
        key = *pk;
      } else if (cp->signer_did()->string_view() != options.expected_did) {
        return Fail(report, expected, where + ": signed by " + cp->signer_did()->str() + ", not by " + options.expected_did);
      }
      std::string_view sig(reinterpret_cast<const char*>(cp->signature()->data()), cp->signature()->size());
      if (!crypto::Verify(key, CheckpointMessage(cseq, signed_hash), sig)) {
        return Fail(report, expected, where + ": signature does not verify (forged or altered checkpoint)");
      }
      ++report.checkpoints;
      report.last_signed_seq = cseq;
      // Hashes before cseq can no longer be named by a valid later checkpoint of ours.
      recent.erase(0, (cseq - recent_base) * crypto::kHashBytes);
      recent_base = cseq;
    }
    prev = std::move(hash);
    report.records = expected;
    report.last_seq = expected;
    if (options.progress && expected % 65536 == 0) options.progress(expected, head->seq);
  }
  if (!cursor.status().ok()) {
    // A missing record, a malformed key or a record failing verification: named by the cursor.
    if (cursor.status().IsCorruption()) return Fail(report, cursor.next_seq(), cursor.status().message());
    return cursor.status();
  }
  report.head_hash = ToHex(prev);
  if (report.last_seq != head->seq) {
    return Fail(report, report.last_seq + 1,
                "the log ends at record " + std::to_string(report.last_seq) + " but its head says " +
                    std::to_string(head->seq) + " (records were removed from the end)");
  }
  if (head->seq > 0 && !crypto::ConstantTimeEqual(prev, head->chain_hash)) {
    return Fail(report, head->seq, "the head hash does not match the recomputed chain");
  }
  return report;
}

}  // namespace sov::store
