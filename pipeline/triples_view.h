// The triples view (the chronicler): an RDF knowledge graph folded from the log, with SPO, POS and
// OSP indexes, and pattern queries that scan the index whose key prefix binds the pattern.
//
// Storage (column family "view.triples"; the graph only grows, nothing is ever deleted):
//   'T' id8            -> EncodeTerm(term)   the dictionary: each data term once
//   'S' s8 p8 o8       -> ""                 one entry per triple in each of the three indexes
//   'P' p8 o8 s8       -> ""
//   'O' o8 s8 p8       -> ""
// id8 = the first 8 bytes of BLAKE2b-256(EncodeTerm(term)). Ids are fixed width, so a key prefix
// made of whole ids matches exactly. Vocabulary terms (rdf:type, prov:*, dcterms:*, foaf:*, the
// sov: classes and properties) are compiled in and never written to the dictionary; changing
// that vocabulary bumps the view version. Two different terms with one id are refused with an
// error naming both, never merged.
//
// Terms: agents are their DID used as an IRI; everything else gets a stable urn:sov:… IRI (ids
// percent-encoded); literals are plain strings or xsd:integer / xsd:boolean / xsd:dateTime.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/projector.h"
#include "store/db.h"
#include "store/status.h"

namespace sov::pipeline {

inline constexpr std::string_view kTriplesView = "triples";

// Namespaces of the vocabulary the graph uses.
inline constexpr std::string_view kRdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr std::string_view kXsdNs = "http://www.w3.org/2001/XMLSchema#";
inline constexpr std::string_view kProvNs = "http://www.w3.org/ns/prov#";
inline constexpr std::string_view kDctermsNs = "http://purl.org/dc/terms/";
inline constexpr std::string_view kFoafNs = "http://xmlns.com/foaf/0.1/";
inline constexpr std::string_view kSovNs = "https://sov.dev/ns#";

struct RdfPrefix {
  std::string_view prefix;
  std::string_view ns;
};
// rdf, xsd, prov, dcterms, foaf, sov: the prefixes Turtle export declares and queries accept.
inline constexpr RdfPrefix kRdfPrefixes[] = {{"rdf", kRdfNs},         {"xsd", kXsdNs},   {"prov", kProvNs},
                                             {"dcterms", kDctermsNs}, {"foaf", kFoafNs}, {"sov", kSovNs}};

struct RdfTerm {
  enum class Kind : uint8_t { kIri, kLiteral };
  Kind kind = Kind::kIri;
  std::string value;     // the IRI, or the literal's lexical form (valid UTF-8)
  std::string datatype;  // literals only: the datatype IRI; empty = xsd:string (a plain literal)

  static RdfTerm Iri(std::string iri) { return {Kind::kIri, std::move(iri), {}}; }
  static RdfTerm Literal(std::string lexical, std::string datatype = {}) {
    return {Kind::kLiteral, std::move(lexical), std::move(datatype)};
  }
  bool is_iri() const { return kind == Kind::kIri; }
  bool operator==(const RdfTerm&) const = default;
};

struct Triple {
  RdfTerm subject, predicate, object;
  bool operator==(const Triple&) const = default;
};

// N-Triples text of a term: <iri> or "escaped" or "escaped"^^<datatype>.
std::string ToNTriples(const RdfTerm& term);
// One N-Triples statement "<s> <p> o ." (no newline).
std::string ToNTriples(const Triple& triple);
// The body of an N-Triples / Turtle string literal: \\ \" \n \r \t escaped, other control
// characters as \uXXXX, everything else (valid UTF-8) as is.
std::string EscapeLiteral(std::string_view text);

// Parses one pattern term given on the command line: N-Triples text (<iri>, "text",
// "5"^^<datatype>, "5"^^xsd:integer), a prefixed name with one of kRdfPrefixes (sov:Message), or a
// bare absolute IRI (did:key:z6Mk…). InvalidArgument names `flag`.
Result<RdfTerm> ParseTerm(std::string_view text, std::string_view flag);

// The term's dictionary bytes and its 8-byte id.
std::string EncodeTerm(const RdfTerm& term);
Result<RdfTerm> DecodeTerm(std::string_view bytes);
std::string TermId(const RdfTerm& term);

// Percent-encodes an id for use inside an IRI: bytes outside printable ASCII and " <>\"{}|\\^`%"
// always, and "/?#" too when `component` (one part of a composite IRI such as a message's).
std::string PercentEncodeIri(std::string_view id, bool component = true);
// An agent's IRI: its DID as is (percent-encoded where needed); a non-DID name gets urn:sov:agent:.
std::string AgentIri(std::string_view did);
// xsd:dateTime lexical form of event time, UTC: "2026-01-01T00:00:01.000Z", with 3, 6 or 9
// fractional digits (as many as the nanoseconds need, at least 3).
std::string FormatXsdDateTime(int64_t ns);

struct TriplePattern {
  std::optional<std::string> subject, predicate, object;  // ParseTerm syntax; unset = any
};

// Parses the pattern's terms without reading anything: InvalidArgument names -s, -p or -o (a
// subject or predicate must be an IRI).
Status ValidatePattern(const TriplePattern& pattern);

enum class TripleIndex : char { kSpo = 'S', kPos = 'P', kOsp = 'O' };
// SPO for s / s+p / s+p+o / nothing; POS for p / p+o; OSP for o / o+s. Every bound term is then
// part of the scanned key prefix.
TripleIndex ChooseIndex(bool subject, bool predicate, bool object);
TripleIndex ChooseIndex(const TriplePattern& pattern);

std::unique_ptr<Projector> MakeTriplesProjector();

// Calls `fn` for each triple matching `pattern`, in the chosen index's key order, until it
// returns false. Returns how many triples were passed to `fn`. Invalid pattern terms give
// InvalidArgument naming -s, -p or -o; unreadable view data gives Corruption naming the key.
Result<uint64_t> ForEachTriple(const store::Db& db, const TriplePattern& pattern,
                               const std::function<bool(const Triple&)>& fn);
// Number of matching triples (a key-only scan of the chosen index).
Result<uint64_t> CountTriples(const store::Db& db, const TriplePattern& pattern);

}  // namespace sov::pipeline
