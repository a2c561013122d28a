// Shared test helpers: a temporary directory removed after the test, a store opened on it with a
// deterministic key, and terse builders for the events tests use most.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "node/identity/keystore.h"
#include "pipeline/event_store.h"
#include "store/envelope.h"

namespace sov::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A did:key made from a small integer (deterministic, valid Ed25519 did:key).
std::string TestDid(int n);

// The nanosecond time of day `day` + `seconds` after a fixed epoch (2026-01-01T00:00:00Z).
int64_t T(int64_t seconds, int64_t day = 0);

// A keystore with a fixed seed (n) in `dir`.
std::unique_ptr<identity::Keystore> TestKey(const std::string& dir, int n = 1);

// Opens (creating) a store at `path` signed by `key`, checkpoint every `checkpoint_interval`.
std::unique_ptr<pipeline::EventStore> OpenStore(const std::string& path, const identity::Keystore* key,
                                                uint64_t checkpoint_interval = 1000,
                                                store::SyncPolicy sync = store::SyncPolicy::kNone);

// Builds one finished envelope: `make(fbb)` returns the payload offset of type `type`.
template <class Make>
std::string Event(int64_t ts, fb::Event type, Make&& make, const std::string& origin = TestDid(0)) {
  store::EnvelopeBuilder b;
  auto payload = make(b.fbb());
  return b.Finish(ts, origin, type, payload.Union());
}

// Appends events one batch at a time and fails the test on error.
uint64_t AppendAll(pipeline::EventStore& s, std::vector<std::string> events);

}  // namespace sov::testing
