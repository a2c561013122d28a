#include "node/sim/workload.h"

#include <algorithm>
#include <utility>

#include "node/sim/workload_generator.h"
#include "node/sim/workload_rng.h"
#include "store/base/crypto.h"

// The generator itself is node/workload_generator.h and the files it names; this file is the public
// API around it.

namespace sov::node {

std::string WorkloadPeerDid(uint64_t seed, uint32_t index) {
  (void)crypto::Init();
  return workload_internal::PeerIdentity(seed, index).did;
}

std::string WorkloadOriginDid(uint64_t seed) {
  (void)crypto::Init();
  return workload_internal::OriginIdentity(seed).did;
}

struct Workload::Impl {
  explicit Impl(const WorkloadOptions& options) : gen(options) {}
  workload_internal::Generator gen;
  uint64_t produced = 0;  // handed out by NextBatch
};

Workload::Workload(const WorkloadOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Workload::~Workload() = default;

std::vector<std::string> Workload::NextBatch(size_t max_events) {
  std::vector<std::string> batch;
  const uint64_t left = impl_->gen.opt.events - impl_->produced;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(max_events, left));
  batch.reserve(want);
  while (batch.size() < want) {
    if (impl_->gen.out.empty()) impl_->gen.Step();
    batch.push_back(std::move(impl_->gen.out.front()));
    impl_->gen.out.pop_front();
  }
  impl_->produced += batch.size();
  return batch;
}

uint64_t Workload::produced() const { return impl_->produced; }
uint64_t Workload::total() const { return impl_->gen.opt.events; }
const std::string& Workload::origin_did() const { return impl_->gen.opt.origin_did; }

Result<uint64_t> RunWorkload(pipeline::EventStore& store, const WorkloadOptions& options, size_t batch_size,
                             const std::function<void(uint64_t done, uint64_t total)>& progress) {
  if (batch_size == 0) return Status::InvalidArgument("workload batch size must be at least 1");
  Workload w(options);
  uint64_t done = 0;
  for (;;) {
    auto batch = w.NextBatch(batch_size);
    if (batch.empty()) break;
    const size_t n = batch.size();
    auto r = store.Append(std::move(batch));
    if (!r.ok()) return r.status().WithContext("appending workload events " + std::to_string(done + 1) + ".." +
                                               std::to_string(done + n));
    done += n;
    if (progress) progress(done, w.total());
  }
  return done;
}

}  // namespace sov::node
