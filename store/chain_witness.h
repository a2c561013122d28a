// The chain witness: the latest durable signed checkpoint (its sequence and the chain hash it
// signed), kept in its own fsynced file beside the RocksDB files (db/SOV-CHAIN-WITNESS), outside the
// WAL. A log that ends before the witnessed record, or whose record there has another hash, has lost
// or changed records that were once signed, whatever happened to the WAL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/base/status.h"

namespace sov::store {

class Db;
class LogReader;

inline constexpr const char* kWitnessFileName = "SOV-CHAIN-WITNESS";

struct ChainWitness {
  uint64_t seq = 0;        // the record the checkpoint signed
  std::string chain_hash;  // its chain hash (32 bytes)
};

std::string WitnessPath(const std::string& db_path);
// nullopt when there is no witness yet (a log that never signed a durable checkpoint, or a restored
// backup). A file that does not parse is Corruption naming it.
Result<std::optional<ChainWitness>> ReadWitness(const std::string& db_path);
// Replaces the witness atomically: a temporary file, fsync, rename, fsync of the directory.
Status WriteWitness(const std::string& db_path, const ChainWitness& witness);
Status RemoveWitness(const std::string& db_path);
// OK when the log reaches the witnessed record with the witnessed hash (or there is no witness).
// Otherwise Corruption naming both sequences. A secondary catches up with its writer before it
// concludes that records are missing.
Status CheckWitness(Db& db, const LogReader& reader);

}  // namespace sov::store
