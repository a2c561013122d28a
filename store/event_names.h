// Catalog names of events ("tool.succeeded") from their union type; unknown types from a newer
// writer are named "unknown(type=N)".
#pragma once

#include <string>
#include <string_view>

#include "events_generated.h"

namespace sov::store {

bool IsKnownEventType(fb::Event type);
std::string EventTypeName(fb::Event type);

}  // namespace sov::store
