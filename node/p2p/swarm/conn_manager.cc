#include "node/p2p/swarm/conn_manager.h"

#include <algorithm>

#include <fmt/format.h>

namespace sov::p2p {

std::vector<Closure> ConnManager::PlanTrim(std::vector<ConnLoad> live, Clock::time_point now,
                                           bool force_to_low_watermark) const {
  std::vector<Closure> out;
  struct Candidate {
    const ConnLoad* load;
    bool busy;  // holds a stream open, without traffic for trim_grace
  };
  std::vector<Candidate> trimmable;
  size_t remaining = live.size();
  for (const auto& c : live) {
    if (c.protected_peer) continue;
    const bool young = now - c.opened < trim_grace_;
    if (c.open_streams != 0) {
      if (!young && now - c.last_activity >= trim_grace_) trimmable.push_back({&c, true});
      continue;
    }
    auto quiet = now - std::max(c.last_activity, c.opened);
    if (idle_timeout_.count() > 0 && quiet >= idle_timeout_) {
      out.push_back({c.id, DisconnectCause::kIdleTimeout,
                     fmt::format("no stream for {} s", std::chrono::duration_cast<std::chrono::seconds>(quiet).count())});
      --remaining;
    } else if (!young) {
      trimmable.push_back({&c, false});
    }
  }
  if (force_to_low_watermark || remaining >= max_peers_) {
    std::stable_sort(trimmable.begin(), trimmable.end(), [](const Candidate& a, const Candidate& b) {
      if (a.busy != b.busy) return !a.busy;
      if (a.load->value != b.load->value) return a.load->value < b.load->value;
      return a.load->last_activity < b.load->last_activity;
    });
    for (const Candidate& c : trimmable) {
      if (remaining <= low_watermark_) break;
      out.push_back({c.load->id, DisconnectCause::kEvicted,
                     c.busy ? fmt::format("trimmed to the low watermark of {} connections (a stream held open "
                                          "without traffic)",
                                          low_watermark_)
                            : fmt::format("trimmed to the low watermark of {} connections", low_watermark_)});
      --remaining;
    }
  }
  return out;
}

}  // namespace sov::p2p
