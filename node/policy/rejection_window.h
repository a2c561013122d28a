// RejectionWindow: keeps the log from growing with an attacker's packets. Each source IP address
// gets the first kRecordedPerWindow rejected connections of a window recorded one by one; the rest
// of that window are only counted, by reason, and come out as one summary when the window ends. So
// a reconnect loop costs a few records per minute per address, not one per connection. At most
// kMaxTrackedSources addresses are tracked at once; past that, sources share one bucket ("*").
// Pure bookkeeping: the caller passes the time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sov::policy {

inline constexpr int64_t kRejectionWindowNs = int64_t{60} * 1000 * 1000 * 1000;
inline constexpr uint32_t kRecordedPerWindow = 3;
inline constexpr size_t kMaxTrackedSources = 1024;

// The rejections of one source that were counted and not recorded, in one window.
struct RejectionSummary {
  std::string source;                       // the IP address, or "*"
  uint64_t count = 0;
  std::map<std::string, uint64_t> reasons;  // reason name -> count
  int64_t window_start_ns = 0, window_end_ns = 0;

  // The reason counted most often (ties: the first by name).
  std::string MainReason() const;
  // "12 more connections from 10.0.0.1 rejected within 60 s: limit_reached 10, timeout 2".
  std::string Text() const;
};

class RejectionWindow {
 public:
  // A rejection from `source` with `reason` at `now_ns`. Returns true when it is to be recorded on
  // its own; false when it was counted into the current window's summary. Summaries of windows
  // that ended before `now_ns` are appended to `*ended`.
  bool Observe(const std::string& source, const std::string& reason, int64_t now_ns,
               std::vector<RejectionSummary>* ended);
  // Summaries of every window that ended by `now_ns` (the windows are forgotten).
  std::vector<RejectionSummary> TakeEnded(int64_t now_ns);
  // Summaries of every window, ended or not (at shutdown).
  std::vector<RejectionSummary> TakeAll();

  size_t tracked() const { return windows_.size(); }

 private:
  struct Window {
    int64_t start_ns = 0;
    uint32_t recorded = 0;
    RejectionSummary counted;
  };
  static void Finish(Window& w, std::vector<RejectionSummary>* out);

  std::map<std::string, Window> windows_;
};

}  // namespace sov::policy
