// The RocksDB tuning of sov's database, in one place: store/db.cc opens every database with it,
// and the benchmark's raw-RocksDB baseline uses the very same options. Includes RocksDB headers,
// so only those two include it.
#pragma once

#include <memory>
#include <string>

#include <rocksdb/options.h>

#include <cstddef>

namespace sov::store {

rocksdb::DBOptions SovDbOptions();

// RocksDB's own info log (the LOG file) as a plain append to `file` that ignores write errors.
// RocksDB's default logger aborts the process when it writes again after a failed write, which a
// full disk causes; a diagnostic file must never take the node down.
std::shared_ptr<rocksdb::Logger> SovInfoLog(const std::string& file);
rocksdb::ColumnFamilyOptions SovFamilyOptions(size_t write_buffer_bytes);

}  // namespace sov::store
