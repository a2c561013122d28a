// Runner: applies every appended record to every projector inside the log's own WriteBatch (each
// view's writes and its checkpoint commit atomically with the events: exactly-once), brings lagging
// views up to the head on open, rebuilds a view from sequence 1, and digests a view's bytes.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pipeline/projector.h"
#include "store/db.h"
#include "store/event_log.h"
#include "store/log_reader.h"

namespace sov::pipeline {

// (view, records folded so far, records to fold)
using ProgressFn = std::function<void(std::string_view view, uint64_t done, uint64_t total)>;

struct ViewState {
  std::string name;
  uint32_t version = 0;         // of this build's projector
  uint32_t stored_version = 0;  // in the checkpoint (0 = none)
  uint64_t checkpoint_seq = 0;  // last folded record
};

// Reads the checkpoint of one view family; {0,0} if none. Corruption names the view.
Result<std::pair<uint64_t, uint32_t>> ReadViewCheckpoint(const store::Db& db, store::Cf cf, std::string_view view);

// BLAKE2b-256 (hex) over every key and value of a view family, in key order.
Result<std::string> ViewDigest(const store::Db& db, std::string_view view);

class Runner final : public store::BatchHook {
 public:
  // `db` must have been opened with every ViewFamily of `projectors` (see FamiliesFor).
  static Result<std::unique_ptr<Runner>> Create(store::Db* db, std::vector<std::unique_ptr<Projector>> projectors);
  static std::vector<std::string> FamiliesFor(const std::vector<std::unique_ptr<Projector>>& projectors);

  Status OnBatch(std::span<const store::RecordView> records, store::WriteBatch* batch) override;

  // Folds the log into every view whose checkpoint lags the head; a view whose stored version
  // differs from its projector's is reset and refolded. Call before appends start.
  Status CatchUp(const ProgressFn& progress = nullptr);
  // Refolds the view from sequence 1 into a scratch family and swaps it in on success: a rebuild
  // that fails leaves the view as it was. No appends may run concurrently.
  Status Rebuild(std::string_view view, const ProgressFn& progress = nullptr);
  // Refolds every view in one pass over the log, aside, and swaps them all in at once.
  Status RebuildAll(const ProgressFn& progress = nullptr);

  Result<std::vector<ViewState>> States() const;
  const std::vector<std::unique_ptr<Projector>>& projectors() const { return projectors_; }

 private:
  Runner(store::Db* db, std::vector<std::unique_ptr<Projector>> projectors, std::vector<store::Cf> families,
         store::LogReader reader);
  // Folds records [from, to] into the views at `indices` in one pass, committing every view's
  // writes and checkpoint together every few thousand records.
  Status FoldRange(const std::vector<size_t>& indices, uint64_t from, uint64_t to, const ProgressFn& progress);
  Status RebuildAside(const std::vector<size_t>& indices, const ProgressFn& progress);
  static std::string EncodeCheckpoint(uint64_t seq, uint32_t version);

  store::Db* db_;
  std::vector<std::unique_ptr<Projector>> projectors_;
  std::vector<store::Cf> families_;
  store::LogReader reader_;
};

}  // namespace sov::pipeline
