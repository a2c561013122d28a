#include "pipeline/event_store.h"

#include "pipeline/all_views.h"
#include "events_generated.h"
#include "store/base/crypto.h"
#include "store/envelope.h"
#include "store/log_open.h"

namespace sov::pipeline {

static std::vector<std::string> AllFamilies(const std::vector<std::unique_ptr<Projector>>& projectors) {
  std::vector<std::string> f = {store::kLogFamily, store::kMetaFamily};
  for (auto& v : Runner::FamiliesFor(projectors)) f.push_back(std::move(v));
  return f;
}

std::vector<std::string> ViewNames() {
  std::vector<std::string> names;
  for (const auto& p : MakeAllProjectors()) names.emplace_back(p->name());
  return names;
}

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::string& path, const StoreOptions& options) {
  SOV_RETURN_IF_ERROR(crypto::Init());
  auto projectors = MakeAllProjectors();
  store::DbOptions dbo;
  dbo.mode = store::DbMode::kPrimary;
  dbo.create_if_missing = options.create_if_missing;
  dbo.column_families = AllFamilies(projectors);
  dbo.write_buffer_bytes = options.write_buffer_bytes;
  auto db = store::OpenLogDb(path, dbo);
  if (!db.ok()) return db.status();
  std::unique_ptr<EventStore> s(new EventStore());
  s->db_ = std::move(*db);
  auto reader = store::LogReader::Create(s->db_.get());
  if (!reader.ok()) return reader.status();
  s->reader_ = *reader;
  auto runner = Runner::Create(s->db_.get(), std::move(projectors));
  if (!runner.ok()) return runner.status();
  s->runner_ = std::move(*runner);
  if (options.views) SOV_RETURN_IF_ERROR(s->runner_->CatchUp(options.catch_up_progress));
  auto log = store::EventLog::Open(s->db_.get(), options.log);
  if (!log.ok()) return log.status();
  s->log_ = std::move(*log);
  if (options.views) s->log_->SetBatchHook(s->runner_.get());
  return s;
}

Result<std::unique_ptr<EventStore>> EventStore::OpenReader(const std::string& path, const std::string& secondary_dir) {
  SOV_RETURN_IF_ERROR(crypto::Init());
  store::DbOptions dbo;
  dbo.mode = store::DbMode::kSecondary;
  dbo.secondary_path = secondary_dir;
  dbo.column_families = AllFamilies(MakeAllProjectors());
  auto db = store::OpenLogDb(path, dbo);
  if (!db.ok()) return db.status();
  std::unique_ptr<EventStore> s(new EventStore());
  s->db_ = std::move(*db);
  auto reader = store::LogReader::Create(s->db_.get());
  if (!reader.ok()) return reader.status();
  s->reader_ = *reader;
  return s;
}

Result<store::RepairReport> EventStore::Repair(const std::string& path, const std::string& backup_dir,
                                               const StoreOptions& options, int64_t now_ns) {
  SOV_RETURN_IF_ERROR(crypto::Init());
  store::DbOptions dbo;
  dbo.column_families = AllFamilies(MakeAllProjectors());
  dbo.write_buffer_bytes = options.write_buffer_bytes;
  auto report = store::RepairLog(path, dbo, backup_dir);
  if (!report.ok() || !report->repaired) return report;
  auto store = Open(path, options);
  if (!store.ok()) return store.status().WithContext("opening the repaired log (the damaged files are in " + backup_dir + ")");
  store::EnvelopeBuilder b;
  auto payload = fb::CreateLogRepairedDirect(b.fbb(), report->intact_through + 1, report->signed_through,
                                             report->damage.c_str(), backup_dir.c_str());
  const std::string origin = options.log.signer != nullptr ? options.log.signer->did() : std::string();
  auto seq = (*store)->Append(b.Finish(now_ns, origin, fb::Event::LogRepaired, payload.Union()));
  if (!seq.ok()) return seq.status().WithContext("recording log.repaired");
  SOV_RETURN_IF_ERROR((*store)->Close());
  return report;
}

EventStore::~EventStore() { (void)Close(); }

Result<uint64_t> EventStore::Append(std::vector<std::string> envelopes) {
  if (!log_) return Status::NotSupported("this store was opened read-only");
  return log_->Append(std::move(envelopes));
}

Result<uint64_t> EventStore::Append(std::string envelope) {
  if (!log_) return Status::NotSupported("this store was opened read-only");
  return log_->Append(std::move(envelope));
}

Status EventStore::Refresh() { return db_ ? db_->CatchUp() : Status::OK(); }

Status EventStore::Close() {
  Status s;
  if (log_) s = log_->Close();
  // A clean close leaves no WAL to replay: the next open starts at once.
  if (s.ok() && log_ && db_) s = db_->Flush();
  log_.reset();
  runner_.reset();
  db_.reset();
  return s;
}

}  // namespace sov::pipeline
