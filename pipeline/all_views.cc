#include "pipeline/all_views.h"

#include "pipeline/reputation_view.h"

namespace sov::pipeline {

std::vector<std::unique_ptr<Projector>> MakeAllProjectors() {
  std::vector<std::unique_ptr<Projector>> v;
  v.push_back(MakeReputationProjector());
  // (register new views above this line)
  return v;
}

}  // namespace sov::pipeline
