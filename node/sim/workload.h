// The workload generator: a deterministic, realistic stream of finished envelopes (every event type
// the node writes except log.checkpoint_signed, which the log adds) for `sov sim`, the tests and the
// benches. One node (the origin) meets `peers` did:key peers derived from the seed: discovery, dials,
// handshakes and 24 h sessions; tool calls as flows through the firewall (rules it added, lango's
// evaluation order), the paygate (quote → authorization → settlement, or post-pay debts for trusted
// peers) and the tool's outcome, skewed per peer so reputations differ; teams (form, invite, join,
// delegate, results, conflict resolution, leave, disband) and workspaces (members, threaded messages
// of every type with metadata, git bundles, archive); node restarts with downtime.
// Every id an event names was introduced by an earlier event (a settled payment was authorized or
// deferred first, a task result follows its delegation, a rule a decision names exists). Event time
// only moves forward, by milliseconds inside a flow and seconds to minutes between activities.
// The stream depends only on the options: std::mt19937_64 with integer range mapping, no platform
// distributions, and no dependence on argument evaluation order. State is bounded: live sessions,
// connections, rules, teams, workspaces, open calls and debts are capped; memory grows only with `peers`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/event_store.h"
#include "store/base/status.h"

namespace sov::node {

inline constexpr int64_t kWorkloadEpochNs = 1767225600LL * 1000000000LL;  // 2026-01-01T00:00:00Z

struct WorkloadOptions {
  uint32_t peers = 20;
  uint64_t events = 10000;
  uint64_t seed = 1;
  int64_t start_ns = kWorkloadEpochNs;
  std::string origin_did;  // DID recorded as every event's origin; empty = derived from the seed
};

// The did:key of peer `index` (0-based) of a workload with this seed.
std::string WorkloadPeerDid(uint64_t seed, uint32_t index);
// The origin DID used when WorkloadOptions::origin_did is empty.
std::string WorkloadOriginDid(uint64_t seed);

class Workload {
 public:
  explicit Workload(const WorkloadOptions& options);
  ~Workload();
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  // The next envelopes (at most max_events); empty once options.events have been produced.
  // The stream does not depend on how it is cut into batches.
  std::vector<std::string> NextBatch(size_t max_events);
  uint64_t produced() const;
  uint64_t total() const;
  const std::string& origin_did() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Appends the whole workload to `store` in batches of `batch_size`, calling `progress` (may be null)
// after each batch. Returns the number of events appended.
Result<uint64_t> RunWorkload(pipeline::EventStore& store, const WorkloadOptions& options, size_t batch_size,
                             const std::function<void(uint64_t done, uint64_t total)>& progress);

}  // namespace sov::node
