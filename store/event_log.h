// EventLog: the single writer of the log. Appends from many threads are coalesced by one writer
// thread into one RocksDB WriteBatch per group (group commit); each record gets its dense sequence
// and chain hash there, a signed checkpoint event is added every N records, and a BatchHook (the
// projector pipeline) adds its view writes to the same batch so the log and the views commit together.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/log_reader.h"
#include "store/base/signer.h"
#include "store/base/status.h"

namespace sov::store {

enum class SyncPolicy {
  kAlways,  // fsync the WAL before an append returns: an acknowledged event survives a crash
  kBatch,   // fsync the WAL at most every sync_interval; a crash may lose that window
  kNone,    // leave it to the OS; a machine crash may lose recent events (a process crash does not)
};
Result<SyncPolicy> ParseSyncPolicy(std::string_view name);
const char* SyncPolicyName(SyncPolicy p);

// Called on the writer thread with each group of sealed records, before the batch is written.
// It may read committed state from the Db and must put all its writes into `batch`. A non-OK status
// fails the whole group: nothing is written and every append in it returns that error.
class BatchHook {
 public:
  virtual ~BatchHook() = default;
  virtual Status OnBatch(std::span<const RecordView> records, WriteBatch* batch) = 0;
};

struct LogOptions {
  // When an append is durable (config `log.sync`).
  SyncPolicy sync = SyncPolicy::kAlways;
  // With kBatch: the longest time between two fsyncs of the WAL (config `log.sync_interval_ms`).
  std::chrono::milliseconds sync_interval{100};
  // Records between two signed checkpoints, placed at an append boundary; 0 = only at clean close
  // (config `log.checkpoint_interval`).
  uint64_t checkpoint_interval = 10000;
  // Signs checkpoints with the node's key; null = no checkpoints. Not owned; must outlive the log.
  const Signer* signer = nullptr;
  // Group commit: the writer thread coalesces at most this many waiting records into one batch.
  size_t max_group_records = 8192;
};

class EventLog {
 public:
  // `db` must be a primary opened with the log and meta families and outlive the EventLog.
  static Result<std::unique_ptr<EventLog>> Open(Db* db, const LogOptions& options);
  ~EventLog();  // Close()s if still open
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Set before the first Append. Not owned.
  void SetBatchHook(BatchHook* hook);

  // Appends finished envelopes (see EnvelopeBuilder) atomically, in order and contiguously; returns
  // the sequence of the first. Safe from many threads. Returns once the batch is durable per the sync policy.
  Result<uint64_t> Append(std::vector<std::string> envelopes);
  Result<uint64_t> Append(std::string envelope);

  LogHead head() const;
  const LogReader& reader() const;

  // A live follower of the log: Next() returns records in order from `from`, waiting (without
  // polling RocksDB) until the writer commits new ones or the timeout passes (nullopt).
  class Subscription {
   public:
    Result<std::optional<LogEntry>> Next(std::chrono::milliseconds timeout);

   private:
    friend class EventLog;
    EventLog* log_ = nullptr;
    uint64_t next_ = 1;
  };
  Subscription Subscribe(uint64_t from);

  // Appends a final signed checkpoint (if anything was appended since the last), syncs, and stops
  // the writer thread. Appends after Close fail.
  Status Close();

 private:
  struct Impl;
  explicit EventLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sov::store
