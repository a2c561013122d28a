// The node's control socket: a Unix stream socket at $SOV_HOME/node.sock, created owner-only (0600),
// speaking one JSON object per line each way. Each request {"cmd": "...", ...} gets one response
// {"ok": true, ...} or {"ok": false, "error": "..."}, dispatched through a CommandRegistry. Requests
// are bounded in size; a client that sends garbage gets one error line and may send the next request,
// one that sends an oversize line gets one error line saying so and is disconnected. A client that
// sends no complete request for idle_timeout is told so and disconnected; past max_clients at once,
// a new client gets one error line and is disconnected.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "node/gateway/control/registry.h"
#include "node/p2p/transport/async.h"
#include "store/base/status.h"

namespace sov::node {

// The longest request line, newline excluded.
inline constexpr size_t kMaxControlRequest = 64 * 1024;

struct ControlServerOptions {
  // Clients connected at once; the next one gets {"ok":false,"error":"too many control clients..."}
  // and is disconnected.
  size_t max_clients = 64;
  // A client with no complete request for this long is disconnected (after one error line). The
  // time a command takes to answer does not count.
  std::chrono::milliseconds idle_timeout{60'000};
};

class ControlServer {
 public:
  ControlServer(p2p::Executor ex, std::string path, control::CommandRegistry commands,
                ControlServerOptions options = {});
  ~ControlServer();
  // Binds (replacing a stale socket file) with mode 0600 and starts accepting.
  Status Start();
  void Close();  // stops accepting and removes the socket file
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace sov::node
