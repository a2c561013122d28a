#include "store/event_log.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <semaphore>
#include <thread>

#include "events_generated.h"
#include "store/base/bytes.h"
#include "store/chain_witness.h"
#include "store/envelope.h"
#include "store/log_format.h"

namespace sov::store {

Result<SyncPolicy> ParseSyncPolicy(std::string_view name) {
  if (name == "always") return SyncPolicy::kAlways;
  if (name == "batch") return SyncPolicy::kBatch;
  if (name == "none") return SyncPolicy::kNone;
  return Status::InvalidArgument("sync policy must be always, batch or none, not '" + std::string(name) + "'");
}

const char* SyncPolicyName(SyncPolicy p) {
  switch (p) {
    case SyncPolicy::kAlways: return "always";
    case SyncPolicy::kBatch: return "batch";
    case SyncPolicy::kNone: return "none";
  }
  return "?";
}

namespace {

struct Request {
  std::vector<std::string> records;  // envelopes with room for their chain hash, unsealed
  Status status;
  uint64_t first_seq = 0;
  std::binary_semaphore done{0};  // released once status is final: wakes exactly this appender
};

// A group written to RocksDB whose WAL still awaits the fsync that makes it durable.
struct WrittenGroup {
  std::vector<Request*> requests;
  uint64_t last_seq = 0;
  std::optional<ChainWitness> signed_checkpoint;  // the last checkpoint this group carries
};

const fb::Envelope* RecordEnvelopeOf(const std::string& record_bytes) { return fb::GetEnvelope(record_bytes.data()); }

}  // namespace

struct EventLog::Impl {
  Db* db = nullptr;
  LogOptions options;
  LogReader reader;
  BatchHook* hook = nullptr;

  std::mutex mu;
  std::condition_variable work_cv;   // writer waits for requests
  std::condition_variable sync_cv;   // syncer waits for written groups
  std::condition_variable head_cv;   // subscribers wait for new durable records
  std::deque<Request*> queue;
  std::deque<WrittenGroup> unsynced;  // sync=always: written, not yet fsynced, in order
  bool stopping = false;
  bool syncer_stopping = false;
  bool closed = false;
  Status failed;            // after a failed fsync nothing more is acknowledged
  // The latest checkpoint written (guarded by mu), and the latest one the witness file names
  // (syncing threads only: the writer for batch/none, the syncer for always).
  std::optional<ChainWitness> last_signed;
  uint64_t witnessed_seq = 0;
  LogHead head;             // guarded by mu; written by the writer thread
  uint64_t durable_seq = 0; // guarded by mu; what subscribers may see
  std::thread writer;
  std::thread syncer;
  std::chrono::steady_clock::time_point last_sync = std::chrono::steady_clock::now();

  void Complete(const std::vector<Request*>& group, const Status& s, uint64_t last_seq);
  // Syncer thread (sync=always): fsyncs the WAL once for every group written so far, so the
  // writer builds and writes the next group while the disk flushes the previous ones.
  void SyncLoop();
  // Writer-thread only.
  void Run();
  // Writes the group; `signed_checkpoint` gets the last checkpoint it carries, `synced` whether it
  // fsynced the WAL (sync=batch at the end of an interval).
  Status CommitGroup(std::vector<Request*>& group, std::optional<ChainWitness>* signed_checkpoint, bool* synced);
  // Marks the log failed (the first failure is kept): every later append gets it.
  void Fail(const Status& why) {
    std::lock_guard<std::mutex> l(mu);
    if (failed.ok()) failed = why.WithContext("the log at " + db->path() + " failed and accepts no more appends");
  }
  // After an fsync that made `checkpoint` durable: the witness file names it (if it is newer).
  Status Witness(const std::optional<ChainWitness>& checkpoint);
  // A log.checkpoint_signed envelope signing (checkpoint_seq, chain_hash), timed like the record it signs.
  std::string MakeCheckpointEnvelope(uint64_t checkpoint_seq, const std::string& chain_hash, int64_t ts) const;
};

EventLog::EventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EventLog::~EventLog() { (void)Close(); }

Result<std::unique_ptr<EventLog>> EventLog::Open(Db* db, const LogOptions& options) {
  if (db->mode() != DbMode::kPrimary) return Status::InvalidArgument("EventLog needs the primary (writer) database");
  auto impl = std::make_unique<Impl>();
  impl->db = db;
  impl->options = options;
  auto reader = LogReader::Create(db);
  if (!reader.ok()) return reader.status();
  impl->reader = std::move(*reader);
  auto head = impl->reader.Head();
  if (!head.ok()) return head.status();
  impl->head = *head;
  impl->durable_seq = head->seq;
  auto witness = ReadWitness(db->path());
  if (!witness.ok()) return witness.status();
  if (witness->has_value()) impl->witnessed_seq = (*witness)->seq;

  auto meta_cf = impl->reader.meta_family();
  auto format = db->Get(meta_cf, kMetaFormat);
  if (!format.ok()) return format.status();
  if (!format->has_value()) {
    WriteBatch b(*db);
    b.Put(meta_cf, kMetaFormat, kFormatVersion);
    SOV_RETURN_IF_ERROR(db->Write(&b, true));
  } else if (**format != kFormatVersion) {
    return Status::NotSupported("the log at " + db->path() + " has format '" + **format + "', this sov reads " +
                                kFormatVersion);
  }
  // The head must name the last record: they are written in the same batch.
  auto it = db->NewIterator(impl->reader.log_family());
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) last = ReadBigEndian64(it->key()).value_or(0);
  SOV_RETURN_IF_ERROR(it->status());
  if (last != impl->head.seq) {
    return Status::Corruption("the log at " + db->path() + " ends at record " + std::to_string(last) +
                              " but its head says " + std::to_string(impl->head.seq));
  }
  Impl* raw = impl.get();
  impl->writer = std::thread([raw] { raw->Run(); });
  if (options.sync == SyncPolicy::kAlways) impl->syncer = std::thread([raw] { raw->SyncLoop(); });
  return std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
}

void EventLog::SetBatchHook(BatchHook* hook) { impl_->hook = hook; }

LogHead EventLog::head() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->head;
}

const LogReader& EventLog::reader() const { return impl_->reader; }

Result<uint64_t> EventLog::Append(std::string envelope) {
  std::vector<std::string> v;
  v.push_back(std::move(envelope));
  return Append(std::move(v));
}

Result<uint64_t> EventLog::Append(std::vector<std::string> envelopes) {
  if (envelopes.empty()) return Status::InvalidArgument("append of no events");
  Request req;
  req.records.reserve(envelopes.size());
  for (size_t i = 0; i < envelopes.size(); ++i) {
    Status s = CheckEnvelope(envelopes[i]);
    if (!s.ok()) return s.WithContext("event " + std::to_string(i) + " of the append");
    req.records.push_back(WrapEnvelope(std::move(envelopes[i])));
  }
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    if (impl_->stopping) return Status::Aborted("the log at " + impl_->db->path() + " is closed");
    if (!impl_->failed.ok()) return impl_->failed;
    impl_->queue.push_back(&req);
  }
  impl_->work_cv.notify_one();
  req.done.acquire();
  if (!req.status.ok()) return req.status;
  return req.first_seq;
}

void EventLog::Impl::Complete(const std::vector<Request*>& group, const Status& s, uint64_t last_seq) {
  {
    std::lock_guard<std::mutex> l(mu);
    if (s.ok() && last_seq > durable_seq) durable_seq = last_seq;
  }
  for (Request* r : group) {
    r->status = s;
    r->done.release();
  }
  head_cv.notify_all();
}

void EventLog::Impl::Run() {
  std::vector<Request*> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu);
      work_cv.wait(l, [&] { return stopping || !queue.empty(); });
      if (queue.empty() && stopping) return;
      size_t n = 0;
      while (!queue.empty() && (group.empty() || n + queue.front()->records.size() <= options.max_group_records)) {
        n += queue.front()->records.size();
        group.push_back(queue.front());
        queue.pop_front();
      }
    }
    Status s;
    {
      std::lock_guard<std::mutex> l(mu);
      s = failed;
    }
    std::optional<ChainWitness> signed_checkpoint;
    bool synced = false;
    if (s.ok()) {
      s = CommitGroup(group, &signed_checkpoint, &synced);
      // A failed write or sync fails the log: RocksDB's WAL may not be written again through this
      // handle (store::Db refuses it), so no later append is even tried.
      if (!s.ok() && !db->failure().ok()) Fail(db->failure());
    }
    if (s.ok() && synced) {
      std::optional<ChainWitness> latest;
      {
        std::lock_guard<std::mutex> l(mu);
        latest = last_signed;
      }
      // The group is durable: its appends succeed; a witness that cannot be written fails the
      // appends after it.
      if (Status w = Witness(latest); !w.ok()) Fail(w);
    }
    if (!s.ok() || options.sync != SyncPolicy::kAlways) {
      uint64_t last;
      {
        std::lock_guard<std::mutex> l(mu);
        last = head.seq;
      }
      Complete(group, s, last);
      group.clear();
      continue;
    }
    {
      std::lock_guard<std::mutex> l(mu);
      unsynced.push_back(WrittenGroup{std::move(group), head.seq, std::move(signed_checkpoint)});
    }
    sync_cv.notify_one();
    group = {};
  }
}

void EventLog::Impl::SyncLoop() {
  for (;;) {
    std::deque<WrittenGroup> groups;
    {
      std::unique_lock<std::mutex> l(mu);
      sync_cv.wait(l, [&] { return syncer_stopping || !unsynced.empty(); });
      if (unsynced.empty() && syncer_stopping) return;
      groups.swap(unsynced);
    }
    // One fsync makes every group written before it durable.
    Status s = db->SyncWal();
    if (!s.ok()) {
      Fail(s);
      std::lock_guard<std::mutex> l(mu);
      s = failed;
    } else {
      std::optional<ChainWitness> latest;
      for (const auto& g : groups) {
        if (g.signed_checkpoint) latest = g.signed_checkpoint;
      }
      // These groups are durable and succeed; a witness that cannot be written fails what follows.
      if (Status w = Witness(latest); !w.ok()) Fail(w);
    }
    for (auto& g : groups) Complete(g.requests, s, g.last_seq);
  }
}

std::string EventLog::Impl::MakeCheckpointEnvelope(uint64_t checkpoint_seq, const std::string& chain_hash,
                                                   int64_t ts) const {
  std::string sig = options.signer->Sign(CheckpointMessage(checkpoint_seq, chain_hash));
  EnvelopeBuilder b;
  auto hash = b.fbb().CreateVector(reinterpret_cast<const uint8_t*>(chain_hash.data()), chain_hash.size());
  auto did = b.fbb().CreateString(options.signer->did());
  auto sigv = b.fbb().CreateVector(reinterpret_cast<const uint8_t*>(sig.data()), sig.size());
  auto payload = fb::CreateLogCheckpointSigned(b.fbb(), checkpoint_seq, hash, did, sigv);
  return b.Finish(ts, options.signer->did(), fb::Event::LogCheckpointSigned, payload.Union());
}

Status EventLog::Impl::Witness(const std::optional<ChainWitness>& checkpoint) {
  if (!checkpoint || checkpoint->seq <= witnessed_seq) return Status::OK();
  SOV_RETURN_IF_ERROR(WriteWitness(db->path(), *checkpoint));
  witnessed_seq = checkpoint->seq;
  return Status::OK();
}

Status EventLog::Impl::CommitGroup(std::vector<Request*>& group, std::optional<ChainWitness>* signed_checkpoint,
                                   bool* synced) {
  LogHead h;
  {
    std::lock_guard<std::mutex> l(mu);
    h = head;
  }
  const LogHead before = h;
  // Checkpoints created for this group live here so their bytes outlive the batch.
  std::deque<std::string> checkpoints;
  std::vector<std::string*> sealed;  // in sequence order
  int64_t last_ts = 0;
  auto seal = [&](std::string* rec) {
    ++h.seq;
    h.chain_hash = SealRecord(rec, h.seq, h.chain_hash);
    sealed.push_back(rec);
  };
  const bool signing = options.signer != nullptr && options.checkpoint_interval > 0;
  for (Request* r : group) {
    r->first_seq = h.seq + 1;
    for (auto& rec : r->records) {
      seal(&rec);
      auto* env = RecordEnvelopeOf(rec);
      last_ts = env->timestamp_ns();
      if (auto* cp = env->payload_as_LogCheckpointSigned()) {
        h.last_checkpoint_seq = cp->checkpoint_seq();
        if (cp->chain_hash() != nullptr) {
          *signed_checkpoint = ChainWitness{cp->checkpoint_seq(), std::string(reinterpret_cast<const char*>(
                                                                                   cp->chain_hash()->data()),
                                                                               cp->chain_hash()->size())};
        }
      }
    }
    // Checkpoints go between appends, never inside one: an append of n events occupies
    // first_seq .. first_seq + n - 1.
    if (signing && h.seq - h.last_checkpoint_seq >= options.checkpoint_interval) {
      const uint64_t signed_seq = h.seq;
      *signed_checkpoint = ChainWitness{h.seq, h.chain_hash};
      checkpoints.push_back(WrapEnvelope(MakeCheckpointEnvelope(h.seq, h.chain_hash, last_ts)));
      seal(&checkpoints.back());
      h.last_checkpoint_seq = signed_seq;
    }
  }

  WriteBatch batch(*db);
  std::vector<RecordView> views;
  views.reserve(sealed.size());
  for (std::string* rec : sealed) {
    auto* env = RecordEnvelopeOf(*rec);
    uint64_t seq = env->seq();
    batch.Put(reader.log_family(), BigEndian64(seq), *rec);
    RecordView v;
    v.seq = seq;
    v.envelope = env;
    v.envelope_bytes = RecordEnvelope(*rec);
    v.chain_hash = std::string_view(*rec).substr(rec->size() - kChainHashBytes);
    views.push_back(v);
  }
  if (hook != nullptr) {
    Status s = hook->OnBatch(views, &batch);
    if (!s.ok()) return s.WithContext("projecting records " + std::to_string(before.seq + 1) + ".." + std::to_string(h.seq));
  }
  std::string head_value = BigEndian64(h.seq) + h.chain_hash;
  batch.Put(reader.meta_family(), kMetaHead, head_value);
  if (h.last_checkpoint_seq != before.last_checkpoint_seq) {
    batch.Put(reader.meta_family(), kMetaLastCheckpoint, BigEndian64(h.last_checkpoint_seq));
  }
  // sync=always: written here, fsynced by the syncer before any of these appends returns.
  Status s = db->Write(&batch, /*sync=*/false);
  if (!s.ok()) return s;
  if (options.sync == SyncPolicy::kBatch) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_sync >= options.sync_interval) {
      SOV_RETURN_IF_ERROR(db->SyncWal());
      last_sync = now;
      *synced = true;
    }
  }
  std::lock_guard<std::mutex> l(mu);
  head = h;
  if (*signed_checkpoint) last_signed = *signed_checkpoint;
  return Status::OK();
}

EventLog::Subscription EventLog::Subscribe(uint64_t from) {
  Subscription s;
  s.log_ = this;
  s.next_ = from == 0 ? 1 : from;
  return s;
}

Result<std::optional<LogEntry>> EventLog::Subscription::Next(std::chrono::milliseconds timeout) {
  Impl* impl = log_->impl_.get();
  {
    std::unique_lock<std::mutex> l(impl->mu);
    if (!impl->head_cv.wait_for(l, timeout, [&] { return impl->durable_seq >= next_ || impl->closed; })) {
      return std::optional<LogEntry>();
    }
    if (impl->durable_seq < next_) return std::optional<LogEntry>();
  }
  auto e = impl->reader.Read(next_);
  if (!e.ok()) return e.status();
  ++next_;
  return std::optional<LogEntry>(std::move(*e));
}

Status EventLog::Close() {
  if (!impl_ || impl_->closed) return Status::OK();
  Status result;
  LogHead h = head();
  // The record after the signed one is that checkpoint itself: nothing new to sign then.
  if (impl_->options.signer != nullptr && h.seq > h.last_checkpoint_seq + 1) {
    // The final checkpoint goes through the queue like any append, so the hook folds it too.
    int64_t ts = 0;
    auto last = impl_->reader.Read(h.seq);
    if (last.ok()) ts = last->envelope().timestamp_ns();
    auto r = Append(impl_->MakeCheckpointEnvelope(h.seq, h.chain_hash, ts));
    if (!r.ok()) result = r.status();
  }
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->stopping = true;
  }
  impl_->work_cv.notify_all();
  if (impl_->writer.joinable()) impl_->writer.join();
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->syncer_stopping = true;
  }
  impl_->sync_cv.notify_all();
  if (impl_->syncer.joinable()) impl_->syncer.join();
  if (result.ok() && impl_->options.sync != SyncPolicy::kAlways) result = impl_->db->SyncWal();
  if (result.ok()) {
    std::optional<ChainWitness> latest;
    {
      std::lock_guard<std::mutex> l(impl_->mu);
      latest = impl_->last_signed;
    }
    result = impl_->Witness(latest);
  }
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->closed = true;
  }
  impl_->head_cv.notify_all();
  return result;
}

}  // namespace sov::store
