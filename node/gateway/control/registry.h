// The control server's command registry: command name → (its CommandSpec, its handler). Dispatch
// validates a request against the spec (one error naming the field) before calling the handler, and
// answers an unknown command with the nearest known name when one is close.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>

#include "node/gateway/control/commands.h"
#include "node/p2p/transport/async.h"
#include "store/base/status.h"

namespace sov::node::control {

// {"ok": false, "error": message}
nlohmann::json ErrorResponse(const std::string& message);

class CommandRegistry {
 public:
  // Gets a request that passed CheckFields(spec.request); returns the whole response, "ok" included.
  using Handler = std::function<p2p::Task<nlohmann::json>(const nlohmann::json& request)>;

  // InvalidArgument when the name is taken.
  Status Add(const CommandSpec& spec, Handler handler);
  // Any JSON value: a non-object, a missing or non-string "cmd", an unknown command or a bad field
  // each get one error response.
  p2p::Task<nlohmann::json> Dispatch(const nlohmann::json& request) const;
  // "unknown command 'x'", with "; did you mean 'y'?" when a known name is within two edits.
  std::string UnknownCommandError(const std::string& name) const;

 private:
  struct Entry {
    const CommandSpec* spec;
    Handler handler;
  };
  std::map<std::string, Entry, std::less<>> commands_;
};

}  // namespace sov::node::control
