// The registry of views: every projector this build folds, in a fixed order.
#pragma once

#include <memory>
#include <vector>

#include "pipeline/projector.h"

namespace sov::pipeline {

std::vector<std::unique_ptr<Projector>> MakeAllProjectors();

}  // namespace sov::pipeline
