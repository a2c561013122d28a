#include "support/js_peer.h"

#include <unistd.h>

#include <cstdlib>

namespace sov::testing {

using nlohmann::json;

std::string InteropDir() {
  if (const char* env = std::getenv("SOV_INTEROP_DIR"); env != nullptr && *env != '\0') return env;
  return std::string(SOV_SOURCE_DIR) + "/tests/interop";
}

std::string NodeJs() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  for (size_t i = 0; i <= dirs.size();) {
    size_t j = dirs.find(':', i);
    if (j == std::string::npos) j = dirs.size();
    std::string candidate = (j > i ? dirs.substr(i, j - i) : std::string(".")) + "/node";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    i = j + 1;
  }
  return "";
}

JsPeer::JsPeer(const std::string& node, const std::string& dir, const std::string& stderr_path)
    : process_({node, dir + "/peer.mjs", "listen"}, {.stderr_path = stderr_path, .stdin_pipe = true}) {
  auto line = process_.WaitLine([](const std::string& l) { return Event(l) == "listening"; }, kStep);
  if (!line) return;
  json j = json::parse(*line);
  peer_id_ = j["peerId"];
  if (!j["addrs"].empty()) addr_ = j["addrs"][0];
}

std::optional<json> JsPeer::WaitEvent(const std::string& type, const std::function<bool(const json&)>& match,
                                      std::chrono::milliseconds timeout) {
  auto line = process_.WaitLine(
      [&](const std::string& l) {
        if (Event(l) != type) return false;
        return match(json::parse(l));
      },
      timeout);
  if (!line) return std::nullopt;
  return json::parse(*line);
}

std::vector<json> JsPeer::Events(const std::string& type) {
  std::vector<json> out;
  for (const auto& l : process_.Lines()) {
    if (Event(l) == type) out.push_back(json::parse(l));
  }
  return out;
}

int JsPeer::Stop() {
  process_.CloseStdin();
  auto code = process_.WaitExit(kStep);
  return code ? *code : -1000;
}

std::string JsPeer::Diagnostics() {
  std::string out = "js stdout:\n";
  for (const auto& l : process_.Lines()) out += l + "\n";
  return out + "js stderr:\n" + process_.Stderr();
}

std::string JsPeer::Event(const std::string& line) {
  auto j = json::parse(line, nullptr, false);
  return j.is_object() && j.contains("event") && j["event"].is_string() ? j["event"].get<std::string>() : "";
}

}  // namespace sov::testing
