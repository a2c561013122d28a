// EventStore: the log and its views opened together, as the node, the CLI, the tests and the
// benches use them. Open() is the single writer: it opens the database with every family, catches
// lagging views up, then routes appends through the projectors. OpenReader() follows a writer
// (running or not) as a RocksDB secondary, for read commands.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pipeline/runner.h"
#include "store/db.h"
#include "store/event_log.h"
#include "store/log_reader.h"
#include "store/log_repair.h"

namespace sov::pipeline {

struct StoreOptions {
  // Create the database when the directory holds none (only `sov init` and tests ask for it).
  bool create_if_missing = false;
  // false: append without projecting (the views catch up at the next open with views on).
  bool views = true;
  // The log's sync policy, checkpoints and signer.
  store::LogOptions log;
  // Memtable budget of each column family, in bytes (config `store.write_buffer_mb`).
  size_t write_buffer_bytes = 64u << 20;
  // Called while lagging views catch up at open (view, records done, records to fold); may be empty.
  ProgressFn catch_up_progress;
};

// Names of every view this build knows, in registry order.
std::vector<std::string> ViewNames();

class EventStore {
 public:
  static Result<std::unique_ptr<EventStore>> Open(const std::string& path, const StoreOptions& options);
  // `secondary_dir` holds the reader's private files; it is created and may be reused.
  static Result<std::unique_ptr<EventStore>> OpenReader(const std::string& path, const std::string& secondary_dir);
  // `sov log repair` (store/log_repair.h): copies the damaged files to `backup_dir`, keeps what is
  // intact, then opens the log as its writer with `options` (lagging views catch up) and appends a
  // log.repaired event at `now_ns` naming what was lost. An intact log is left alone
  // (report.repaired is false).
  static Result<store::RepairReport> Repair(const std::string& path, const std::string& backup_dir,
                                            const StoreOptions& options, int64_t now_ns);
  ~EventStore();

  Result<uint64_t> Append(std::vector<std::string> envelopes);
  Result<uint64_t> Append(std::string envelope);

  store::Db& db() { return *db_; }
  const store::Db& db() const { return *db_; }
  const store::LogReader& reader() const { return reader_; }
  store::EventLog* log() { return log_.get(); }  // null for a reader
  Runner* runner() { return runner_.get(); }     // null for a reader
  // Reader only: see what the writer appended since the last call.
  Status Refresh();
  Status Close();

 private:
  EventStore() = default;
  std::unique_ptr<store::Db> db_;
  store::LogReader reader_;
  std::unique_ptr<Runner> runner_;
  std::unique_ptr<store::EventLog> log_;
};

}  // namespace sov::pipeline
