// The CLI side of the node's control socket: one JSON request, one JSON response, checked against
// the command's spec in node/gateway/control/commands.h. When no node is running the error says so
// and how to start one. Read response fields with the checked accessors of
// node/gateway/control/fields.h (GetString, GetInt, ...), never with the JSON library's throwing ones.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "node/gateway/control/commands.h"
#include "store/base/status.h"

namespace sov::cli {

struct Context;

// Sends `request` to the node of the context's home. A response with "ok": false becomes an error
// carrying its "error" text. NotFound means no node is running.
Result<nlohmann::json> CallNode(const Context& ctx, const nlohmann::json& request);

// Sends {"cmd": spec.name} plus the fields of `args`, and checks a success response against
// spec.response: a missing or mistyped field is a Corruption naming the command and the field.
Result<nlohmann::json> CallCommand(const Context& ctx, const node::control::CommandSpec& spec,
                                   nlohmann::json args = nlohmann::json::object());

}  // namespace sov::cli
