// The RDF term model of the triples view (RdfTerm, Triple) and its text forms: N-Triples and
// literal escaping, UTF-8 checking and sanitising, IRI percent-encoding, xsd:dateTime lexical
// forms, the namespaces and prefixes the graph uses, and parsing of command-line pattern terms.
// Pure functions of their arguments: nothing here reads or writes storage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/status.h"

namespace sov::pipeline {

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

// Percent-encodes an id for use inside an IRI: bytes outside printable ASCII and " <>\"{}|\\^`%"
// always, and "/?#" too when `component` (one part of a composite IRI such as a message's).
std::string PercentEncodeIri(std::string_view id, bool component = true);
// An agent's IRI: its DID as is (percent-encoded where needed); a non-DID name gets urn:sov:agent:.
std::string AgentIri(std::string_view did);
// xsd:dateTime lexical form of event time, UTC: "2026-01-01T00:00:01.000Z", with 3, 6 or 9
// fractional digits (as many as the nanoseconds need, at least 3).
std::string FormatXsdDateTime(int64_t ns);
// The IRI of the XML Schema datatype `local` ("integer" -> kXsdNs + "integer").
std::string XsdDatatype(std::string_view local);

// Whether `s` is valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s);
// `s` with each byte that is not part of a valid UTF-8 sequence replaced by U+FFFD (RDF text
// must be valid UTF-8).
std::string SanitizeUtf8(std::string_view s);
// Whether `iri` is valid UTF-8 without the characters N-Triples forbids inside <…> (controls,
// space, <>"{}|\^`). Does not check for a scheme.
bool IriCharsOk(std::string_view iri);

}  // namespace sov::pipeline
