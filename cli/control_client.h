// The CLI side of the node's control socket: one JSON request, one JSON response. When no node is
// running the error says so and how to start one.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "store/base/status.h"

namespace sov::cli {

struct Context;

// Sends `request` to the node of the context's home. A response with "ok": false becomes an error
// carrying its "error" text. NotFound means no node is running.
Result<nlohmann::json> CallNode(const Context& ctx, const nlohmann::json& request);

}  // namespace sov::cli
