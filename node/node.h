// The running node (`sov node run`): opens the home's log as its single writer, the identity key,
// the libp2p host and the control socket, records node.started, serves until Stop() or SIGINT /
// SIGTERM, then stops cleanly: connections closed (peer.disconnected: shutdown), node.stopped
// recorded, a signed checkpoint appended and RocksDB closed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "node/config.h"
#include "store/base/status.h"

namespace sov::node {

struct NodeOptions {
  HomeLayout home;
  Config config;
  std::vector<std::string> listen_override;  // --listen: replaces p2p.listen when not empty
  std::string version = "0.1.0";
  bool handle_signals = true;      // SIGINT/SIGTERM stop the node (tests running in-process say false)
  bool create_if_missing = false;  // a home without key or log gets both (the embedded-defaults start)
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Open(NodeOptions options);
  ~Node();
  // Serves on the calling thread until Stop() or a signal; returns how the stop went.
  Status Run();
  // Thread-safe.
  void Stop();

 private:
  struct Impl;
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sov::node
