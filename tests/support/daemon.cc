#include "support/daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace sov::testing {

namespace {

using Clock = std::chrono::steady_clock;

int MsLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<int64_t>(left, 0));
}

}  // namespace

Daemon::Daemon(const std::vector<std::string>& argv, DaemonOptions options)
    : stderr_path_(std::move(options.stderr_path)) {
  int out_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return;
  if (options.stdin_pipe) {
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
      ::close(out_pipe[0]);
      ::close(out_pipe[1]);
      return;
    }
    ::signal(SIGPIPE, SIG_IGN);  // a write to a child that died must fail, not kill the test
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  if (options.stdin_pipe) {
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&fa, 2, stderr_path_.empty() ? "/dev/null" : stderr_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> cargv;
  for (const auto& s : argv) cargv.push_back(const_cast<char*>(s.c_str()));
  cargv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0].c_str(), &fa, nullptr, cargv.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&fa);
  ::close(out_pipe[1]);
  out_fd_ = out_pipe[0];
  ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  if (options.stdin_pipe) {
    ::close(in_pipe[0]);
    in_fd_ = in_pipe[1];
  }
}

Daemon::~Daemon() {
  CloseStdin();
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
}

bool Daemon::WriteLine(const std::string& line) {
  if (in_fd_ < 0) return false;
  std::string data = line + "\n";
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::write(in_fd_, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

void Daemon::CloseStdin() {
  if (in_fd_ >= 0) ::close(in_fd_);
  in_fd_ = -1;
}

void Daemon::Pump(int timeout_ms) {
  if (out_fd_ < 0) {
    if (timeout_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout_ms, 20)));
    return;
  }
  pollfd p{out_fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EAGAIN: all read
    if (n == 0) {       // the child closed stdout (exited)
      ::close(out_fd_);
      out_fd_ = -1;
      if (!partial_.empty()) lines_.push_back(std::move(partial_));
      partial_.clear();
      return;
    }
    partial_.append(buf, static_cast<size_t>(n));
    size_t pos;
    while ((pos = partial_.find('\n')) != std::string::npos) {
      lines_.push_back(partial_.substr(0, pos));
      partial_.erase(0, pos + 1);
    }
  }
}

std::optional<std::string> Daemon::WaitLine(const std::function<bool(const std::string&)>& match,
                                            std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t checked = 0;
  for (;;) {
    for (; checked < lines_.size(); ++checked) {
      if (match(lines_[checked])) return lines_[checked];
    }
    if (Clock::now() >= deadline) return std::nullopt;
    Pump(std::min(MsLeft(deadline), 100));
  }
}

const std::vector<std::string>& Daemon::Lines() {
  Pump(0);
  return lines_;
}

void Daemon::Signal(int signo) {
  if (pid_ > 0) ::kill(pid_, signo);
}

std::optional<int> Daemon::WaitExit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      Pump(0);
      return exit_code_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    Pump(std::min(MsLeft(deadline), 20));  // keep draining stdout so the child never blocks on it
  }
}

std::string Daemon::Stderr(size_t max_bytes) const {
  if (stderr_path_.empty()) return "";
  std::ifstream f(stderr_path_, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_bytes) s = "..." + s.substr(s.size() - max_bytes);
  return s;
}

}  // namespace sov::testing
