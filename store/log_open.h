// Opening the database of an event log, for the writer and for readers: Db::Open plus what the log
// adds on top. An open that finds the WAL damaged is told the first lost record (found by reading
// up to the damage, read-only) and how to accept the loss; every open checks the chain witness, so
// a log shorter than a checkpoint it once signed is refused.
#pragma once

#include <memory>
#include <string>

#include "store/db.h"

namespace sov::store {

// Errors name the path, the WAL files and the first lost record where it can be known.
Result<std::unique_ptr<Db>> OpenLogDb(const std::string& path, const DbOptions& options);

}  // namespace sov::store
