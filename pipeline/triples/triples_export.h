// Streaming export of the triples view as N-Triples, Turtle or CSV to any std::ostream, one triple
// at a time from an index scan (the graph is never held in memory), with a progress callback.
//   nt:  one "<s> <p> o ." per line, full IRIs.
//   ttl: @prefix lines for rdf, xsd, prov, dcterms, foaf, sov; prefixed names where the local part
//        is safe, else <full IRI>; consecutive triples of one subject grouped with ';' and ','.
//   csv: header subject,predicate,object,object_kind,datatype; RFC 4180 (CRLF, quoted fields);
//        object_kind is iri|literal; datatype is the literal's datatype IRI (xsd:string for plain
//        text), empty for an IRI object.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "pipeline/triples/triples_view.h"
#include "store/db.h"
#include "store/base/status.h"

namespace sov::pipeline {

enum class RdfFormat { kNTriples, kTurtle, kCsv };

// "nt", "ttl" or "csv"; InvalidArgument names --format.
Result<RdfFormat> ParseRdfFormat(std::string_view name);

// (triples written so far, triples to write)
using ExportProgressFn = std::function<void(uint64_t written, uint64_t total)>;

struct ExportOptions {
  RdfFormat format = RdfFormat::kNTriples;
  TriplePattern filter;        // unset parts match anything
  ExportProgressFn progress;   // optional; costs one extra key-only count scan up front
  uint64_t progress_every = 4096;
};

// Writes the matching triples to `out`; returns how many. Invalid filters fail before anything is
// written; a failing stream gives IOError.
Result<uint64_t> ExportTriples(const store::Db& db, const ExportOptions& options, std::ostream& out);

// Turtle text of a term: a prefixed name (or `a` for rdf:type when `predicate`) where safe, else
// N-Triples syntax.
std::string ToTurtle(const RdfTerm& term, bool predicate = false);
// One RFC 4180 field: quoted (with "" for ") when it holds a comma, quote, CR or LF.
std::string CsvField(std::string_view text);

}  // namespace sov::pipeline
