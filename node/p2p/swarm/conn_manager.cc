#include "node/p2p/swarm/conn_manager.h"

#include <algorithm>

#include <fmt/format.h>

namespace sov::p2p {

std::vector<Closure> ConnManager::PlanTrim(std::vector<ConnLoad> live, Clock::time_point now,
                                           bool force_to_low_watermark) const {
  std::vector<Closure> out;
  std::vector<const ConnLoad*> idle;
  size_t remaining = live.size();
  for (const auto& c : live) {
    if (c.protected_peer || c.open_streams != 0) continue;
    auto quiet = now - std::max(c.last_activity, c.opened);
    if (idle_timeout_.count() > 0 && quiet >= idle_timeout_) {
      out.push_back({c.id, DisconnectCause::kIdleTimeout,
                     fmt::format("no stream for {} s", std::chrono::duration_cast<std::chrono::seconds>(quiet).count())});
      --remaining;
    } else if (now - c.opened >= trim_grace_) {
      idle.push_back(&c);
    }
  }
  if (force_to_low_watermark || remaining >= max_peers_) {
    std::stable_sort(idle.begin(), idle.end(),
                     [](const ConnLoad* a, const ConnLoad* b) { return a->last_activity < b->last_activity; });
    for (const ConnLoad* c : idle) {
      if (remaining <= low_watermark_) break;
      out.push_back({c->id, DisconnectCause::kEvicted,
                     fmt::format("trimmed to the low watermark of {} connections", low_watermark_)});
      --remaining;
    }
  }
  return out;
}

}  // namespace sov::p2p
