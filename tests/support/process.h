// Running real processes from tests: a command with captured stdout/stderr and exit code, and a
// child whose stdout is read line by line and which can be SIGKILLed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sov::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with arguments (no shell), with optional extra environment "K=V" entries.
RunResult Run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  // Reads available stdout for up to `ms` milliseconds; appends complete lines to `lines`.
  void ReadLines(int ms, std::vector<std::string>* lines);
  void Kill();  // SIGKILL and reap
  int Wait();   // reap; exit code or -signal

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string partial_;
};

}  // namespace sov::testing
