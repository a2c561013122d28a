#include "store/rocksdb_options.h"

#include <cstdarg>
#include <cstdio>
#include <mutex>

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

namespace {

class AppendOnlyLogger final : public rocksdb::Logger {
 public:
  AppendOnlyLogger(std::string path, rocksdb::InfoLogLevel level) : rocksdb::Logger(level), path_(std::move(path)) {}
  ~AppendOnlyLogger() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    std::lock_guard<std::mutex> l(mu_);
    // Opened at the first line: the database directory may not exist before RocksDB creates it.
    if (file_ == nullptr) file_ = std::fopen(path_.c_str(), "a");
    if (file_ == nullptr) return;
    std::vfprintf(file_, format, ap);
    std::fputc('\n', file_);
    std::fflush(file_);  // a failure (no space) is ignored: the next line may fit again
    std::clearerr(file_);
  }

 private:
  std::mutex mu_;
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> SovInfoLog(const std::string& file) {
  return std::make_shared<AppendOnlyLogger>(file, rocksdb::InfoLogLevel::WARN_LEVEL);
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
