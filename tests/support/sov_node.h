// A real `sov node run` process for end-to-end tests, and the CLI calls tests make against its
// home: start on loopback and wait until the control socket answers, its identity and dialable
// address, `sov --home H ...` runs (plain or --json), stop by signal, and the log as parsed JSONL.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "support/daemon.h"
#include "support/process.h"

namespace sov::testing {

// `sov --home <home> [--json] args...`.
RunResult Sov(const std::string& home, const std::vector<std::string>& args);
// The same with --json; the test fails (and an empty object is returned) unless it exits 0 with JSON.
nlohmann::json SovJson(const std::string& home, const std::vector<std::string>& args);
// `sov log export --format jsonl` of a home, one parsed object per record.
std::vector<nlohmann::json> LogEvents(const std::string& home);
// The events of `type` ("peer.connected", ...) among `events`.
std::vector<nlohmann::json> OfType(const std::vector<nlohmann::json>& events, const std::string& type);
// The number of events of `type`.
size_t Count(const std::vector<nlohmann::json>& events, const std::string& type);
// A running node records asynchronously: polls its log (up to 30 s) until `done(events)` holds and
// returns the events last read (the test fails if it never held).
std::vector<nlohmann::json> WaitLog(const std::string& home,
                                    const std::function<bool(const std::vector<nlohmann::json>&)>& done);
// Polls `done` every 50 ms until it is true (returns true) or `timeout` passed (returns false).
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(30));

class SovNode {
 public:
  // Starts `sov --home <home> node run --log-level debug <run_args...>` (stderr into <home>.stderr)
  // and waits up to 30 s for `p2p status` to answer. ok() says if it did. The default run_args
  // listen on a free loopback port; pass {} to take p2p.listen from <home>/config.toml.
  explicit SovNode(std::string home,
                   std::vector<std::string> run_args = {"--listen", "/ip4/127.0.0.1/tcp/0"});
  bool ok() const { return ok_; }
  const std::string& home() const { return home_; }
  const std::string& peer_id() const { return peer_id_; }
  const std::string& did() const { return did_; }
  // The first listen address with /p2p/<peer id>: what another node dials.
  const std::string& addr() const { return addr_; }
  RunResult Cli(const std::vector<std::string>& args) const { return Sov(home_, args); }
  nlohmann::json CliJson(const std::vector<std::string>& args) const { return SovJson(home_, args); }
  // `p2p status`'s connectedPeers; -1 if status failed.
  int ConnectedPeers() const;
  // Waits up to 30 s until ConnectedPeers() == n.
  bool WaitConnectedPeers(int n) const;
  // Sends `signo` and waits up to 30 s: the exit code (-signal if killed by one), or -1000 on timeout.
  int Stop(int signo);
  // Waits for the node to exit on its own: the exit code (-signal if killed), or -1000 on timeout.
  int WaitExit(std::chrono::milliseconds timeout);
  // The node's stderr (debug log), for assertion messages.
  std::string Stderr() const { return process_ ? process_->Stderr() : ""; }

 private:
  std::string home_;
  std::unique_ptr<Daemon> process_;
  bool ok_ = false;
  std::string peer_id_, did_, addr_;
};

}  // namespace sov::testing
