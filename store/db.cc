#include "store/db.h"

#include "store/chain_witness.h"
#include "store/rocksdb_options.h"

#include <mutex>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace sov::store {

namespace {

Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return Status::OK();
  std::string msg = context + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  if (s.IsNotSupported()) return Status::NotSupported(msg);
  if (s.IsBusy()) return Status::Busy(msg);
  return Status::IOError(msg);
}

bool IsLockError(const rocksdb::Status& s) {
  const std::string text = s.ToString();
  return s.IsIOError() && (text.find("lock") != std::string::npos || text.find("LOCK") != std::string::npos);
}

rocksdb::ColumnFamilyOptions FamilyOptions(const DbOptions& o) { return SovFamilyOptions(o.write_buffer_bytes); }

class RocksIterator final : public Iterator {
 public:
  explicit RocksIterator(rocksdb::Iterator* it) : it_(it) {}
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return it_->key().ToStringView(); }
  std::string_view value() const override {
    rocksdb::Slice v = it_->value();
    if (reinterpret_cast<uintptr_t>(v.data()) % kValueAlignment == 0) return v.ToStringView();
    aligned_.assign(v.data(), v.size());  // std::string storage is at least 8-byte aligned
    return aligned_;
  }
  Status status() const override { return FromRocks(it_->status(), "iterator"); }

 private:
  static constexpr uintptr_t kValueAlignment = 8;
  std::unique_ptr<rocksdb::Iterator> it_;
  mutable std::string aligned_;
};

}  // namespace

struct WriteBatch::Rep {
  rocksdb::WriteBatch batch;
  std::vector<rocksdb::ColumnFamilyHandle*>* handles = nullptr;
};

struct Db::Rep {
  std::string path;
  DbOptions options;
  std::vector<std::string> names;  // index = Cf
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // index = Cf
  rocksdb::ColumnFamilyHandle* default_handle = nullptr;
  // The first failed write, sync or flush. RocksDB's WAL writer must not be used again after one
  // (it aborts on the next append or sync), so every later one gets this error instead.
  std::mutex failure_mu;
  Status failed;

  Status Failed() {
    std::lock_guard<std::mutex> l(failure_mu);
    return failed;
  }
  // `s`, remembered as the failure when it is one.
  Status Remember(Status s) {
    if (s.ok()) return s;
    std::lock_guard<std::mutex> l(failure_mu);
    if (failed.ok()) {
      failed = Status::IOError(s.message() + "; nothing more is written to " + path + " until it is opened again");
    }
    return s;
  }

  ~Rep() {
    if (!db) return;
    for (auto* h : handles) {
      if (h != nullptr) db->DestroyColumnFamilyHandle(h);
    }
    if (default_handle) db->DestroyColumnFamilyHandle(default_handle);
    db->Close();
  }
};

WriteBatch::WriteBatch(const Db& db) : rep_(std::make_unique<Rep>()) { rep_->handles = &db.rep_->handles; }
WriteBatch::~WriteBatch() = default;

void WriteBatch::Put(Cf cf, std::string_view key, std::string_view value) {
  rep_->batch.Put((*rep_->handles)[cf], rocksdb::Slice(key.data(), key.size()),
                  rocksdb::Slice(value.data(), value.size()));
}
void WriteBatch::Delete(Cf cf, std::string_view key) {
  rep_->batch.Delete((*rep_->handles)[cf], rocksdb::Slice(key.data(), key.size()));
}
void WriteBatch::Clear() { rep_->batch.Clear(); }
size_t WriteBatch::Count() const { return static_cast<size_t>(rep_->batch.Count()); }
size_t WriteBatch::ByteSize() const { return rep_->batch.GetDataSize(); }

Db::Db(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Db::~Db() = default;

namespace {

// Whether `path` exists. Any other failure to look (no permission on a directory above it, say)
// is an IOError naming the path, not an exception.
Result<bool> PathExists(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::not_found) return false;
  if (ec) return Status::IOError("cannot access " + path + ": " + ec.message());
  return true;
}

// A directory RocksDB would create a fresh database in although it holds files: CURRENT (the
// pointer to the live MANIFEST) is gone. Creating one there would make RocksDB delete the tables.
Status RefuseDirectoryWithoutCurrent(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return Status::OK();
  if (std::filesystem::exists(path + "/CURRENT", ec)) return Status::OK();
  // Files that hold records: tables, WALs, a MANIFEST after the first. A creation cut short (killed
  // before CURRENT was written) leaves only files that hold none (MANIFEST-000001 of the new
  // database, 000000.dbtmp, IDENTITY, OPTIONS, LOG, LOCK); such a directory may be created again.
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
    const std::string name = e.path().filename().string();
    const std::string ext = e.path().extension().string();
    if (ext == ".sst" || ext == ".ldb" || ext == ".log" || ext == ".blob" || (name.rfind("MANIFEST-", 0) == 0 && name != "MANIFEST-000001")) {
      names.push_back(name);
    }
  }
  if (names.empty()) return Status::OK();
  std::sort(names.begin(), names.end());
  std::string some;
  for (size_t i = 0; i < names.size() && i < 4; ++i) some += (i ? ", " : "") + names[i];
  if (names.size() > 4) some += ", ...";
  return Status::Corruption("the log at " + path + " has no CURRENT file but holds " + std::to_string(names.size()) +
                            " files of a database (" + some + "): it is not a valid database, and sov will not create a new "
                            "log over it. Restore it from a backup (`sov log restore`) or move the directory away; "
                            "nothing was changed");
}

std::string SizeText(uintmax_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(bytes) / (1u << 20));
  } else if (bytes >= 1024) {
    std::snprintf(buf, sizeof(buf), "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(buf, sizeof(buf), "%ju bytes", bytes);
  }
  return buf;
}

}  // namespace

std::vector<std::string> Db::DescribeWalFiles(const std::string& path) {
  std::vector<std::filesystem::path> wals;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
    if (e.path().extension() == ".log") wals.push_back(e.path());
  }
  std::sort(wals.begin(), wals.end());
  std::vector<std::string> out;
  for (const auto& w : wals) out.push_back(w.filename().string() + " (" + SizeText(std::filesystem::file_size(w, ec)) + ")");
  return out;
}

namespace {

// Every table file the MANIFEST lists exists with the size it recorded; else Corruption naming the
// file (the same remedy as any table damage).
Status CheckTableFiles(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                       const std::string& path) {
  for (auto* handle : handles) {
    rocksdb::ColumnFamilyMetaData family;
    db->GetColumnFamilyMetaData(handle, &family);
    for (const auto& level : family.levels) {
      for (const auto& f : level.files) {
        const std::string file = f.db_path + f.name;
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        std::string problem;
        if (ec) {
          problem = "is missing (" + ec.message() + ")";
        } else if (size != f.size) {
          problem = "has " + std::to_string(size) + " bytes where the MANIFEST records " + std::to_string(f.size);
        }
        if (!problem.empty()) {
          return Status::Corruption("the table files of " + path + " are damaged: " + file + " (" + family.name + ") " +
                                    problem + ". Nothing was changed; restore the log from a backup (`sov log restore`)");
        }
      }
    }
  }
  return Status::OK();
}

// CheckTableFiles through a short read-only open of `path`.
Status CheckTableFilesReadOnly(const rocksdb::DBOptions& dbo, const std::vector<rocksdb::ColumnFamilyDescriptor>& descs,
                               const std::string& path) {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::DBOptions ro = dbo;
  ro.max_open_files = 16;  // only the MANIFEST is needed
  auto s = rocksdb::DB::OpenForReadOnly(ro, path, descs, &handles, &raw);
  if (s.IsCorruption() || s.IsIOError()) {
    return Status::Corruption("the table files of " + path + " are damaged (" + s.ToString() +
                              "). Nothing was changed; restore the log from a backup (`sov log restore`)");
  }
  if (!s.ok()) return Status::OK();  // (not a damage: nothing to add to what the open itself found)
  Status tables = CheckTableFiles(raw, handles, path);
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
  return tables;
}

// A corruption found at open: in a table file or the MANIFEST when RocksDB names one, else in
// the WAL.
// (RocksDB says where only in its message text; this is the one place that reads it.)
Status DescribeDamage(const rocksdb::Status& s, const std::string& path, Db::Damage* damage) {
  const std::string text = s.ToString();
  if (text.find(".sst") != std::string::npos || text.find(".ldb") != std::string::npos ||
      text.find("MANIFEST") != std::string::npos) {
    if (damage != nullptr) *damage = Db::Damage::kTables;
    return Status::Corruption("the table files of " + path + " are damaged (" + text +
                              "). Nothing was changed; restore the log from a backup (`sov log restore`)");
  }
  std::string wals;
  for (const auto& w : Db::DescribeWalFiles(path)) wals += (wals.empty() ? "" : ", ") + w;
  if (damage != nullptr) *damage = Db::Damage::kWal;
  return Status::Corruption("the write-ahead log of " + path + " is damaged (" + s.ToString() + "; WAL files: " +
                            (wals.empty() ? "none" : wals) + ")");
}

}  // namespace

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, const DbOptions& options, Damage* damage) {
  if (damage != nullptr) *damage = Damage::kNone;
  auto rep = std::make_unique<Rep>();
  rep->path = path;
  rep->options = options;
  rep->names = options.column_families;

  rocksdb::DBOptions dbo = SovDbOptions();
  if (options.mode == DbMode::kPrimary || options.mode == DbMode::kRepair) {
    dbo.info_log = SovInfoLog(path + "/LOG");
  } else if (options.mode == DbMode::kSecondary && !options.secondary_path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.secondary_path, ec);
    dbo.info_log = SovInfoLog(options.secondary_path + "/LOG");
  }
  const bool writer = options.mode == DbMode::kPrimary || options.mode == DbMode::kRepair;
  dbo.create_if_missing = options.create_if_missing && options.mode == DbMode::kPrimary;
  dbo.create_missing_column_families = writer;
  // Recovery stops at damage instead of silently dropping every record after it (RocksDB's default,
  // kPointInTimeRecovery). Only an incomplete last record, torn by a crash while it was written and
  // so never acknowledged under sync=always, is tolerated. Salvage reads up to the damage.
  const bool up_to_damage = options.mode == DbMode::kSalvage || options.mode == DbMode::kRepair;
  dbo.wal_recovery_mode = up_to_damage ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
                                       : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // Closed WALs are recorded in the MANIFEST, so a missing or truncated one is found at open.
  dbo.track_and_verify_wals_in_manifest = options.mode == DbMode::kPrimary;

  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  auto cfo = FamilyOptions(options);
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, cfo);
  for (const auto& n : options.column_families) descs.emplace_back(n, cfo);

  if (!writer) {
    // Readers open every family the database has (the extra ones untouched), so the table-file
    // check below covers all of them.
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(dbo, path, &existing).ok()) {
      for (const auto& e : existing) {
        bool listed = e == rocksdb::kDefaultColumnFamilyName;
        for (const auto& n : options.column_families) listed = listed || n == e;
        if (!listed) descs.emplace_back(e, cfo);
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (writer) {
    SOV_RETURN_IF_ERROR(RefuseDirectoryWithoutCurrent(path));
    auto has_current = PathExists(path + "/CURRENT");
    if (!has_current.ok()) return has_current.status();
    if (!options.create_if_missing && !*has_current) {
      return Status::NotFound("no log at " + path + " (run `sov init` first)");
    }
    // A new database is created only with the families asked for; families missing from an
    // existing one are created too (create_missing_column_families).
    s = rocksdb::DB::Open(dbo, path, descs, &handles, &raw);
    if (s.IsInvalidArgument() && s.ToString().find("Column famil") != std::string::npos) {
      // The database holds families we did not list (a newer sov, or a dropped view): open them too
      // so RocksDB accepts the open, and keep them untouched.
      std::vector<std::string> existing;
      auto ls = rocksdb::DB::ListColumnFamilies(dbo, path, &existing);
      if (!ls.ok()) return FromRocks(ls, "opening " + path);
      for (const auto& e : existing) {
        bool listed = e == rocksdb::kDefaultColumnFamilyName;
        for (const auto& n : options.column_families) listed = listed || n == e;
        if (!listed) descs.emplace_back(e, cfo);
      }
      s = rocksdb::DB::Open(dbo, path, descs, &handles, &raw);
    }
    if (IsLockError(s)) return Status::Busy("the log at " + path + " is held by another process");
    if (s.IsCorruption() && options.mode == DbMode::kPrimary) return DescribeDamage(s, path, damage);
  } else if (options.mode == DbMode::kSalvage) {
    auto has_current = PathExists(path + "/CURRENT");
    if (!has_current.ok()) return has_current.status();
    if (!*has_current) return Status::NotFound("no log at " + path);
    s = rocksdb::DB::OpenForReadOnly(dbo, path, descs, &handles, &raw);
  } else {
    dbo.max_open_files = -1;
    std::error_code ec;
    std::filesystem::create_directories(options.secondary_path, ec);
    auto has_current = PathExists(path + "/CURRENT");
    if (!has_current.ok()) return has_current.status();
    if (!*has_current) return Status::NotFound("no log at " + path + " (run `sov init` first)");
    s = rocksdb::DB::OpenAsSecondary(dbo, path, options.secondary_path, descs, &handles, &raw);
    if (s.IsCorruption()) return DescribeDamage(s, path, damage);
  }
  if (!s.ok()) return FromRocks(s, "opening " + path);
  if (!writer) {
    // A writer's open checks every table file's size itself; read-only and secondary opens do not,
    // and would then read a missing or cut file as no records at all. Check them here.
    Status tables = CheckTableFiles(raw, handles, path);
    if (tables.ok() && options.mode == DbMode::kSecondary) {
      // A secondary's view of a family that was dropped and created again may miss its files; the
      // MANIFEST as a read-only open replays it lists them all.
      tables = CheckTableFilesReadOnly(dbo, descs, path);
    }
    if (!tables.ok() && options.mode == DbMode::kSecondary && raw->TryCatchUpWithPrimary().ok()) {
      tables = CheckTableFiles(raw, handles, path);  // a running primary may have compacted the file away meanwhile
      if (tables.ok()) tables = CheckTableFilesReadOnly(dbo, descs, path);
    }
    if (!tables.ok()) {
      if (damage != nullptr) *damage = Damage::kTables;
      for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
      delete raw;
      return tables;
    }
  }
  rep->db.reset(raw);
  rep->default_handle = handles[0];
  for (size_t i = 1; i < handles.size(); ++i) {
    if (i <= options.column_families.size()) {
      rep->handles.push_back(handles[i]);
    } else {
      rep->names.push_back(handles[i]->GetName());
      rep->handles.push_back(handles[i]);
    }
  }
  return std::unique_ptr<Db>(new Db(std::move(rep)));
}

const std::string& Db::path() const { return rep_->path; }
DbMode Db::mode() const { return rep_->options.mode; }
const std::vector<std::string>& Db::families() const { return rep_->names; }

Result<Cf> Db::Family(std::string_view name) const {
  for (size_t i = 0; i < rep_->names.size(); ++i) {
    if (rep_->names[i] == name) return static_cast<Cf>(i);
  }
  return Status::NotFound("no column family '" + std::string(name) + "' in " + rep_->path);
}

Result<std::optional<std::string>> Db::Get(Cf cf, std::string_view key) const {
  std::string value;
  auto s = rep_->db->Get(rocksdb::ReadOptions(), rep_->handles[cf], rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading " + rep_->names[cf]);
  return std::optional<std::string>(std::move(value));
}

std::unique_ptr<Iterator> Db::NewIterator(Cf cf) const {
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  return std::make_unique<RocksIterator>(rep_->db->NewIterator(ro, rep_->handles[cf]));
}

Status Db::Write(WriteBatch* batch, bool sync) {
  SOV_RETURN_IF_ERROR(rep_->Failed());
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return rep_->Remember(FromRocks(rep_->db->Write(wo, &batch->rep_->batch), "writing to " + rep_->path));
}

Status Db::SyncWal() {
  SOV_RETURN_IF_ERROR(rep_->Failed());
  return rep_->Remember(FromRocks(rep_->db->SyncWAL(), "syncing the WAL of " + rep_->path));
}

Status Db::Flush() {
  SOV_RETURN_IF_ERROR(rep_->Failed());
  rocksdb::FlushOptions fo;
  fo.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> open;  // without dropped scratch families
  for (auto* h : rep_->handles) {
    if (h != nullptr) open.push_back(h);
  }
  return rep_->Remember(FromRocks(rep_->db->Flush(fo, open), "flushing " + rep_->path));
}

Status Db::failure() const { return rep_->Failed(); }

Result<Cf> Db::CreateScratchFamily(const std::string& name) {
  if (mode() != DbMode::kPrimary) return Status::NotSupported("cannot create a family in a read-only log");
  SOV_RETURN_IF_ERROR(rep_->Failed());
  for (size_t i = 0; i < rep_->names.size(); ++i) {
    if (rep_->names[i] == name && rep_->handles[i] != nullptr) SOV_RETURN_IF_ERROR(DropScratchFamily(static_cast<Cf>(i)));
  }
  rocksdb::ColumnFamilyHandle* h = nullptr;
  auto s = rep_->db->CreateColumnFamily(FamilyOptions(rep_->options), name, &h);
  if (!s.ok()) return rep_->Remember(FromRocks(s, "creating " + name));
  rep_->names.push_back(name);
  rep_->handles.push_back(h);
  return static_cast<Cf>(rep_->handles.size() - 1);
}

Status Db::DropScratchFamily(Cf cf) {
  auto* h = rep_->handles.at(cf);
  if (h == nullptr) return Status::OK();
  auto s = rep_->db->DropColumnFamily(h);
  rep_->db->DestroyColumnFamilyHandle(h);
  rep_->handles[cf] = nullptr;
  rep_->names[cf] = "";
  return FromRocks(s, "dropping a scratch family");
}

Status Db::ReplaceFamilies(const std::vector<std::pair<Cf, Cf>>& to_from) {
  SOV_RETURN_IF_ERROR(rep_->Failed());
  rocksdb::WriteBatch batch;
  for (const auto& [to, from] : to_from) {
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> old(rep_->db->NewIterator(ro, rep_->handles[to]));
    for (old->SeekToFirst(); old->Valid(); old->Next()) batch.Delete(rep_->handles[to], old->key());
    if (!old->status().ok()) return FromRocks(old->status(), "reading " + rep_->names[to]);
    std::unique_ptr<rocksdb::Iterator> fresh(rep_->db->NewIterator(ro, rep_->handles[from]));
    for (fresh->SeekToFirst(); fresh->Valid(); fresh->Next()) batch.Put(rep_->handles[to], fresh->key(), fresh->value());
    if (!fresh->status().ok()) return FromRocks(fresh->status(), "reading " + rep_->names[from]);
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return rep_->Remember(FromRocks(rep_->db->Write(wo, &batch), "swapping rebuilt families into " + rep_->path));
}

Status Db::CatchUp() {
  if (mode() != DbMode::kSecondary) return Status::OK();
  return FromRocks(rep_->db->TryCatchUpWithPrimary(), "catching up with " + rep_->path);
}

Status Db::BackupTo(const std::string& dir) {
  rocksdb::BackupEngine* be = nullptr;
  auto s = rocksdb::BackupEngine::Open(rocksdb::Env::Default(), rocksdb::BackupEngineOptions(dir), &be);
  if (!s.ok()) return FromRocks(s, "opening backup directory " + dir);
  std::unique_ptr<rocksdb::BackupEngine> owned(be);
  return FromRocks(owned->CreateNewBackup(rep_->db.get(), /*flush_before_backup=*/true), "backup into " + dir);
}

Status Db::RestoreLatestBackup(const std::string& backup_dir, const std::string& db_path) {
  auto has_meta = PathExists(backup_dir + "/meta");
  if (!has_meta.ok()) return has_meta.status();
  if (!*has_meta) {
    return Status::NotFound("no backup in " + backup_dir);
  }
  rocksdb::BackupEngineReadOnly* be = nullptr;
  auto s = rocksdb::BackupEngineReadOnly::Open(rocksdb::Env::Default(), rocksdb::BackupEngineOptions(backup_dir), &be);
  if (!s.ok()) return FromRocks(s, "opening backup directory " + backup_dir);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> owned(be);
  SOV_RETURN_IF_ERROR(FromRocks(owned->RestoreDBFromLatestBackup(db_path, db_path), "restoring into " + db_path));
  // The restored log is older than the one it replaces: the old witness does not apply to it.
  return RemoveWitness(db_path);
}

uint64_t Db::EstimateKeys(Cf cf) const {
  uint64_t v = 0;
  rep_->db->GetIntProperty(rep_->handles[cf], "rocksdb.estimate-num-keys", &v);
  return v;
}

uint64_t Db::EstimateLiveBytes(Cf cf) const {
  uint64_t v = 0;
  rep_->db->GetIntProperty(rep_->handles[cf], "rocksdb.estimate-live-data-size", &v);
  return v;
}

}  // namespace sov::store
