// Reading the event log from any open Db (the writer's, or a secondary reader's): one record by
// sequence, a verified cursor over a range, and the head (last sequence and its chain hash).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "store/db.h"
#include "store/log_format.h"
#include "store/base/status.h"

namespace sov::store {

// One record, owning its bytes. view() is valid as long as the entry lives and is not moved-from.
class LogEntry {
 public:
  LogEntry() = default;
  static Result<LogEntry> Decode(uint64_t seq, std::string bytes);
  LogEntry(LogEntry&& other) noexcept { *this = std::move(other); }
  LogEntry& operator=(LogEntry&& other) noexcept;
  LogEntry(const LogEntry&) = delete;
  LogEntry& operator=(const LogEntry&) = delete;

  uint64_t seq() const { return view_.seq; }
  const RecordView& view() const { return view_; }
  const fb::Envelope& envelope() const { return *view_.envelope; }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
  RecordView view_;
};

struct LogHead {
  uint64_t seq = 0;         // 0 = empty log
  std::string chain_hash;   // GenesisHash() for an empty log
  uint64_t last_checkpoint_seq = 0;  // the record the last checkpoint signed
};

class LogReader {
 public:
  // Fails if the database has no log/meta families.
  static Result<LogReader> Create(const Db* db);

  Result<LogHead> Head() const;
  // NotFound names the sequence; a corrupt record gives Corruption naming it.
  Result<LogEntry> Read(uint64_t seq) const;

  // Iterates records in [from, to] (to = 0: up to the last record) in order, verifying each and
  // reporting a gap (a missing sequence) as Corruption naming the first missing sequence.
  class Cursor {
   public:
    bool Valid() const { return valid_; }
    const LogEntry& entry() const { return entry_; }
    void Next();
    // Non-OK after Valid() turned false because of an error (not at the normal end).
    const Status& status() const { return status_; }
    // The sequence the cursor expects next; after an error, the sequence that is bad or missing.
    uint64_t next_seq() const { return expected_; }

   private:
    friend class LogReader;
    void Load();
    std::unique_ptr<Iterator> it_;
    uint64_t expected_ = 0;
    uint64_t to_ = 0;
    bool valid_ = false;
    LogEntry entry_;
    Status status_;
  };
  Cursor Scan(uint64_t from, uint64_t to = 0) const;

  Cf log_family() const { return log_; }
  Cf meta_family() const { return meta_; }

 private:
  const Db* db_ = nullptr;
  Cf log_ = 0, meta_ = 0;
};

}  // namespace sov::store
