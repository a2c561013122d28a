#include "node/event_recorder.h"

namespace sov::node {

EventRecorder::EventRecorder(pipeline::EventStore* store, std::function<void(const Status&)> on_failure)
    : store_(store), on_failure_(std::move(on_failure)), worker_([this] { Run(); }) {}

EventRecorder::~EventRecorder() { (void)Close(); }

bool EventRecorder::Record(std::string envelope) {
  {
    std::lock_guard lock(mu_);
    if (closing_ || !failed_.ok()) return false;
    queue_.push_back(std::move(envelope));
    ++queued_;
  }
  work_cv_.notify_one();
  return true;
}

Status EventRecorder::Flush() {
  std::unique_lock lock(mu_);
  uint64_t target = queued_;
  done_cv_.wait(lock, [&] { return done_ >= target || !failed_.ok(); });
  return failed_;
}

Status EventRecorder::Close() {
  {
    std::lock_guard lock(mu_);
    if (!worker_.joinable()) return failed_;
    closing_ = true;
  }
  work_cv_.notify_one();
  worker_.join();
  std::lock_guard lock(mu_);
  return failed_;
}

uint64_t EventRecorder::recorded() const {
  std::lock_guard lock(mu_);
  return done_;
}

void EventRecorder::Run() {
  for (;;) {
    std::vector<std::string> batch;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;  // closing with nothing left
      batch.swap(queue_);
    }
    size_t n = batch.size();
    auto appended = store_->Append(std::move(batch));
    std::function<void(const Status&)> report;
    {
      std::lock_guard lock(mu_);
      if (appended.ok()) {
        done_ += n;
      } else if (failed_.ok()) {
        failed_ = appended.status().WithContext("recording an event");
        queue_.clear();
        report = on_failure_;
      }
    }
    done_cv_.notify_all();
    if (report) report(appended.status());
    if (!appended.ok()) return;
  }
}

}  // namespace sov::node
