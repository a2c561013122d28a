#include "store/log_reader.h"

#include "events_generated.h"
#include "store/base/bytes.h"

namespace sov::store {

Result<LogEntry> LogEntry::Decode(uint64_t seq, std::string bytes) {
  LogEntry e;
  e.bytes_ = std::move(bytes);
  auto v = DecodeRecord(seq, e.bytes_);
  if (!v.ok()) return v.status();
  e.view_ = *v;
  return e;
}

LogEntry& LogEntry::operator=(LogEntry&& other) noexcept {
  if (this == &other) return *this;
  // RecordView points into bytes_; std::string moves may relocate small buffers, so re-derive offsets.
  const char* old_base = other.bytes_.data();
  bytes_ = std::move(other.bytes_);
  view_ = other.view_;
  if (view_.envelope != nullptr) {
    const char* base = bytes_.data();
    auto rebase = [&](const void* p) {
      return static_cast<const void*>(base + (static_cast<const char*>(p) - old_base));
    };
    view_.envelope = static_cast<const fb::Envelope*>(rebase(view_.envelope));
    view_.envelope_bytes = std::string_view(static_cast<const char*>(rebase(view_.envelope_bytes.data())),
                                            view_.envelope_bytes.size());
    view_.chain_hash = std::string_view(static_cast<const char*>(rebase(view_.chain_hash.data())),
                                        view_.chain_hash.size());
  }
  other.view_ = RecordView();
  return *this;
}

Result<LogReader> LogReader::Create(const Db* db) {
  LogReader r;
  r.db_ = db;
  auto log = db->Family(kLogFamily);
  if (!log.ok()) return log.status();
  auto meta = db->Family(kMetaFamily);
  if (!meta.ok()) return meta.status();
  r.log_ = *log;
  r.meta_ = *meta;
  return r;
}

Result<LogHead> LogReader::Head() const {
  LogHead head;
  head.chain_hash = GenesisHash();
  auto v = db_->Get(meta_, kMetaHead);
  if (!v.ok()) return v.status();
  if (v->has_value()) {
    const std::string& s = **v;
    if (s.size() != 8 + 32) return Status::Corruption("meta/head of " + db_->path() + " is not 40 bytes");
    head.seq = *ReadBigEndian64(s);
    head.chain_hash = s.substr(8);
  }
  auto cp = db_->Get(meta_, kMetaLastCheckpoint);
  if (!cp.ok()) return cp.status();
  if (cp->has_value()) {
    auto seq = ReadBigEndian64(**cp);
    if (!seq) return Status::Corruption("meta/last_checkpoint of " + db_->path() + " is not 8 bytes");
    head.last_checkpoint_seq = *seq;
  }
  return head;
}

Result<LogEntry> LogReader::Read(uint64_t seq) const {
  auto v = db_->Get(log_, BigEndian64(seq));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("no log record " + std::to_string(seq));
  return LogEntry::Decode(seq, std::move(**v));
}

LogReader::Cursor LogReader::Scan(uint64_t from, uint64_t to) const {
  Cursor c;
  c.it_ = db_->NewIterator(log_);
  c.expected_ = from == 0 ? 1 : from;
  c.to_ = to;
  c.it_->Seek(BigEndian64(c.expected_));
  c.Load();
  return c;
}

void LogReader::Cursor::Load() {
  valid_ = false;
  if (!it_->Valid()) {
    status_ = it_->status();
    return;
  }
  auto key_seq = ReadBigEndian64(it_->key());
  if (!key_seq || it_->key().size() != 8) {
    status_ = Status::Corruption("log key that is not an 8-byte sequence after record " + std::to_string(expected_ - 1));
    return;
  }
  if (to_ != 0 && *key_seq > to_) return;
  if (*key_seq != expected_) {
    status_ = Status::Corruption("log record " + std::to_string(expected_) + " is missing (gap before " +
                                 std::to_string(*key_seq) + ")");
    return;
  }
  auto e = LogEntry::Decode(*key_seq, std::string(it_->value()));
  if (!e.ok()) {
    status_ = e.status();
    return;
  }
  entry_ = std::move(*e);
  expected_ = *key_seq + 1;
  valid_ = true;
}

void LogReader::Cursor::Next() {
  it_->Next();
  Load();
}

}  // namespace sov::store
