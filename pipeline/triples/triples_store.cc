#include "pipeline/triples/triples_store.h"

#include <unordered_map>
#include <utility>

#include "pipeline/triples/vocab.h"
#include "store/base/bytes.h"
#include "store/base/crypto.h"

namespace sov::pipeline {

namespace {

constexpr size_t kIdBytes = 8;
constexpr size_t kIndexKeyBytes = 1 + 3 * kIdBytes;
constexpr char kDictPrefix = 'T';
constexpr char kIriTag = 'I';
constexpr char kLiteralTag = 'L';

std::string IdOfEncoding(std::string_view encoding) {
  return crypto::Blake2b256Of(encoding).substr(0, kIdBytes);
}

// ---------- keys ----------

std::string IndexKey(TripleIndex index, std::string_view s, std::string_view p, std::string_view o) {
  std::string key;
  key.reserve(kIndexKeyBytes);
  key.push_back(static_cast<char>(index));
  switch (index) {
    case TripleIndex::kSpo: key.append(s).append(p).append(o); break;
    case TripleIndex::kPos: key.append(p).append(o).append(s); break;
    case TripleIndex::kOsp: key.append(o).append(s).append(p); break;
  }
  return key;
}

std::string DictKey(std::string_view id) {
  std::string key(1, kDictPrefix);
  key.append(id);
  return key;
}

Status CollisionError(std::string_view id, const RdfTerm& stored, const RdfTerm& incoming) {
  return Status::Aborted("triples: term id " + ToHex(id) + " is shared by " + ToNTriples(stored) + " and " +
                         ToNTriples(incoming) + " (64-bit BLAKE2b collision); refusing to merge them");
}

// ---------- reading ----------

Result<store::Cf> TriplesFamily(const store::Db& db) {
  auto cf = db.Family(ViewFamily(kTriplesView));
  if (!cf.ok()) return Status::NotFound("this store has no triples view");
  return cf;
}

// Resolves ids to terms through the vocabulary and the dictionary, verifying each dictionary
// entry (format and id). Keeps a bounded cache of what it has read.
class TermResolver {
 public:
  TermResolver(const store::Db& db, store::Cf cf) : db_(db), cf_(cf), vocab_(Vocabulary::Get()) {}

  Result<RdfTerm> Resolve(std::string_view id) {
    if (const RdfTerm* v = vocab_.Find(id)) return *v;
    const std::string key(id);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    auto bytes = db_.Get(cf_, DictKey(id));
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) return Status::Corruption("triples view: term id " + ToHex(id) + " has no dictionary entry");
    auto term = DecodeTerm(**bytes);
    if (!term.ok()) return term.status().WithContext("triples dictionary entry " + ToHex(id));
    if (IdOfEncoding(**bytes) != id) {
      return Status::Corruption("triples dictionary entry " + ToHex(id) + " holds a term with another id: " +
                                ToNTriples(*term));
    }
    if (cache_.size() >= kMaxCached) cache_.clear();
    cache_.emplace(key, *term);
    return term;
  }

  // Whether `term` is stored (so triples under its id are really its triples).
  Result<bool> Known(const RdfTerm& term) const {
    const std::string id = TermId(term);
    if (const RdfTerm* v = vocab_.Find(id)) return *v == term;
    auto bytes = db_.Get(cf_, DictKey(id));
    if (!bytes.ok()) return bytes.status();
    return bytes->has_value() && **bytes == EncodeTerm(term);
  }

 private:
  static constexpr size_t kMaxCached = 1 << 16;
  const store::Db& db_;
  store::Cf cf_;
  const Vocabulary& vocab_;
  std::unordered_map<std::string, RdfTerm> cache_;
};

struct Plan {
  TripleIndex index = TripleIndex::kSpo;
  std::string prefix;
  std::optional<RdfTerm> s, p, o;
  bool empty = false;  // a bound term is not in the graph: nothing can match
};

struct ParsedPattern {
  std::optional<RdfTerm> s, p, o;
};

Result<ParsedPattern> ParsePattern(const TriplePattern& pattern) {
  ParsedPattern out;
  const std::pair<const std::optional<std::string>*, std::optional<RdfTerm>*> slots[] = {
      {&pattern.subject, &out.s}, {&pattern.predicate, &out.p}, {&pattern.object, &out.o}};
  const char* flags[] = {"-s", "-p", "-o"};
  for (size_t i = 0; i < 3; ++i) {
    if (!slots[i].first->has_value()) continue;
    auto term = ParseTerm(**slots[i].first, flags[i]);
    if (!term.ok()) return term.status();
    *slots[i].second = std::move(*term);
  }
  if (out.s && !out.s->is_iri()) {
    return Status::InvalidArgument("-s: a subject is an IRI, not a literal: " + *pattern.subject);
  }
  if (out.p && !out.p->is_iri()) {
    return Status::InvalidArgument("-p: a predicate is an IRI, not a literal: " + *pattern.predicate);
  }
  return out;
}

Result<Plan> MakePlan(const TriplePattern& pattern, const TermResolver& resolver) {
  Plan plan;
  SOV_ASSIGN_OR_RETURN(ParsedPattern parsed, ParsePattern(pattern));
  plan.s = std::move(parsed.s);
  plan.p = std::move(parsed.p);
  plan.o = std::move(parsed.o);
  for (const auto* t : {&plan.s, &plan.p, &plan.o}) {
    if (!t->has_value()) continue;
    auto known = resolver.Known(**t);
    if (!known.ok()) return known.status();
    if (!*known) plan.empty = true;
  }
  plan.index = ChooseIndex(plan.s.has_value(), plan.p.has_value(), plan.o.has_value());
  plan.prefix.push_back(static_cast<char>(plan.index));
  const std::optional<RdfTerm>* order[3];
  switch (plan.index) {
    case TripleIndex::kSpo: order[0] = &plan.s, order[1] = &plan.p, order[2] = &plan.o; break;
    case TripleIndex::kPos: order[0] = &plan.p, order[1] = &plan.o, order[2] = &plan.s; break;
    case TripleIndex::kOsp: order[0] = &plan.o, order[1] = &plan.s, order[2] = &plan.p; break;
  }
  for (const auto* t : order) {
    if (!t->has_value()) break;
    plan.prefix += TermId(**t);
  }
  return plan;
}

// Scans the plan's key range; `fn(key)` returns false to stop. Keys are checked for shape.
Status ScanKeys(const store::Db& db, store::Cf cf, const Plan& plan, const std::function<bool(std::string_view)>& fn) {
  if (plan.empty) return Status::OK();
  auto it = db.NewIterator(cf);
  for (it->Seek(plan.prefix); it->Valid() && it->key().starts_with(plan.prefix); it->Next()) {
    if (it->key().size() != kIndexKeyBytes) {
      return Status::Corruption("triples view: malformed index key " + ToHex(it->key()));
    }
    if (!fn(it->key())) break;
  }
  return it->status();
}

}  // namespace

// ---------- public functions ----------

std::string EncodeTerm(const RdfTerm& term) {
  std::string out;
  if (term.kind == RdfTerm::Kind::kIri) {
    out.reserve(1 + term.value.size());
    out.push_back(kIriTag);
  } else {
    out.reserve(2 + term.datatype.size() + term.value.size());
    out.push_back(kLiteralTag);
    PutLengthPrefixed(&out, term.datatype);
  }
  out += term.value;
  return out;
}

Result<RdfTerm> DecodeTerm(std::string_view bytes) {
  if (bytes.empty()) return Status::Corruption("empty term encoding");
  const char tag = bytes[0];
  bytes.remove_prefix(1);
  if (tag == kIriTag) {
    if (!IriCharsOk(bytes)) return Status::Corruption("stored IRI has characters not allowed in an IRI");
    return RdfTerm::Iri(std::string(bytes));
  }
  if (tag != kLiteralTag) return Status::Corruption("unknown term tag " + ToHex(std::string_view(&tag, 1)));
  std::string_view datatype;
  if (!GetLengthPrefixed(&bytes, &datatype)) return Status::Corruption("truncated literal datatype");
  if (!IriCharsOk(datatype)) return Status::Corruption("stored datatype IRI has characters not allowed in an IRI");
  if (!IsValidUtf8(bytes)) return Status::Corruption("stored literal is not valid UTF-8");
  return RdfTerm::Literal(std::string(bytes), std::string(datatype));
}

std::string TermId(const RdfTerm& term) { return IdOfEncoding(EncodeTerm(term)); }

std::string TripleWriter::Intern(const RdfTerm& term) {
  if (!status_.ok()) return {};
  std::string encoding = EncodeTerm(term);
  std::string id = IdOfEncoding(encoding);
  if (const RdfTerm* known = Vocabulary::Get().Find(id)) {
    if (*known == term) return id;
    status_ = CollisionError(id, *known, term);
    return {};
  }
  const std::string key = DictKey(id);
  auto current = txn_.Get(key);
  if (!current.ok()) {
    status_ = current.status();
    return {};
  }
  if (!current->has_value()) {
    txn_.Put(key, std::move(encoding));
    return id;
  }
  if (**current != encoding) {
    auto stored = DecodeTerm(**current);
    status_ = stored.ok() ? CollisionError(id, *stored, term)
                          : stored.status().WithContext("triples dictionary entry " + ToHex(id));
    return {};
  }
  return id;
}

void TripleWriter::Add(std::string_view s, std::string_view p, std::string_view o) {
  if (!status_.ok() || s.empty() || p.empty() || o.empty()) return;
  txn_.Put(IndexKey(TripleIndex::kSpo, s, p, o), std::string());
  txn_.Put(IndexKey(TripleIndex::kPos, s, p, o), std::string());
  txn_.Put(IndexKey(TripleIndex::kOsp, s, p, o), std::string());
}

Status ValidatePattern(const TriplePattern& pattern) { return ParsePattern(pattern).status(); }

TripleIndex ChooseIndex(bool subject, bool predicate, bool object) {
  if (subject && object && !predicate) return TripleIndex::kOsp;
  if (subject) return TripleIndex::kSpo;
  if (predicate) return TripleIndex::kPos;
  if (object) return TripleIndex::kOsp;
  return TripleIndex::kSpo;
}

TripleIndex ChooseIndex(const TriplePattern& pattern) {
  return ChooseIndex(pattern.subject.has_value(), pattern.predicate.has_value(), pattern.object.has_value());
}

Result<uint64_t> ForEachTriple(const store::Db& db, const TriplePattern& pattern,
                               const std::function<bool(const Triple&)>& fn) {
  SOV_ASSIGN_OR_RETURN(store::Cf cf, TriplesFamily(db));
  TermResolver resolver(db, cf);
  SOV_ASSIGN_OR_RETURN(Plan plan, MakePlan(pattern, resolver));
  uint64_t n = 0;
  Status error;
  Triple t;
  Status scan = ScanKeys(db, cf, plan, [&](std::string_view key) {
    std::string_view a = key.substr(1, kIdBytes), b = key.substr(1 + kIdBytes, kIdBytes),
                     c = key.substr(1 + 2 * kIdBytes, kIdBytes);
    std::string_view s, p, o;
    switch (plan.index) {
      case TripleIndex::kSpo: s = a, p = b, o = c; break;
      case TripleIndex::kPos: p = a, o = b, s = c; break;
      case TripleIndex::kOsp: o = a, s = b, p = c; break;
    }
    const std::pair<std::string_view, RdfTerm*> parts[] = {{s, &t.subject}, {p, &t.predicate}, {o, &t.object}};
    const std::optional<RdfTerm>* bound[] = {&plan.s, &plan.p, &plan.o};
    for (size_t i = 0; i < 3; ++i) {
      if (bound[i]->has_value()) {
        *parts[i].second = **bound[i];
        continue;
      }
      auto term = resolver.Resolve(parts[i].first);
      if (!term.ok()) {
        error = term.status().WithContext("triples index key " + ToHex(key));
        return false;
      }
      *parts[i].second = std::move(*term);
    }
    ++n;
    return fn(t);
  });
  SOV_RETURN_IF_ERROR(scan);
  SOV_RETURN_IF_ERROR(error);
  return n;
}

Result<uint64_t> CountTriples(const store::Db& db, const TriplePattern& pattern) {
  SOV_ASSIGN_OR_RETURN(store::Cf cf, TriplesFamily(db));
  TermResolver resolver(db, cf);
  SOV_ASSIGN_OR_RETURN(Plan plan, MakePlan(pattern, resolver));
  uint64_t n = 0;
  SOV_RETURN_IF_ERROR(ScanKeys(db, cf, plan, [&](std::string_view) {
    ++n;
    return true;
  }));
  return n;
}

}  // namespace sov::pipeline
