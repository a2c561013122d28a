#include "node/policy/rejection_window.h"

#include <fmt/format.h>

namespace sov::policy {

std::string RejectionSummary::MainReason() const {
  std::string best;
  uint64_t most = 0;
  for (const auto& [reason, n] : reasons) {
    if (n > most) {
      best = reason;
      most = n;
    }
  }
  return best;
}

std::string RejectionSummary::Text() const {
  std::string by_reason;
  for (const auto& [reason, n] : reasons) {
    by_reason += fmt::format("{}{} {}", by_reason.empty() ? "" : ", ", reason, n);
  }
  return fmt::format("{} more connections from {} rejected within {} s: {}", count,
                     source == "*" ? "other sources" : source, kRejectionWindowNs / 1000000000, by_reason);
}

void RejectionWindow::Finish(Window& w, std::vector<RejectionSummary>* out) {
  if (w.counted.count == 0) return;
  w.counted.window_start_ns = w.start_ns;
  w.counted.window_end_ns = w.start_ns + kRejectionWindowNs;
  out->push_back(std::move(w.counted));
}

bool RejectionWindow::Observe(const std::string& source, const std::string& reason, int64_t now_ns,
                              std::vector<RejectionSummary>* ended) {
  for (auto& s : TakeEnded(now_ns)) ended->push_back(std::move(s));
  auto it = windows_.find(source);
  if (it == windows_.end()) {
    const std::string key = windows_.size() >= kMaxTrackedSources ? "*" : source;
    it = windows_.find(key);
    if (it == windows_.end()) {
      it = windows_.emplace(key, Window{}).first;
      it->second.start_ns = now_ns;
      it->second.counted.source = key;
    }
  }
  Window& w = it->second;
  if (w.recorded < kRecordedPerWindow) {
    ++w.recorded;
    return true;
  }
  ++w.counted.count;
  ++w.counted.reasons[reason];
  return false;
}

std::vector<RejectionSummary> RejectionWindow::TakeEnded(int64_t now_ns) {
  std::vector<RejectionSummary> out;
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now_ns - it->second.start_ns >= kRejectionWindowNs) {
      Finish(it->second, &out);
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<RejectionSummary> RejectionWindow::TakeAll() {
  std::vector<RejectionSummary> out;
  for (auto& [source, w] : windows_) Finish(w, &out);
  windows_.clear();
  return out;
}

}  // namespace sov::policy
