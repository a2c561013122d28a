// EventRecorder: hands events from the network thread to the log without blocking it. One worker
// thread appends queued envelopes in order, as few batches as it can (the log's group commit then
// makes them durable). A failed append is fatal for the recorder: it reports through `on_failure`
// and refuses further events, since a node that cannot record must not go on acting.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/event_store.h"
#include "store/base/status.h"

namespace sov::node {

class EventRecorder {
 public:
  EventRecorder(pipeline::EventStore* store, std::function<void(const Status&)> on_failure);
  ~EventRecorder();  // Close()
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Queues a finished envelope (see store::EnvelopeBuilder). Returns false once the recorder failed
  // or closed.
  bool Record(std::string envelope);
  // Waits until everything queued so far is durable; returns the first append error, if any.
  Status Flush();
  // Flushes and stops the worker.
  Status Close();
  uint64_t recorded() const;

 private:
  void Run();

  pipeline::EventStore* store_;
  std::function<void(const Status&)> on_failure_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::vector<std::string> queue_;
  uint64_t queued_ = 0, done_ = 0;
  bool closing_ = false;
  Status failed_;
  std::thread worker_;
};

}  // namespace sov::node
