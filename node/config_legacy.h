// The flat `key = value` config file of earlier builds ($SOV_HOME/config), read only to convert a
// home to config.toml (LoadHomeConfig in node/config.h). Its keys are the registry's dotted keys.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "node/config_spec.h"
#include "store/base/status.h"

namespace sov::node {

// Parses the old format — `#` comments, one `key = value` per line, multiaddr lists separated by
// spaces or commas, the last of a repeated key wins — into values checked against `keys` exactly as
// a TOML file is. Errors read "<origin>:<line>: <key>: <what>"; an unknown key names the nearest one.
Result<Values> ParseLegacyConfig(std::string_view text, const std::string& origin, std::span<const KeySpec> keys);

}  // namespace sov::node
