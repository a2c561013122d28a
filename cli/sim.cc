// `sov sim --peers N --events M [--seed S] [--batch B]`: appends a deterministic, realistic workload
// (node/workload.h) to the home's log as its single writer, with this node's DID as origin, then
// prints what it appended and how fast.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/context.h"
#include "node/sim/workload.h"

namespace sov::cli {

namespace {

struct SimFlags {  // signed, so a negative value is reported as given
  int64_t peers = 20;
  int64_t events = 10000;
  uint64_t seed = 1;
  int64_t batch = 1000;
};

Status Validate(const SimFlags& f) {
  if (f.peers < 2 || f.peers > 100000) {
    return Status::InvalidArgument("--peers must be between 2 and 100000, not " + std::to_string(f.peers));
  }
  if (f.events < 1 || f.events > 1000000000) {
    return Status::InvalidArgument("--events must be between 1 and 1000000000, not " + std::to_string(f.events));
  }
  if (f.batch < 1 || f.batch > 100000) {
    return Status::InvalidArgument("--batch must be between 1 and 100000, not " + std::to_string(f.batch));
  }
  return Status::OK();
}

int Run(Context& ctx, const SimFlags& f) {
  Status valid = Validate(f);
  if (!valid.ok()) return Fail(valid);
  auto h = WriteHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  pipeline::EventStore& store = *(*h)->store;
  auto head = store.reader().Head();
  if (!head.ok()) return Fail(head.status());
  const uint64_t first_seq = head->seq + 1;

  node::WorkloadOptions o;
  o.peers = static_cast<uint32_t>(f.peers);
  o.events = static_cast<uint64_t>(f.events);
  o.seed = f.seed;
  o.origin_did = (*h)->key->did();

  const bool tty = ::isatty(STDERR_FILENO);
  auto last_print = std::chrono::steady_clock::time_point{};
  auto progress = [&](uint64_t done, uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_print < std::chrono::milliseconds(100)) return;
    last_print = now;
    std::fprintf(stderr, "\rsim: %llu/%llu events (%llu%%)", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), static_cast<unsigned long long>(done * 100 / total));
    if (done == total) std::fputc('\n', stderr);
    std::fflush(stderr);
  };
  const auto start = std::chrono::steady_clock::now();
  auto appended = node::RunWorkload(store, o, static_cast<size_t>(f.batch),
                                    tty ? std::function<void(uint64_t, uint64_t)>(progress) : nullptr);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!appended.ok()) return Fail(appended.status());
  head = store.reader().Head();
  if (!head.ok()) return Fail(head.status());
  const uint64_t last_seq = head->seq;  // includes the signed checkpoints the log added on the way
  Status closed = store.Close();
  if (!closed.ok()) return Fail(closed);

  const double rate = seconds > 0 ? static_cast<double>(*appended) / seconds : 0;
  if (ctx.json) {
    PrintJson({{"events", *appended}, {"peers", f.peers}, {"seed", f.seed}, {"firstSeq", first_seq},
               {"lastSeq", last_seq}, {"seconds", seconds}, {"eventsPerSecond", rate}});
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "appended %llu events (seq %llu..%llu) in %.2f s: %.0f events/s",
                  static_cast<unsigned long long>(*appended), static_cast<unsigned long long>(first_seq),
                  static_cast<unsigned long long>(last_seq), seconds, rate);
    std::cout << line << std::endl;
  }
  return 0;
}

}  // namespace

void AddSimCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("sim", "Append a deterministic simulated workload (peers, calls, payments, teams, …)");
  auto flags = std::make_shared<SimFlags>();
  cmd->add_option("--peers", flags->peers, "Number of simulated peers (2..100000)")->capture_default_str();
  cmd->add_option("--events", flags->events, "Number of events to append (1..1e9)")->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Seed: the same seed gives the same events")->capture_default_str();
  cmd->add_option("--batch", flags->batch, "Events per append (1..100000)")->capture_default_str();
  cmd->callback([&ctx, flags] { ctx.exit_code = Run(ctx, *flags); });
}

}  // namespace sov::cli
