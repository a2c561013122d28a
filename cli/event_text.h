// Events as text for people and tools: a one-line summary for `log tail`, and a JSON object (via
// FlatBuffers' own text generator on the embedded schema) for `log show` and `log export`.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "store/log_reader.h"
#include "store/base/status.h"

namespace sov::cli {

class EventText {
 public:
  static Result<std::unique_ptr<EventText>> Create();
  ~EventText();
  // {"seq","time","type","origin","chainHash","payload":{…}}; an unknown type has payload null.
  Result<nlohmann::json> ToJson(const store::LogEntry& entry) const;
  // "42  2026-01-01T00:00:01.000Z  tool.succeeded  origin  key=value …"
  std::string Line(const store::LogEntry& entry) const;

 private:
  EventText();
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace sov::cli
