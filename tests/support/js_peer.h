// The js-libp2p reference peer (tests/interop/peer.mjs, pinned js-libp2p) as a child process: it
// listens, reports JSON events on stdout and takes JSON commands on stdin (dial, ping, echo). And
// where to find it: the `node` executable and the tests/interop directory.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/daemon.h"

namespace sov::testing {

// $SOV_INTEROP_DIR, else this checkout's tests/interop.
std::string InteropDir();
// The `node` executable on PATH, or "".
std::string NodeJs();

// `node peer.mjs listen` with its stdin kept open for commands.
class JsPeer {
 public:
  static constexpr std::chrono::seconds kStep{30};  // generous per step; each normally takes milliseconds

  JsPeer(const std::string& node, const std::string& dir, const std::string& stderr_path);
  bool ok() const { return !addr_.empty(); }
  const std::string& peer_id() const { return peer_id_; }
  const std::string& addr() const { return addr_; }  // with /p2p/<peer id>
  // The first event of `type` for which `match` holds, waiting up to `timeout`.
  std::optional<nlohmann::json> WaitEvent(const std::string& type, const std::function<bool(const nlohmann::json&)>& match,
                                          std::chrono::milliseconds timeout = kStep);
  std::vector<nlohmann::json> Events(const std::string& type);
  bool Send(const nlohmann::json& command) { return process_.WriteLine(command.dump()); }
  // Closes stdin (its way of being told to stop) and waits for the exit code.
  int Stop();
  std::string Diagnostics();

 private:
  static std::string Event(const std::string& line);

  Daemon process_;
  std::string peer_id_, addr_;
};

}  // namespace sov::testing
