// `sov log repair`: the one way to accept the loss of a damaged log. It refuses to touch a log that
// opens cleanly; otherwise it first copies every file of the database aside, then recovers up to
// the first damaged record (dropping what follows), and drops the chain witness that no longer
// holds. The caller records what was lost as a log.repaired event (pipeline::EventStore::Repair).
#pragma once

#include <cstdint>
#include <string>

#include "store/db.h"

namespace sov::store {

struct RepairReport {
  bool repaired = false;        // false: the log was intact, nothing was done
  uint64_t intact_through = 0;  // the last record kept
  uint64_t signed_through = 0;  // the record the witness named (0 = none): records up to it existed
  std::string damage;           // what opening the log reported
  std::string backup_dir;       // where the damaged files were copied
};

// `options` lists the families as for a writer. `backup_dir` must not exist yet.
Result<RepairReport> RepairLog(const std::string& db_path, const DbOptions& options, const std::string& backup_dir);

}  // namespace sov::store
