#include "pipeline/projector.h"

namespace sov::pipeline {

Result<std::optional<std::string>> ViewTxn::Get(std::string_view key) const {
  auto it = pending_.find(key);
  if (it != pending_.end()) return it->second;
  return db_->Get(cf_, key);
}

void ViewTxn::Put(std::string_view key, std::string value) {
  auto it = pending_.find(key);
  if (it != pending_.end()) {
    it->second = std::move(value);
  } else {
    pending_.emplace(std::string(key), std::move(value));
  }
}

void ViewTxn::Delete(std::string_view key) {
  auto it = pending_.find(key);
  if (it != pending_.end()) {
    it->second.reset();
  } else {
    pending_.emplace(std::string(key), std::nullopt);
  }
}

void ViewTxn::FlushTo(store::WriteBatch* batch) {
  for (auto& [key, value] : pending_) {
    if (value.has_value()) {
      batch->Put(cf_, key, *value);
    } else {
      batch->Delete(cf_, key);
    }
  }
  pending_.clear();
}

}  // namespace sov::pipeline
