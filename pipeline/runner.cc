#include "pipeline/runner.h"

#include <map>

#include "store/base/bytes.h"
#include "store/base/crypto.h"
#include "views_generated.h"

namespace sov::pipeline {

std::string Runner::EncodeCheckpoint(uint64_t seq, uint32_t version) {
  flatbuffers::FlatBufferBuilder fbb(64);
  fbb.Finish(fb::CreateViewCheckpoint(fbb, seq, version));
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

Result<std::pair<uint64_t, uint32_t>> ReadViewCheckpoint(const store::Db& db, store::Cf cf, std::string_view view) {
  auto v = db.Get(cf, kCheckpointKey);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::pair<uint64_t, uint32_t>{0, 0};
  const std::string& s = **v;
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  if (!verifier.VerifyBuffer<fb::ViewCheckpoint>(nullptr)) {
    return Status::Corruption("view " + std::string(view) + ": checkpoint fails FlatBuffers verification");
  }
  auto* cp = flatbuffers::GetRoot<fb::ViewCheckpoint>(s.data());
  return std::pair<uint64_t, uint32_t>{cp->seq(), cp->version()};
}

Result<std::string> ViewDigest(const store::Db& db, std::string_view view) {
  auto cf = db.Family(ViewFamily(view));
  if (!cf.ok()) return Status::NotFound("unknown view '" + std::string(view) + "'");
  crypto::Blake2b256 h;
  auto it = db.NewIterator(*cf);
  std::string frame;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    frame.clear();
    PutLengthPrefixed(&frame, it->key());
    PutLengthPrefixed(&frame, it->value());
    h.Update(frame);
  }
  SOV_RETURN_IF_ERROR(it->status());
  return ToHex(h.Final());
}

Runner::Runner(store::Db* db, std::vector<std::unique_ptr<Projector>> projectors, std::vector<store::Cf> families,
               store::LogReader reader)
    : db_(db), projectors_(std::move(projectors)), families_(std::move(families)), reader_(std::move(reader)) {}

std::vector<std::string> Runner::FamiliesFor(const std::vector<std::unique_ptr<Projector>>& projectors) {
  std::vector<std::string> out;
  for (const auto& p : projectors) out.push_back(ViewFamily(p->name()));
  return out;
}

Result<std::unique_ptr<Runner>> Runner::Create(store::Db* db, std::vector<std::unique_ptr<Projector>> projectors) {
  std::vector<store::Cf> families;
  for (const auto& p : projectors) {
    auto cf = db->Family(ViewFamily(p->name()));
    if (!cf.ok()) return cf.status();
    families.push_back(*cf);
  }
  auto reader = store::LogReader::Create(db);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<Runner>(new Runner(db, std::move(projectors), std::move(families), std::move(*reader)));
}

Status Runner::OnBatch(std::span<const store::RecordView> records, store::WriteBatch* batch) {
  if (records.empty()) return Status::OK();
  const uint64_t last = records.back().seq;
  for (size_t i = 0; i < projectors_.size(); ++i) {
    ViewTxn txn(db_, families_[i]);
    for (const auto& r : records) {
      Status s = projectors_[i]->Apply(r, txn);
      if (!s.ok()) return s.WithContext("view " + std::string(projectors_[i]->name()) + " at record " + std::to_string(r.seq));
    }
    txn.FlushTo(batch);
    batch->Put(families_[i], kCheckpointKey, EncodeCheckpoint(last, projectors_[i]->version()));
  }
  return Status::OK();
}

Status Runner::FoldRange(const std::vector<size_t>& indices, uint64_t from, uint64_t to,
                         const ProgressFn& progress) {
  constexpr size_t kChunk = 4096;
  if (indices.empty()) return Status::OK();
  const std::string label = indices.size() == 1 ? std::string(projectors_[indices[0]]->name()) : "all views";
  std::vector<ViewTxn> txns;
  for (size_t i : indices) txns.emplace_back(db_, families_[i]);
  auto cursor = reader_.Scan(from, to);
  uint64_t done = 0;
  const uint64_t total = to >= from ? to - from + 1 : 0;
  uint64_t last = from - 1;
  auto flush = [&]() -> Status {
    store::WriteBatch batch(*db_);
    for (size_t k = 0; k < indices.size(); ++k) {
      txns[k].FlushTo(&batch);
      batch.Put(families_[indices[k]], kCheckpointKey, EncodeCheckpoint(last, projectors_[indices[k]]->version()));
    }
    return db_->Write(&batch, false);
  };
  size_t in_chunk = 0;
  for (; cursor.Valid(); cursor.Next()) {
    const auto& rec = cursor.entry().view();
    for (size_t k = 0; k < indices.size(); ++k) {
      Projector& p = *projectors_[indices[k]];
      Status s = p.Apply(rec, txns[k]);
      if (!s.ok()) return s.WithContext("view " + std::string(p.name()) + " at record " + std::to_string(rec.seq));
    }
    last = rec.seq;
    ++done;
    if (++in_chunk == kChunk) {
      SOV_RETURN_IF_ERROR(flush());
      in_chunk = 0;
      if (progress) progress(label, done, total);
    }
  }
  SOV_RETURN_IF_ERROR(cursor.status().WithContext("folding " + label));
  if (last != to) {
    return Status::Corruption(label + ": log ended at record " + std::to_string(last) + ", expected " +
                              std::to_string(to));
  }
  SOV_RETURN_IF_ERROR(flush());
  if (progress) progress(label, done, total);
  return Status::OK();
}

Status Runner::CatchUp(const ProgressFn& progress) {
  auto head = reader_.Head();
  if (!head.ok()) return head.status();
  std::map<uint64_t, std::vector<size_t>> lagging;  // checkpoint -> views at it
  std::vector<size_t> outdated;                      // folded by another projector version
  for (size_t i = 0; i < projectors_.size(); ++i) {
    auto cp = ReadViewCheckpoint(*db_, families_[i], projectors_[i]->name());
    if (!cp.ok()) return cp.status();
    auto [seq, version] = *cp;
    if (version != 0 && version != projectors_[i]->version()) {
      // Refolded aside and swapped in, never dropped and created again: a RocksDB secondary can
      // miss the files of a family recreated under the same name, and readers would see it empty.
      outdated.push_back(i);
      continue;
    }
    if (seq > head->seq) {
      return Status::Corruption("view " + std::string(projectors_[i]->name()) + " is at record " + std::to_string(seq) +
                                " beyond the log head " + std::to_string(head->seq));
    }
    if (seq < head->seq || version == 0) lagging[seq].push_back(i);
  }
  if (!outdated.empty()) SOV_RETURN_IF_ERROR(RebuildAside(outdated, progress));
  for (const auto& [seq, indices] : lagging) SOV_RETURN_IF_ERROR(FoldRange(indices, seq + 1, head->seq, progress));
  return Status::OK();
}

Status Runner::Rebuild(std::string_view view, const ProgressFn& progress) {
  for (size_t i = 0; i < projectors_.size(); ++i) {
    if (projectors_[i]->name() == view) return RebuildAside({i}, progress);
  }
  return Status::NotFound("unknown view '" + std::string(view) + "'");
}

Status Runner::RebuildAll(const ProgressFn& progress) {
  std::vector<size_t> all;
  for (size_t i = 0; i < projectors_.size(); ++i) all.push_back(i);
  return RebuildAside(all, progress);
}

Status Runner::RebuildAside(const std::vector<size_t>& indices, const ProgressFn& progress) {
  auto head = reader_.Head();
  if (!head.ok()) return head.status();
  // Fold into scratch families while the live views stay as they are; swap them in only when every
  // one is complete. A rebuild that fails (a damaged record, a full disk) changes no view.
  std::vector<store::Cf> live, scratch;
  Status s;
  for (size_t i : indices) {
    auto cf = db_->CreateScratchFamily("rebuild." + std::string(projectors_[i]->name()));
    if (!cf.ok()) {
      s = cf.status();
      break;
    }
    live.push_back(families_[i]);
    scratch.push_back(*cf);
    families_[i] = *cf;
  }
  if (s.ok()) s = FoldRange(indices, 1, head->seq, progress);
  for (size_t k = 0; k < live.size(); ++k) families_[indices[k]] = live[k];
  if (s.ok()) {
    std::vector<std::pair<store::Cf, store::Cf>> swap;
    for (size_t k = 0; k < live.size(); ++k) swap.emplace_back(live[k], scratch[k]);
    s = db_->ReplaceFamilies(swap);
  }
  for (store::Cf cf : scratch) (void)db_->DropScratchFamily(cf);  // best effort: a leftover is dropped next time
  if (!s.ok()) return s.WithContext("rebuild failed; the views are as they were");
  return Status::OK();
}

Result<std::vector<ViewState>> Runner::States() const {
  std::vector<ViewState> out;
  for (size_t i = 0; i < projectors_.size(); ++i) {
    auto cp = ReadViewCheckpoint(*db_, families_[i], projectors_[i]->name());
    if (!cp.ok()) return cp.status();
    out.push_back({std::string(projectors_[i]->name()), projectors_[i]->version(), cp->second, cp->first});
  }
  return out;
}

}  // namespace sov::pipeline
