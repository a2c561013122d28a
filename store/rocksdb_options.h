// The RocksDB tuning of sov's database, in one place: store/db.cc opens every database with it,
// and the benchmark's raw-RocksDB baseline uses the very same options. Includes RocksDB headers,
// so only those two include it.
#pragma once

#include <rocksdb/options.h>

#include <cstddef>

namespace sov::store {

rocksdb::DBOptions SovDbOptions();
rocksdb::ColumnFamilyOptions SovFamilyOptions(size_t write_buffer_bytes);

}  // namespace sov::store
