// The one wall clock of the program. Event timestamps, "opened at" times and CLI "now" all come
// from WallClockNs(); projectors never call it (they use the event's own time).
#pragma once

#include <cstdint>

namespace sov {

// Nanoseconds since the Unix epoch (system_clock).
int64_t WallClockNs();

}  // namespace sov
