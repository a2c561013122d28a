#include "support/sov_node.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace sov::testing {

using nlohmann::json;

RunResult Sov(const std::string& home, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SOV_BINARY, "--home", home};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv);
}

json SovJson(const std::string& home, const std::vector<std::string>& args) {
  std::vector<std::string> with_json = {"--json"};
  with_json.insert(with_json.end(), args.begin(), args.end());
  RunResult r = Sov(home, with_json);
  std::string cmd;
  for (const auto& a : args) cmd += " " + a;
  EXPECT_EQ(r.exit_code, 0) << "sov --json" << cmd << ": " << r.err;
  if (r.exit_code != 0) return json::object();
  auto j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "sov --json" << cmd << " printed no JSON: " << r.out;
  return j.is_discarded() ? json::object() : j;
}

std::vector<json> LogEvents(const std::string& home) {
  RunResult r = Sov(home, {"log", "export", "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "export line is not JSON: " << line;
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

std::vector<json> OfType(const std::vector<json>& events, const std::string& type) {
  std::vector<json> out;
  for (const auto& e : events) {
    if (e.value("type", "") == type) out.push_back(e);
  }
  return out;
}

size_t Count(const std::vector<json>& events, const std::string& type) { return OfType(events, type).size(); }

std::vector<json> WaitLog(const std::string& home, const std::function<bool(const std::vector<json>&)>& done) {
  std::vector<json> events;
  bool held = WaitUntil([&] {
    events = LogEvents(home);
    return done(events);
  });
  EXPECT_TRUE(held) << "the log of " << home << " never got what the test waited for; it has " << events.size()
                    << " records";
  return events;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

SovNode::SovNode(std::string home, std::vector<std::string> run_args) : home_(std::move(home)) {
  std::vector<std::string> argv = {SOV_BINARY, "--home", home_, "node", "run", "--log-level", "debug"};
  argv.insert(argv.end(), run_args.begin(), run_args.end());
  process_ = std::make_unique<Daemon>(argv, DaemonOptions{.stderr_path = home_ + ".stderr"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_->WaitExit(std::chrono::milliseconds(0))) break;  // it died: no point waiting
    RunResult r = Sov(home_, {"--json", "p2p", "status"});
    if (r.exit_code == 0) {
      auto status = json::parse(r.out, nullptr, false);
      if (status.is_discarded() || status["listenAddrs"].empty()) break;
      peer_id_ = status["peerId"];
      did_ = status["did"];
      addr_ = status["listenAddrs"][0].get<std::string>() + "/p2p/" + peer_id_;
      ok_ = true;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "sov node run at " << home_ << " did not answer p2p status; stderr:\n" << process_->Stderr();
}

int SovNode::Stop(int signo) {
  process_->Signal(signo);
  auto code = process_->WaitExit(std::chrono::seconds(30));
  return code ? *code : -1000;
}

int SovNode::WaitExit(std::chrono::milliseconds timeout) {
  auto code = process_->WaitExit(timeout);
  return code ? *code : -1000;
}

int SovNode::ConnectedPeers() const {
  RunResult r = Sov(home_, {"--json", "p2p", "status"});
  if (r.exit_code != 0) return -1;
  auto j = json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.contains("connectedPeers")) return -1;
  return j["connectedPeers"].get<int>();
}

bool SovNode::WaitConnectedPeers(int n) const {
  return WaitUntil([&] { return ConnectedPeers() == n; });
}

}  // namespace sov::testing
