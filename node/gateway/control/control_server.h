// The node's control socket: a Unix stream socket at $SOV_HOME/node.sock, created owner-only (0600),
// speaking one JSON object per line each way. Each request {"cmd": "...", ...} gets one response
// {"ok": true, ...} or {"ok": false, "error": "..."}. Requests are bounded in size; a client that
// sends garbage gets an error response, and one that sends an oversize line is disconnected.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

#include "node/p2p/transport/async.h"
#include "store/base/status.h"

namespace sov::node {

inline constexpr size_t kMaxControlRequest = 64 * 1024;

class ControlServer {
 public:
  using Handler = std::function<p2p::Task<nlohmann::json>(const nlohmann::json& request)>;
  ControlServer(p2p::Executor ex, std::string path, Handler handler);
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
