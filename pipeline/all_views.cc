#include "pipeline/all_views.h"

#include "pipeline/firewall_view.h"
#include "pipeline/payments_view.h"
#include "pipeline/peers_view.h"
#include "pipeline/reputation_view.h"
#include "pipeline/sessions_view.h"
#include "pipeline/teams_view.h"
#include "pipeline/triples/triples_view.h"
#include "pipeline/workspaces_view.h"

namespace sov::pipeline {

std::vector<std::unique_ptr<Projector>> MakeAllProjectors() {
  std::vector<std::unique_ptr<Projector>> v;
  v.push_back(MakeReputationProjector());
  v.push_back(MakeTeamsProjector());
  v.push_back(MakeWorkspacesProjector());
  v.push_back(MakeSessionsProjector());
  v.push_back(MakeFirewallProjector());
  v.push_back(MakePeersProjector());
  v.push_back(MakePaymentsProjector());
  v.push_back(MakeTriplesProjector());
  // (register new views above this line)
  return v;
}

}  // namespace sov::pipeline
