#include "store/log_open.h"

#include <filesystem>

#include "store/chain_witness.h"
#include "store/log_format.h"
#include "store/log_reader.h"

namespace sov::store {

namespace {

constexpr const char* kHowToRepair =
    "Nothing was changed. `sov log repair` accepts the loss after backing up the damaged files";

// An open refused a damaged WAL: read what is intact, without writing, to say where the loss
// starts.
Status ExplainWalDamage(const std::string& path, const DbOptions& options, const Status& damage) {
  DbOptions salvage = options;
  salvage.mode = DbMode::kSalvage;
  salvage.create_if_missing = false;
  auto db = Db::Open(path, salvage);
  if (!db.ok()) return damage.WithContext("(the intact part cannot be read either: " + db.status().message() + ")");
  auto reader = LogReader::Create(db->get());
  if (!reader.ok()) return Status::Corruption(damage.message() + ". " + kHowToRepair);
  auto head = reader->Head();
  if (!head.ok()) return Status::Corruption(damage.message() + ". " + kHowToRepair);
  return Status::Corruption(damage.message() + ": records up to " + std::to_string(head->seq) +
                            " are intact, the first lost record is " + std::to_string(head->seq + 1) + ". " +
                            kHowToRepair);
}

}  // namespace

Result<std::unique_ptr<Db>> OpenLogDb(const std::string& path, const DbOptions& options) {
  Db::Damage damage = Db::Damage::kNone;
  auto db = Db::Open(path, options, &damage);
  if (!db.ok()) {
    std::error_code ec;
    const bool wal = damage == Db::Damage::kWal;
    if ((options.mode == DbMode::kPrimary || options.mode == DbMode::kSecondary) && wal &&
        std::filesystem::exists(path + "/CURRENT", ec)) {
      return ExplainWalDamage(path, options, db.status());
    }
    return db.status();
  }
  auto reader = LogReader::Create(db->get());
  if (reader.ok()) SOV_RETURN_IF_ERROR(CheckWitness(**db, *reader));
  return db;
}

}  // namespace sov::store
