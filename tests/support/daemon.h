// A long-running child process for end-to-end tests (a `sov node run`, a js-libp2p peer): stdout
// read line by line and kept, stderr written to a file (for failure messages), an optional stdin
// pipe to send commands, signals, and a bounded wait for its exit. The destructor SIGKILLs a child
// that is still running, so a failing test never leaves a process behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sov::testing {

struct DaemonOptions {
  std::string stderr_path;  // where the child's stderr goes ("" = /dev/null)
  bool stdin_pipe = false;  // keep a pipe to the child's stdin open (else stdin is /dev/null)
};

class Daemon {
 public:
  Daemon(const std::vector<std::string>& argv, DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  bool started() const { return pid_ > 0 || exit_code_.has_value(); }
  pid_t pid() const { return pid_; }
  // Writes `line` and a newline to the child's stdin.
  bool WriteLine(const std::string& line);
  void CloseStdin();
  // Waits up to `timeout` for a stdout line (old or new) for which `match` is true; returns it.
  std::optional<std::string> WaitLine(const std::function<bool(const std::string&)>& match,
                                      std::chrono::milliseconds timeout);
  // Every complete stdout line read so far (reads what is available first).
  const std::vector<std::string>& Lines();
  void Signal(int signo);
  // Waits up to `timeout` for the child to exit: its exit code, or -signal; nullopt on timeout.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  // The child's stderr so far (its last `max_bytes`), for assertion messages.
  std::string Stderr(size_t max_bytes = 8192) const;

 private:
  void Pump(int timeout_ms);  // reads stdout for up to timeout_ms, stopping early once a line arrived

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int in_fd_ = -1;
  std::string stderr_path_;
  std::string partial_;
  std::vector<std::string> lines_;
  std::optional<int> exit_code_;
};

}  // namespace sov::testing
