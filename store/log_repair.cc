#include "store/log_repair.h"

#include <filesystem>

#include "store/chain_witness.h"
#include "store/log_open.h"
#include "store/log_reader.h"

namespace sov::store {

namespace {

// Copies every regular file of the database directory (RocksDB keeps no subdirectories).
Status CopyAside(const std::string& db_path, const std::string& backup_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(backup_dir, ec)) return Status::InvalidArgument("the backup directory " + backup_dir + " already exists");
  fs::create_directories(backup_dir, ec);
  if (ec) return Status::IOError("creating " + backup_dir + ": " + ec.message());
  fs::permissions(backup_dir, fs::perms::owner_all, ec);
  for (const auto& e : fs::directory_iterator(db_path, ec)) {
    if (!e.is_regular_file() || e.path().filename() == "LOCK") continue;
    fs::copy_file(e.path(), fs::path(backup_dir) / e.path().filename(), ec);
    if (ec) return Status::IOError("copying " + e.path().string() + " to " + backup_dir + ": " + ec.message());
  }
  if (ec) return Status::IOError("listing " + db_path + ": " + ec.message());
  return Status::OK();
}

}  // namespace

Result<RepairReport> RepairLog(const std::string& db_path, const DbOptions& options, const std::string& backup_dir) {
  RepairReport report;
  DbOptions primary = options;
  primary.mode = DbMode::kPrimary;
  primary.create_if_missing = false;
  {
    auto db = OpenLogDb(db_path, primary);
    if (db.ok()) return report;  // intact
    if (!db.status().IsCorruption()) return db.status();
    report.damage = db.status().message();
  }
  std::error_code ec;
  if (!std::filesystem::exists(db_path + "/CURRENT", ec)) {
    return Status::Corruption(report.damage + " (repair cannot rebuild a database without CURRENT)");
  }
  auto witness = ReadWitness(db_path);
  if (witness.ok() && witness->has_value()) report.signed_through = (*witness)->seq;

  SOV_RETURN_IF_ERROR(CopyAside(db_path, backup_dir));
  report.backup_dir = backup_dir;

  DbOptions repair = options;
  repair.mode = DbMode::kRepair;
  repair.create_if_missing = false;
  auto db = Db::Open(db_path, repair);
  if (!db.ok()) return db.status().WithContext("recovering the intact part (the damaged files are in " + backup_dir + ")");
  auto reader = LogReader::Create(db->get());
  if (!reader.ok()) return reader.status();
  auto head = reader->Head();
  if (!head.ok()) return head.status();
  report.intact_through = head->seq;
  // The recovered state goes to table files, so the damaged WAL is never replayed again.
  SOV_RETURN_IF_ERROR((*db)->Flush());
  SOV_RETURN_IF_ERROR(RemoveWitness(db_path));
  report.repaired = true;
  return report;
}

}  // namespace sov::store
