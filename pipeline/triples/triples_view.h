// The triples view (the chronicler): the projector that folds the log into an RDF knowledge graph,
// mapping each workspace, team, tool, payment, git bundle and agent event to triples.
// The term model lives in pipeline/rdf_terms.h; storage, the indexes and pattern queries in
// pipeline/triples_store.h (both included here, so this is the one header callers need).
//
// Terms: agents are their DID used as an IRI; everything else gets a stable urn:sov:… IRI (ids
// percent-encoded); literals are plain strings or xsd:integer / xsd:boolean / xsd:dateTime.
#pragma once

#include <memory>

#include "pipeline/projector.h"
#include "pipeline/triples/rdf_terms.h"
#include "pipeline/triples/triples_store.h"

namespace sov::pipeline {

std::unique_ptr<Projector> MakeTriplesProjector();

}  // namespace sov::pipeline
