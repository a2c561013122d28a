#include "node/gateway/control/registry.h"

#include <algorithm>
#include <vector>

namespace sov::node::control {

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

nlohmann::json ErrorResponse(const std::string& message) { return {{"ok", false}, {"error", message}}; }

Status CommandRegistry::Add(const CommandSpec& spec, Handler handler) {
  auto [it, inserted] = commands_.try_emplace(std::string(spec.name), Entry{&spec, std::move(handler)});
  if (!inserted) return Status::InvalidArgument("control command '" + std::string(spec.name) + "' registered twice");
  return Status::OK();
}

std::string CommandRegistry::UnknownCommandError(const std::string& name) const {
  std::string message = "unknown command '" + name + "'";
  const std::string* best = nullptr;
  size_t best_distance = 3;  // suggest only within two edits
  for (const auto& [known, entry] : commands_) {
    size_t d = EditDistance(name, known);
    if (d < best_distance) {
      best_distance = d;
      best = &known;
    }
  }
  if (best != nullptr) message += "; did you mean '" + *best + "'?";
  return message;
}

p2p::Task<nlohmann::json> CommandRegistry::Dispatch(const nlohmann::json& request) const {
  if (!request.is_object()) co_return ErrorResponse("a request is one JSON object with a string \"cmd\"");
  auto cmd = GetString(request, "cmd");
  if (!cmd.ok()) co_return ErrorResponse("request: " + cmd.status().message());
  auto it = commands_.find(*cmd);
  if (it == commands_.end()) co_return ErrorResponse(UnknownCommandError(*cmd));
  Status valid = CheckFields(request, it->second.spec->request, *cmd);
  if (!valid.ok()) co_return ErrorResponse(valid.message());
  co_return co_await it->second.handler(request);
}

}  // namespace sov::node::control
