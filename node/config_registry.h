// The one registry of the node's config keys ($SOV_HOME/config.toml): each key's type, default,
// range or choices and meaning. The default file `sov init` writes, validation, the README table
// (`sov config keys --markdown`) and, through node::Config, every room's options come from it.
// Adding a key: an entry in config_registry.cc, a field of node::Config, and its line in
// Config::Assign / Config::ToValues.
#pragma once

#include <span>

#include "node/config_spec.h"

namespace sov::node {

std::span<const KeySpec> NodeConfigKeys();

}  // namespace sov::node
