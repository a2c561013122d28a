// Projector: a pure fold of one event into one view. ViewTxn is the view as the projector sees it
// inside one batch: reads see this batch's earlier writes first, then committed state; each key
// written many times in a batch is written to RocksDB once (coalescing).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "store/db.h"
#include "store/log_format.h"
#include "store/base/status.h"

namespace sov::pipeline {

// Every view column family keeps its checkpoint (a ViewCheckpoint record) under this reserved key.
// Projector keys must not start with a zero byte.
inline constexpr std::string_view kCheckpointKey{"\0checkpoint", 11};

inline std::string ViewFamily(std::string_view view) { return "view." + std::string(view); }

class ViewTxn {
 public:
  ViewTxn(const store::Db* db, store::Cf cf) : db_(db), cf_(cf) {}

  Result<std::optional<std::string>> Get(std::string_view key) const;
  void Put(std::string_view key, std::string value);
  void Delete(std::string_view key);

  // Writes each pending key once, in key order, into `batch`, and forgets them.
  void FlushTo(store::WriteBatch* batch);
  size_t pending() const { return pending_.size(); }
  store::Cf family() const { return cf_; }

 private:
  const store::Db* db_;
  store::Cf cf_;
  std::map<std::string, std::optional<std::string>, std::less<>> pending_;
};

class Projector {
 public:
  virtual ~Projector() = default;
  // Short lowercase name; the view lives in column family ViewFamily(name()).
  virtual std::string_view name() const = 0;
  // Bump when the meaning of the stored records changes: the view is then rebuilt from the log.
  virtual uint32_t version() const = 0;
  // Folds one verified record. Must be a pure function of (record, txn state): no clock, no
  // randomness, no I/O beyond txn. Payload types it does not handle (including types unknown to
  // this build) are skipped by returning OK. Only I/O errors are returned.
  virtual Status Apply(const store::RecordView& record, ViewTxn& txn) = 0;
};

}  // namespace sov::pipeline
