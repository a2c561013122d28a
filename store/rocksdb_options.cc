#include "store/rocksdb_options.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

namespace sov::store {

rocksdb::DBOptions SovDbOptions() {
  rocksdb::DBOptions dbo;
  dbo.max_background_jobs = 2;
  dbo.bytes_per_sync = 1 << 20;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  dbo.keep_log_file_num = 2;
  dbo.max_manifest_file_size = 64u << 20;
  // One application thread writes; pipelining overlaps its WAL write with its memtable insert.
  dbo.enable_pipelined_write = true;
  return dbo;
}

rocksdb::ColumnFamilyOptions SovFamilyOptions(size_t write_buffer_bytes) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = write_buffer_bytes;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10, false));
  table.block_size = 16 * 1024;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.level_compaction_dynamic_level_bytes = true;
  // Batches reach RocksDB sorted (projectors coalesce into ordered maps); with a hint per leading
  // key byte (the record kind in every view) each insert starts from the previous one's position
  // in the memtable instead of from the top of the skiplist.
  cf.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
  return cf;
}

}  // namespace sov::store
