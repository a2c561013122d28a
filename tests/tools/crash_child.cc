// Test helper for the crash test: appends events under sync=always to the store at argv[1] with the
// key at argv[2], from argv[3] threads, and prints "ack <seq> <count>" to stdout after each append
// returns. The parent SIGKILLs it at a random moment and then checks every acknowledged event.
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "node/identity/keystore.h"
#include "pipeline/event_store.h"
#include "store/envelope.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: crash_child DB KEY THREADS\n");
    return 2;
  }
  auto key = sov::identity::Keystore::Load(argv[2]);
  if (!key.ok()) {
    std::fprintf(stderr, "%s\n", key.status().ToString().c_str());
    return 1;
  }
  sov::pipeline::StoreOptions opts;
  opts.create_if_missing = true;
  opts.log.sync = sov::store::SyncPolicy::kAlways;
  opts.log.checkpoint_interval = 50;
  opts.log.signer = key->get();
  auto store = sov::pipeline::EventStore::Open(argv[1], opts);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const int threads = std::stoi(argv[3]);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      sov::store::EnvelopeBuilder b;
      for (uint64_t i = 0;; ++i) {
        std::vector<std::string> batch;
        size_t n = 1 + (i % 3);
        for (size_t k = 0; k < n; ++k) {
          std::string peer = "did:key:z6MkCrashPeer" + std::to_string((i + k) % 7);
          auto p = sov::fb::CreateToolSucceededDirect(b.fbb(), ("c" + std::to_string(t) + "-" + std::to_string(i)).c_str(),
                                                      peer.c_str(), "echo", 5, 10);
          batch.push_back(b.Finish(static_cast<int64_t>(1'700'000'000'000'000'000LL + i), (*key)->did(),
                                   sov::fb::Event::ToolSucceeded, p.Union()));
        }
        auto r = (*store)->Append(std::move(batch));
        if (!r.ok()) {
          std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
          std::_Exit(1);
        }
        std::printf("ack %llu %zu\n", static_cast<unsigned long long>(*r), n);
        std::fflush(stdout);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
