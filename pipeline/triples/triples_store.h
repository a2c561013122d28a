// How the triples view is stored and read: term encoding and ids, the key layout of the dictionary
// and the SPO, POS and OSP indexes, writing one event's triples (TripleWriter, for the projector),
// and pattern queries that scan the index whose key prefix binds the pattern.
//
// Storage (column family "view.triples"; the graph only grows, nothing is ever deleted):
//   'T' id8            -> EncodeTerm(term)   the dictionary: each data term once
//   'S' s8 p8 o8       -> ""                 one entry per triple in each of the three indexes
//   'P' p8 o8 s8       -> ""
//   'O' o8 s8 p8       -> ""
// id8 = the first 8 bytes of BLAKE2b-256(EncodeTerm(term)). Ids are fixed width, so a key prefix
// made of whole ids matches exactly. Vocabulary terms (pipeline/triples_vocab.h) are compiled in
// and never written to the dictionary; changing that vocabulary bumps the view version. Two
// different terms with one id are refused with an error naming both, never merged.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/projector.h"
#include "pipeline/triples/rdf_terms.h"
#include "store/db.h"
#include "store/base/status.h"

namespace sov::pipeline {

inline constexpr std::string_view kTriplesView = "triples";

// The term's dictionary bytes and its 8-byte id.
std::string EncodeTerm(const RdfTerm& term);
Result<RdfTerm> DecodeTerm(std::string_view bytes);
std::string TermId(const RdfTerm& term);

// Writes the triples of one event into a ViewTxn. The first error is kept and everything after it
// is skipped; an empty id (a missing field) silently drops the triples that use it.
class TripleWriter {
 public:
  explicit TripleWriter(ViewTxn& txn) : txn_(txn) {}

  // The term's id, adding its dictionary entry if it is new (never for a vocabulary term); ""
  // after an error. A different term already stored under the same id gives Aborted naming both.
  std::string Intern(const RdfTerm& term);
  // Puts the entries of triple (s, p, o), given as ids, into the three indexes.
  void Add(std::string_view s, std::string_view p, std::string_view o);

  const Status& status() const { return status_; }

 private:
  ViewTxn& txn_;
  Status status_;
};

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

// Calls `fn` for each triple matching `pattern`, in the chosen index's key order, until it
// returns false. Returns how many triples were passed to `fn`. Invalid pattern terms give
// InvalidArgument naming -s, -p or -o; unreadable view data gives Corruption naming the key.
Result<uint64_t> ForEachTriple(const store::Db& db, const TriplePattern& pattern,
                               const std::function<bool(const Triple&)>& fn);
// Number of matching triples (a key-only scan of the chosen index).
Result<uint64_t> CountTriples(const store::Db& db, const TriplePattern& pattern);

}  // namespace sov::pipeline
