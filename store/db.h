// Db: the one place RocksDB is touched. A database of named column families, opened as the single
// writer (primary) or as a reader beside a running writer (secondary), with batches, iterators,
// checkpoints and backups. Everything above store/ sees only this interface.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/base/status.h"

namespace sov::store {

using Cf = uint32_t;  // index of a column family in DbOptions::column_families

enum class DbMode {
  kPrimary,    // the single writer; fails with Busy if another process holds the database
  kSecondary,  // follows a primary (running or not); call CatchUp() to see its newer writes
  // Read-only, recovering the WAL only up to its first damaged record and writing nothing: to tell
  // how much of a damaged log is intact. Never used to serve appends.
  kSalvage,
  // The writer of `sov log repair` only: recovers the WAL up to its first damaged record and drops
  // the rest (RocksDB's point-in-time recovery). Never opened without a copy of the files first.
  kRepair,
};

struct DbOptions {
  DbMode mode = DbMode::kPrimary;
  bool create_if_missing = false;
  std::vector<std::string> column_families;  // "default" is implicit and not listed
  std::string secondary_path;                // kSecondary: a private directory for the reader's own files
  size_t write_buffer_bytes = 64u << 20;     // per column family memtable budget
};

class Db;

class WriteBatch {
 public:
  explicit WriteBatch(const Db& db);
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  void Put(Cf cf, std::string_view key, std::string_view value);
  void Delete(Cf cf, std::string_view key);
  void Clear();
  size_t Count() const;
  size_t ByteSize() const;

 private:
  friend class Db;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  virtual void Seek(std::string_view key) = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual std::string_view key() const = 0;
  // 8-byte aligned (copied when RocksDB's block memory is not), so FlatBuffers records can be read
  // in place. Valid until the iterator moves.
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

class Db {
 public:
  // Errors name the path; a database held by another process gives
  // Busy("the log at <path> is held by another process"). A primary never recovers past damage in
  // the WAL (Corruption, naming the WAL files; nothing is changed on disk) and never creates a
  // database in a directory that holds files but no CURRENT (Corruption): only a missing or empty
  // directory is created, and only with create_if_missing.
  // When the open fails on damage, `*damage` (if given) says where: the WAL or the table files.
  enum class Damage { kNone, kWal, kTables };
  static Result<std::unique_ptr<Db>> Open(const std::string& path, const DbOptions& options, Damage* damage = nullptr);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  const std::string& path() const;
  DbMode mode() const;
  Result<Cf> Family(std::string_view name) const;
  const std::vector<std::string>& families() const;

  Result<std::optional<std::string>> Get(Cf cf, std::string_view key) const;
  std::unique_ptr<Iterator> NewIterator(Cf cf) const;
  // After the first failed Write, SyncWal or Flush (a full disk, an I/O error) the handle is failed:
  // every later one returns that error without touching the files (RocksDB's WAL writer must not
  // be used after a failure). Opening the log again recovers what was committed.
  Status Write(WriteBatch* batch, bool sync);
  Status SyncWal();
  Status Flush();
  // The failure that ended writing through this handle (OK while none happened).
  Status failure() const;

  // A new, empty family `name` (one left by an earlier run is dropped first; primary only): where
  // a rebuild folds aside. Cf values of other families stay valid.
  Result<Cf> CreateScratchFamily(const std::string& name);
  // Drops a family made by CreateScratchFamily; its Cf must not be used again.
  Status DropScratchFamily(Cf cf);
  // In one atomic write: every `to` family gets exactly the keys and values of its `from` family
  // (its own keys deleted). For swapping rebuilt views in; memory grows with their size.
  Status ReplaceFamilies(const std::vector<std::pair<Cf, Cf>>& to_from);
  // Secondary only: replays what the primary wrote since the last call.
  Status CatchUp();

  // Adds a backup of the live database to the backup directory `dir` (created if missing).
  Status BackupTo(const std::string& dir);
  // Restores the latest backup in `backup_dir` into `db_path`, which must not hold an open database.
  static Status RestoreLatestBackup(const std::string& backup_dir, const std::string& db_path);

  // Estimated number of keys / live bytes in a family (RocksDB properties).
  uint64_t EstimateKeys(Cf cf) const;
  uint64_t EstimateLiveBytes(Cf cf) const;

  // The write-ahead log files of the database at `path` ("000012.log (1.2 MiB)", oldest first).
  static std::vector<std::string> DescribeWalFiles(const std::string& path);

 private:
  struct Rep;
  friend class WriteBatch;
  explicit Db(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace sov::store
