#include "pipeline/triples_view.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "events_generated.h"
#include "store/bytes.h"
#include "store/crypto.h"

namespace sov::pipeline {

namespace {

constexpr size_t kIdBytes = 8;
constexpr size_t kIndexKeyBytes = 1 + 3 * kIdBytes;
constexpr char kDictPrefix = 'T';
constexpr char kIriTag = 'I';
constexpr char kLiteralTag = 'L';

// ---------- the compiled-in vocabulary ----------

#define SOV_TRIPLES_VOCAB(X)                             \
  X(kRdfType, kRdfNs, "type")                            \
  X(kProvActivity, kProvNs, "Activity")                  \
  X(kProvAgent, kProvNs, "Agent")                        \
  X(kProvEntity, kProvNs, "Entity")                      \
  X(kProvWasAssociatedWith, kProvNs, "wasAssociatedWith") \
  X(kProvWasAttributedTo, kProvNs, "wasAttributedTo")    \
  X(kProvStartedAtTime, kProvNs, "startedAtTime")        \
  X(kProvEndedAtTime, kProvNs, "endedAtTime")            \
  X(kProvGeneratedAtTime, kProvNs, "generatedAtTime")    \
  X(kProvUsed, kProvNs, "used")                          \
  X(kProvWasGeneratedBy, kProvNs, "wasGeneratedBy")      \
  X(kDcTitle, kDctermsNs, "title")                       \
  X(kDcDescription, kDctermsNs, "description")           \
  X(kDcCreated, kDctermsNs, "created")                   \
  X(kDcCreator, kDctermsNs, "creator")                   \
  X(kDcIsPartOf, kDctermsNs, "isPartOf")                 \
  X(kFoafMember, kFoafNs, "member")                      \
  X(kFoafName, kFoafNs, "name")                          \
  X(kSovTeam, kSovNs, "Team")                            \
  X(kSovWorkspace, kSovNs, "Workspace")                  \
  X(kSovMessage, kSovNs, "Message")                      \
  X(kSovToolCall, kSovNs, "ToolCall")                    \
  X(kSovPayment, kSovNs, "Payment")                      \
  X(kSovQuote, kSovNs, "Quote")                          \
  X(kSovTask, kSovNs, "Task")                            \
  X(kSovTaskResult, kSovNs, "TaskResult")                \
  X(kSovBundle, kSovNs, "Bundle")                        \
  X(kSovMembership, kSovNs, "Membership")                \
  X(kSovMessageType, kSovNs, "messageType")              \
  X(kSovContent, kSovNs, "content")                      \
  X(kSovInReplyTo, kSovNs, "inReplyTo")                  \
  X(kSovLeader, kSovNs, "leader")                        \
  X(kSovGroup, kSovNs, "group")                          \
  X(kSovAgent, kSovNs, "agent")                          \
  X(kSovRole, kSovNs, "role")                            \
  X(kSovInvitedAt, kSovNs, "invitedAt")                  \
  X(kSovJoinedAt, kSovNs, "joinedAt")                    \
  X(kSovLeftAt, kSovNs, "leftAt")                        \
  X(kSovLeftReason, kSovNs, "leftReason")                \
  X(kSovMaxMembers, kSovNs, "maxMembers")                \
  X(kSovBudget, kSovNs, "budget")                        \
  X(kSovWorker, kSovNs, "worker")                        \
  X(kSovSuccess, kSovNs, "success")                      \
  X(kSovCost, kSovNs, "cost")                            \
  X(kSovResultHash, kSovNs, "resultHash")                \
  X(kSovConflictStrategy, kSovNs, "conflictStrategy")    \
  X(kSovConflictOutcome, kSovNs, "conflictOutcome")      \
  X(kSovWinner, kSovNs, "winner")                        \
  X(kSovResolvedAt, kSovNs, "resolvedAt")                \
  X(kSovDisbandedAt, kSovNs, "disbandedAt")              \
  X(kSovDisbandReason, kSovNs, "disbandReason")          \
  X(kSovArchivedAt, kSovNs, "archivedAt")                \
  X(kSovTool, kSovNs, "tool")                            \
  X(kSovPeer, kSovNs, "peer")                            \
  X(kSovOutcome, kSovNs, "outcome")                      \
  X(kSovDurationMs, kSovNs, "durationMs")                \
  X(kSovTimeoutMs, kSovNs, "timeoutMs")                  \
  X(kSovError, kSovNs, "error")                          \
  X(kSovAmount, kSovNs, "amount")                        \
  X(kSovSettledAmount, kSovNs, "settledAmount")          \
  X(kSovCurrency, kSovNs, "currency")                    \
  X(kSovExpiresAt, kSovNs, "expiresAt")                  \
  X(kSovQuoteRef, kSovNs, "quote")                       \
  X(kSovMode, kSovNs, "mode")                            \
  X(kSovPayer, kSovNs, "payer")                          \
  X(kSovPayee, kSovNs, "payee")                          \
  X(kSovToolCallRef, kSovNs, "toolCall")                 \
  X(kSovAuthorizedAt, kSovNs, "authorizedAt")            \
  X(kSovDeferredAt, kSovNs, "deferredAt")                \
  X(kSovSettledAt, kSovNs, "settledAt")                  \
  X(kSovFailedAt, kSovNs, "failedAt")                    \
  X(kSovRejectedAt, kSovNs, "rejectedAt")                \
  X(kSovRejectReason, kSovNs, "rejectReason")            \
  X(kSovTxHash, kSovNs, "txHash")                        \
  X(kSovCommits, kSovNs, "commits")                      \
  X(kSovSizeBytes, kSovNs, "sizeBytes")                  \
  X(kSovCodeBytes, kSovNs, "codeBytes")                  \
  X(kSovBaseOid, kSovNs, "baseOid")                      \
  X(kSovReceivedFrom, kSovNs, "receivedFrom")            \
  X(kSovReceivedAt, kSovNs, "receivedAt")                \
  X(kSovAppliedAt, kSovNs, "appliedAt")                  \
  X(kSovCapability, kSovNs, "capability")                \
  X(kSovPeerId, kSovNs, "peerId")

enum Voc : size_t {
#define SOV_VOC_ENUM(name, ns, local) name,
  SOV_TRIPLES_VOCAB(SOV_VOC_ENUM)
#undef SOV_VOC_ENUM
      kVocabSize
};

std::string IdOfEncoding(std::string_view encoding) {
  return crypto::Blake2b256Of(encoding).substr(0, kIdBytes);
}

class Vocabulary {
 public:
  static const Vocabulary& Get() {
    static const Vocabulary v;
    return v;
  }
  const std::string& id(Voc v) const { return ids_[v]; }
  const RdfTerm* Find(std::string_view id) const {
    auto it = by_id_.find(std::string(id));
    return it == by_id_.end() ? nullptr : &terms_[it->second];
  }

 private:
  Vocabulary() {
    (void)crypto::Init();
    const std::pair<std::string_view, std::string_view> entries[] = {
#define SOV_VOC_ENTRY(name, ns, local) {ns, local},
        SOV_TRIPLES_VOCAB(SOV_VOC_ENTRY)
#undef SOV_VOC_ENTRY
    };
    for (size_t i = 0; i < kVocabSize; ++i) {
      terms_[i] = RdfTerm::Iri(std::string(entries[i].first) + std::string(entries[i].second));
      ids_[i] = IdOfEncoding(EncodeTerm(terms_[i]));
      if (!by_id_.emplace(ids_[i], i).second) {
        std::fprintf(stderr, "sov: triples vocabulary id collision at %s\n", terms_[i].value.c_str());
        std::abort();  // a property of the compiled-in constants, found by every test run
      }
    }
  }
  std::array<RdfTerm, kVocabSize> terms_;
  std::array<std::string, kVocabSize> ids_;
  std::unordered_map<std::string, size_t> by_id_;
};

// ---------- text helpers ----------

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Replaces each invalid byte with U+FFFD so every literal is valid UTF-8 (RDF text must be).
std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Characters N-Triples forbids inside <…> (besides controls and space).
bool IsIriExcluded(unsigned char c) {
  return c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' || c == '\\' ||
         c == '^' || c == '`';
}

bool IriCharsOk(std::string_view iri) {
  for (unsigned char c : iri) {
    if (IsIriExcluded(c)) return false;
  }
  return IsValidUtf8(iri);
}

// An absolute IRI starts with a scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
bool HasScheme(std::string_view iri) {
  const size_t colon = iri.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(iri[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(iri[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

std::string_view View(const flatbuffers::String* s) {
  return s ? std::string_view(s->c_str(), s->size()) : std::string_view();
}

bool Has(const flatbuffers::String* s) { return s != nullptr && s->size() > 0; }

// "TaskProposal" -> "task_proposal"; "" (an enum value this build does not know) -> "unknown".
std::string Snake(const char* camel) {
  std::string out;
  for (const char* p = camel; p != nullptr && *p != '\0'; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (std::isupper(c)) {
      if (!out.empty()) out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out.empty() ? "unknown" : out;
}

std::string Urn(std::string_view kind, std::string_view id) {
  return "urn:sov:" + std::string(kind) + ":" + PercentEncodeIri(id);
}
std::string Urn(std::string_view kind, std::string_view a, std::string_view b) {
  return Urn(kind, a) + "/" + PercentEncodeIri(b);
}
std::string MembershipIri(std::string_view kind, std::string_view group, std::string_view did) {
  return Urn(kind, group) + "/member/" + PercentEncodeIri(did);
}

std::string Datatype(std::string_view local) { return std::string(kXsdNs) + std::string(local); }

// ---------- writing: interning and the three index entries ----------

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

// Writes triples for one event. The first error is kept and everything after it is skipped; an
// empty id (a missing field) silently drops the triples that use it.
class Emitter {
 public:
  explicit Emitter(ViewTxn& txn) : txn_(txn), vocab_(Vocabulary::Get()) {}

  const std::string& V(Voc v) const { return vocab_.id(v); }

  std::string Intern(const RdfTerm& term) {
    if (!status_.ok()) return {};
    std::string encoding = EncodeTerm(term);
    std::string id = IdOfEncoding(encoding);
    if (const RdfTerm* known = vocab_.Find(id)) {
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

  std::string Iri(std::string iri) { return Intern(RdfTerm::Iri(std::move(iri))); }
  std::string Agent(const flatbuffers::String* did) { return Has(did) ? Iri(AgentIri(View(did))) : std::string(); }
  std::string Tool(const flatbuffers::String* name) { return Has(name) ? Iri(Urn("tool", View(name))) : std::string(); }
  std::string Text(std::string_view text) {
    return text.empty() ? std::string() : Intern(RdfTerm::Literal(SanitizeUtf8(text)));
  }
  std::string Text(const flatbuffers::String* s) { return Text(View(s)); }
  std::string Int(int64_t v) { return Intern(RdfTerm::Literal(std::to_string(v), Datatype("integer"))); }
  std::string UInt(uint64_t v) { return Intern(RdfTerm::Literal(std::to_string(v), Datatype("integer"))); }
  std::string Bool(bool v) { return Intern(RdfTerm::Literal(v ? "true" : "false", Datatype("boolean"))); }
  std::string Time(int64_t ns) { return Intern(RdfTerm::Literal(FormatXsdDateTime(ns), Datatype("dateTime"))); }

  void Add(std::string_view s, std::string_view p, std::string_view o) {
    if (!status_.ok() || s.empty() || p.empty() || o.empty()) return;
    txn_.Put(IndexKey(TripleIndex::kSpo, s, p, o), std::string());
    txn_.Put(IndexKey(TripleIndex::kPos, s, p, o), std::string());
    txn_.Put(IndexKey(TripleIndex::kOsp, s, p, o), std::string());
  }
  void Add(std::string_view s, Voc p, std::string_view o) { Add(s, V(p), o); }
  void Add(std::string_view s, Voc p, Voc o) { Add(s, V(p), V(o)); }
  void Type(std::string_view s, Voc cls) { Add(s, V(kRdfType), V(cls)); }

  const Status& status() const { return status_; }

 private:
  ViewTxn& txn_;
  const Vocabulary& vocab_;
  Status status_;
};

// ---------- the mapping, one function per event type ----------

// An agent named in a membership or creation: typed once more (idempotent) as prov:Agent.
std::string TypedAgent(Emitter& e, const flatbuffers::String* did) {
  std::string a = e.Agent(did);
  e.Type(a, kProvAgent);
  return a;
}

void MapWorkspaceCreated(const fb::WorkspaceCreated& x, int64_t ts, Emitter& e) {
  if (!Has(x.workspace_id())) return;
  const std::string w = e.Iri(Urn("workspace", View(x.workspace_id())));
  e.Type(w, kSovWorkspace);
  e.Add(w, kDcTitle, e.Text(x.name()));
  e.Add(w, kDcDescription, e.Text(x.goal()));
  e.Add(w, kDcCreator, TypedAgent(e, x.creator_did()));
  e.Add(w, kDcCreated, e.Time(ts));
}

// Joining or leaving a team or workspace: the group's foaf:member, plus a membership resource
// that carries the role and the times.
std::string Membership(Emitter& e, std::string_view kind, const flatbuffers::String* group,
                       const flatbuffers::String* did, std::string* group_id, std::string* agent_id) {
  *group_id = e.Iri(Urn(kind, View(group)));
  *agent_id = TypedAgent(e, did);
  const std::string m = e.Iri(MembershipIri(kind, View(group), View(did)));
  e.Type(m, kSovMembership);
  e.Add(m, kSovGroup, *group_id);
  e.Add(m, kSovAgent, *agent_id);
  return m;
}

void MapWorkspaceMemberJoined(const fb::WorkspaceMemberJoined& x, int64_t ts, Emitter& e) {
  if (!Has(x.workspace_id()) || !Has(x.member_did())) return;
  std::string w, a;
  const std::string m = Membership(e, "workspace", x.workspace_id(), x.member_did(), &w, &a);
  e.Add(w, kFoafMember, a);
  e.Add(m, kSovRole, e.Text(Snake(fb::EnumNameWorkspaceRole(x.role()))));
  e.Add(m, kSovJoinedAt, e.Time(ts));
}

void MapWorkspaceMemberLeft(const fb::WorkspaceMemberLeft& x, int64_t ts, Emitter& e) {
  if (!Has(x.workspace_id()) || !Has(x.member_did())) return;
  std::string w, a;
  const std::string m = Membership(e, "workspace", x.workspace_id(), x.member_did(), &w, &a);
  e.Add(m, kSovLeftAt, e.Time(ts));
}

void MapWorkspaceMessagePosted(const fb::WorkspaceMessagePosted& x, int64_t ts, Emitter& e) {
  if (!Has(x.workspace_id()) || !Has(x.message_id())) return;
  const std::string msg = e.Iri(Urn("message", View(x.workspace_id()), View(x.message_id())));
  e.Type(msg, kSovMessage);
  e.Add(msg, kSovMessageType, e.Text(Snake(fb::EnumNameWorkspaceMessageType(x.type()))));
  e.Add(msg, kDcIsPartOf, e.Iri(Urn("workspace", View(x.workspace_id()))));
  e.Add(msg, kProvWasAttributedTo, e.Agent(x.sender_did()));
  e.Add(msg, kDcCreated, e.Time(ts));
  e.Add(msg, kSovContent, e.Text(x.content()));
  if (Has(x.parent_id())) e.Add(msg, kSovInReplyTo, e.Iri(Urn("message", View(x.workspace_id()), View(x.parent_id()))));
  if (x.metadata() != nullptr) {
    for (const fb::KeyValue* kv : *x.metadata()) {
      if (kv == nullptr || kv->key() == nullptr) continue;
      const std::string p = e.Iri(std::string(kSovNs) + "meta_" + PercentEncodeIri(View(kv->key())));
      e.Add(msg, p, e.Text(kv->value()));
    }
  }
}

void MapWorkspaceArchived(const fb::WorkspaceArchived& x, int64_t ts, Emitter& e) {
  if (!Has(x.workspace_id())) return;
  e.Add(e.Iri(Urn("workspace", View(x.workspace_id()))), kSovArchivedAt, e.Time(ts));
}

void MapTeamFormed(const fb::TeamFormed& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id())) return;
  const std::string t = e.Iri(Urn("team", View(x.team_id())));
  e.Type(t, kSovTeam);
  e.Add(t, kDcTitle, e.Text(x.name()));
  e.Add(t, kDcDescription, e.Text(x.goal()));
  e.Add(t, kSovLeader, TypedAgent(e, x.leader_did()));
  e.Add(t, kDcCreated, e.Time(ts));
  if (x.max_members() != 0) e.Add(t, kSovMaxMembers, e.UInt(x.max_members()));
  if (x.budget() != 0) e.Add(t, kSovBudget, e.Int(x.budget()));
  e.Add(t, kSovCurrency, e.Text(x.currency()));
}

void MapTeamMemberInvited(const fb::TeamMemberInvited& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id()) || !Has(x.member_did())) return;
  std::string t, a;
  const std::string m = Membership(e, "team", x.team_id(), x.member_did(), &t, &a);
  e.Add(m, kSovRole, e.Text(Snake(fb::EnumNameTeamRole(x.role()))));
  e.Add(m, kSovInvitedAt, e.Time(ts));
}

void MapTeamMemberJoined(const fb::TeamMemberJoined& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id()) || !Has(x.member_did())) return;
  std::string t, a;
  const std::string m = Membership(e, "team", x.team_id(), x.member_did(), &t, &a);
  e.Add(t, kFoafMember, a);
  e.Add(m, kSovRole, e.Text(Snake(fb::EnumNameTeamRole(x.role()))));
  e.Add(m, kSovJoinedAt, e.Time(ts));
}

void MapTeamMemberLeft(const fb::TeamMemberLeft& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id()) || !Has(x.member_did())) return;
  std::string t, a;
  const std::string m = Membership(e, "team", x.team_id(), x.member_did(), &t, &a);
  e.Add(m, kSovLeftAt, e.Time(ts));
  e.Add(m, kSovLeftReason, e.Text(x.reason()));
}

std::string Task(Emitter& e, const flatbuffers::String* team, const flatbuffers::String* task) {
  const std::string k = e.Iri(Urn("task", View(team), View(task)));
  e.Type(k, kSovTask);
  e.Add(k, kDcIsPartOf, e.Iri(Urn("team", View(team))));
  return k;
}

void MapTeamTaskDelegated(const fb::TeamTaskDelegated& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id()) || !Has(x.task_id())) return;
  const std::string k = Task(e, x.team_id(), x.task_id());
  e.Type(k, kProvActivity);
  e.Add(k, kProvStartedAtTime, e.Time(ts));
  e.Add(k, kSovTool, e.Tool(x.tool()));
  if (x.workers() != nullptr) {
    for (const flatbuffers::String* w : *x.workers()) e.Add(k, kSovWorker, e.Agent(w));
  }
}

void MapTeamTaskResult(const fb::TeamTaskResult& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id()) || !Has(x.task_id()) || !Has(x.member_did())) return;
  const std::string k = Task(e, x.team_id(), x.task_id());
  const std::string r =
      e.Iri(Urn("task", View(x.team_id()), View(x.task_id())) + "/result/" + PercentEncodeIri(View(x.member_did())));
  e.Type(r, kSovTaskResult);
  e.Type(r, kProvEntity);
  e.Add(r, kProvWasGeneratedBy, k);
  e.Add(r, kProvWasAttributedTo, e.Agent(x.member_did()));
  e.Add(r, kProvGeneratedAtTime, e.Time(ts));
  e.Add(r, kSovSuccess, e.Bool(x.success()));
  e.Add(r, kSovDurationMs, e.UInt(x.duration_ms()));
  e.Add(r, kSovCost, e.Int(x.cost()));
  e.Add(r, kSovError, e.Text(x.error()));
  if (x.result_hash() != nullptr && x.result_hash()->size() > 0) {
    e.Add(r, kSovResultHash,
          e.Text(ToHex(std::string_view(reinterpret_cast<const char*>(x.result_hash()->data()), x.result_hash()->size()))));
  }
}

void MapTeamConflictResolved(const fb::TeamConflictResolved& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id()) || !Has(x.task_id())) return;
  const std::string k = Task(e, x.team_id(), x.task_id());
  e.Add(k, kSovConflictStrategy, e.Text(Snake(fb::EnumNameConflictStrategy(x.strategy()))));
  e.Add(k, kSovConflictOutcome, e.Text(Snake(fb::EnumNameConflictOutcome(x.outcome()))));
  e.Add(k, kSovWinner, e.Agent(x.winner_did()));
  e.Add(k, kSovResolvedAt, e.Time(ts));
}

void MapTeamDisbanded(const fb::TeamDisbanded& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id())) return;
  const std::string t = e.Iri(Urn("team", View(x.team_id())));
  e.Add(t, kSovDisbandedAt, e.Time(ts));
  e.Add(t, kSovDisbandReason, e.Text(x.reason()));
}

void MapToolInvoked(const fb::ToolInvoked& x, int64_t ts, Emitter& e) {
  if (!Has(x.call_id())) return;
  const std::string c = e.Iri(Urn("toolcall", View(x.call_id())));
  e.Type(c, kSovToolCall);
  e.Type(c, kProvActivity);
  e.Add(c, kProvWasAssociatedWith, e.Agent(x.peer_did()));
  e.Add(c, kSovTool, e.Tool(x.tool()));
  e.Add(c, kProvStartedAtTime, e.Time(ts));
}

// The end of a tool call: outcome, end time, and what the outcome event says.
std::string ToolEnd(Emitter& e, const flatbuffers::String* call_id, std::string_view outcome, int64_t ts) {
  const std::string c = e.Iri(Urn("toolcall", View(call_id)));
  e.Add(c, kSovOutcome, e.Text(outcome));
  e.Add(c, kProvEndedAtTime, e.Time(ts));
  return c;
}

void MapToolSucceeded(const fb::ToolSucceeded& x, int64_t ts, Emitter& e) {
  if (!Has(x.call_id())) return;
  const std::string c = ToolEnd(e, x.call_id(), "succeeded", ts);
  e.Add(c, kSovDurationMs, e.UInt(x.duration_ms()));
}

void MapToolFailed(const fb::ToolFailed& x, int64_t ts, Emitter& e) {
  if (!Has(x.call_id())) return;
  const std::string c = ToolEnd(e, x.call_id(), "failed", ts);
  e.Add(c, kSovDurationMs, e.UInt(x.duration_ms()));
  e.Add(c, kSovError, e.Text(x.error()));
}

void MapToolTimedOut(const fb::ToolTimedOut& x, int64_t ts, Emitter& e) {
  if (!Has(x.call_id())) return;
  const std::string c = ToolEnd(e, x.call_id(), "timed_out", ts);
  e.Add(c, kSovTimeoutMs, e.UInt(x.timeout_ms()));
}

void MapPriceQuoted(const fb::PriceQuoted& x, int64_t ts, Emitter& e) {
  if (!Has(x.quote_id())) return;
  const std::string q = e.Iri(Urn("quote", View(x.quote_id())));
  e.Type(q, kSovQuote);
  e.Add(q, kSovPeer, e.Agent(x.peer_did()));
  e.Add(q, kSovTool, e.Tool(x.tool()));
  e.Add(q, kSovAmount, e.Int(x.amount()));
  e.Add(q, kSovCurrency, e.Text(x.currency()));
  e.Add(q, kProvGeneratedAtTime, e.Time(ts));
  if (x.expires_at_ns() != 0) e.Add(q, kSovExpiresAt, e.Time(x.expires_at_ns()));
}

// A payment resource with the time of this state change and its peer.
std::string Payment(Emitter& e, const flatbuffers::String* id, Voc at, int64_t ts, const flatbuffers::String* peer) {
  const std::string p = e.Iri(Urn("payment", View(id)));
  e.Type(p, kSovPayment);
  e.Add(p, at, e.Time(ts));
  e.Add(p, kSovPeer, e.Agent(peer));
  return p;
}

void MapPaymentAuthorized(const fb::PaymentAuthorized& x, int64_t ts, Emitter& e) {
  if (!Has(x.payment_id())) return;
  const std::string p = Payment(e, x.payment_id(), kSovAuthorizedAt, ts, x.peer_did());
  if (Has(x.quote_id())) e.Add(p, kSovQuoteRef, e.Iri(Urn("quote", View(x.quote_id()))));
  e.Add(p, kSovTool, e.Tool(x.tool()));
  e.Add(p, kSovAmount, e.Int(x.amount()));
  e.Add(p, kSovCurrency, e.Text(x.currency()));
  e.Add(p, kSovMode, e.Text(Snake(fb::EnumNamePaymentMode(x.mode()))));
  e.Add(p, kSovPayer, e.Text(x.payer()));
  e.Add(p, kSovPayee, e.Text(x.payee()));
}

void MapPaymentRejected(const fb::PaymentRejected& x, int64_t ts, Emitter& e) {
  if (!Has(x.payment_id())) return;
  const std::string p = Payment(e, x.payment_id(), kSovRejectedAt, ts, x.peer_did());
  if (Has(x.quote_id())) e.Add(p, kSovQuoteRef, e.Iri(Urn("quote", View(x.quote_id()))));
  e.Add(p, kSovTool, e.Tool(x.tool()));
  e.Add(p, kSovAmount, e.Int(x.amount()));
  e.Add(p, kSovRejectReason, e.Text(Snake(fb::EnumNamePaymentRejectReason(x.reason()))));
}

void MapPaymentDeferred(const fb::PaymentDeferred& x, int64_t ts, Emitter& e) {
  if (!Has(x.payment_id())) return;
  const std::string p = Payment(e, x.payment_id(), kSovDeferredAt, ts, x.peer_did());
  e.Add(p, kSovTool, e.Tool(x.tool()));
  if (Has(x.call_id())) e.Add(p, kProvWasGeneratedBy, e.Iri(Urn("toolcall", View(x.call_id()))));
  e.Add(p, kSovAmount, e.Int(x.amount()));
  e.Add(p, kSovCurrency, e.Text(x.currency()));
}

void MapPaymentSettled(const fb::PaymentSettled& x, int64_t ts, Emitter& e) {
  if (!Has(x.payment_id())) return;
  const std::string p = Payment(e, x.payment_id(), kSovSettledAt, ts, x.peer_did());
  e.Add(p, kSovSettledAmount, e.Int(x.amount()));
  e.Add(p, kSovCurrency, e.Text(x.currency()));
  e.Add(p, kSovTxHash, e.Text(x.tx_hash()));
}

void MapPaymentFailed(const fb::PaymentFailed& x, int64_t ts, Emitter& e) {
  if (!Has(x.payment_id())) return;
  const std::string p = Payment(e, x.payment_id(), kSovFailedAt, ts, x.peer_did());
  e.Add(p, kSovAmount, e.Int(x.amount()));
  e.Add(p, kSovError, e.Text(x.error()));
}

std::string Bundle(Emitter& e, const flatbuffers::String* id, const flatbuffers::String* workspace) {
  const std::string b = e.Iri(Urn("bundle", View(id)));
  e.Type(b, kSovBundle);
  if (Has(workspace)) e.Add(b, kDcIsPartOf, e.Iri(Urn("workspace", View(workspace))));
  return b;
}

void MapGitBundleCreated(const fb::GitBundleCreated& x, int64_t ts, Emitter& e) {
  if (!Has(x.bundle_id())) return;
  const std::string b = Bundle(e, x.bundle_id(), x.workspace_id());
  e.Type(b, kProvEntity);
  e.Add(b, kProvWasAttributedTo, e.Agent(x.author_did()));
  e.Add(b, kProvGeneratedAtTime, e.Time(ts));
  e.Add(b, kSovCommits, e.UInt(x.commits()));
  e.Add(b, kSovSizeBytes, e.UInt(x.size_bytes()));
  e.Add(b, kSovBaseOid, e.Text(x.base_oid()));
}

void MapGitBundleReceived(const fb::GitBundleReceived& x, int64_t ts, Emitter& e) {
  if (!Has(x.bundle_id())) return;
  const std::string b = Bundle(e, x.bundle_id(), x.workspace_id());
  e.Add(b, kSovReceivedFrom, e.Agent(x.from_did()));
  e.Add(b, kSovReceivedAt, e.Time(ts));
  e.Add(b, kSovSizeBytes, e.UInt(x.size_bytes()));
}

void MapGitBundleApplied(const fb::GitBundleApplied& x, int64_t ts, Emitter& e) {
  if (!Has(x.bundle_id())) return;
  const std::string b = Bundle(e, x.bundle_id(), x.workspace_id());
  e.Add(b, kSovAppliedAt, e.Time(ts));
  e.Add(b, kSovCommits, e.UInt(x.commits()));
  e.Add(b, kSovCodeBytes, e.UInt(x.code_bytes()));
}

void MapGitBundleRejected(const fb::GitBundleRejected& x, int64_t ts, Emitter& e) {
  if (!Has(x.bundle_id())) return;
  const std::string b = Bundle(e, x.bundle_id(), x.workspace_id());
  e.Add(b, kSovRejectedAt, e.Time(ts));
  e.Add(b, kSovRejectReason, e.Text(Snake(fb::EnumNameGitRejectReason(x.reason()))));
  e.Add(b, kSovError, e.Text(x.detail()));
}

void AgentFacts(Emitter& e, const flatbuffers::String* did, const flatbuffers::String* peer_id,
                const flatbuffers::String* name, const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* caps) {
  const std::string a = TypedAgent(e, did);
  e.Add(a, kFoafName, e.Text(name));
  e.Add(a, kSovPeerId, e.Text(peer_id));
  if (caps != nullptr) {
    for (const flatbuffers::String* c : *caps) e.Add(a, kSovCapability, e.Text(c));
  }
}

void MapAgentCardReceived(const fb::AgentCardReceived& x, int64_t, Emitter& e) {
  if (!Has(x.peer_did())) return;
  AgentFacts(e, x.peer_did(), x.peer_id(), x.name(), x.capabilities());
  e.Add(e.Agent(x.peer_did()), kDcDescription, e.Text(x.description()));
}

void MapAgentDiscovered(const fb::AgentDiscovered& x, int64_t, Emitter& e) {
  if (!Has(x.peer_did())) return;
  AgentFacts(e, x.peer_did(), x.peer_id(), x.name(), x.capabilities());
}

class TriplesProjector final : public Projector {
 public:
  std::string_view name() const override { return kTriplesView; }
  uint32_t version() const override { return 1; }

  Status Apply(const store::RecordView& record, ViewTxn& txn) override {
    const fb::Envelope& env = *record.envelope;
    const int64_t ts = env.timestamp_ns();
    Emitter e(txn);
    switch (env.payload_type()) {
#define SOV_MAP(Type)                                            \
  case fb::Event::Type:                                          \
    if (const auto* x = env.payload_as_##Type()) Map##Type(*x, ts, e); \
    break;
      SOV_MAP(WorkspaceCreated)
      SOV_MAP(WorkspaceMemberJoined)
      SOV_MAP(WorkspaceMemberLeft)
      SOV_MAP(WorkspaceMessagePosted)
      SOV_MAP(WorkspaceArchived)
      SOV_MAP(TeamFormed)
      SOV_MAP(TeamMemberInvited)
      SOV_MAP(TeamMemberJoined)
      SOV_MAP(TeamMemberLeft)
      SOV_MAP(TeamTaskDelegated)
      SOV_MAP(TeamTaskResult)
      SOV_MAP(TeamConflictResolved)
      SOV_MAP(TeamDisbanded)
      SOV_MAP(ToolInvoked)
      SOV_MAP(ToolSucceeded)
      SOV_MAP(ToolFailed)
      SOV_MAP(ToolTimedOut)
      SOV_MAP(PriceQuoted)
      SOV_MAP(PaymentAuthorized)
      SOV_MAP(PaymentRejected)
      SOV_MAP(PaymentDeferred)
      SOV_MAP(PaymentSettled)
      SOV_MAP(PaymentFailed)
      SOV_MAP(GitBundleCreated)
      SOV_MAP(GitBundleReceived)
      SOV_MAP(GitBundleApplied)
      SOV_MAP(GitBundleRejected)
      SOV_MAP(AgentCardReceived)
      SOV_MAP(AgentDiscovered)
#undef SOV_MAP
      default:
        return Status::OK();
    }
    return e.status();
  }
};

// ---------- parsing pattern terms ----------

class TermParser {
 public:
  TermParser(std::string_view text, std::string_view flag) : text_(text), flag_(flag) {}

  Result<RdfTerm> Parse() {
    if (text_.empty()) return Status::InvalidArgument(std::string(flag_) + ": empty term");
    if (text_[0] == '<') {
      std::string iri;
      SOV_RETURN_IF_ERROR(IriRef(&iri));
      if (pos_ != text_.size()) return Bad("unexpected text after the IRI");
      return RdfTerm::Iri(std::move(iri));
    }
    if (text_[0] == '"') return LiteralTerm();
    if (text_.starts_with("_:")) return Bad("blank nodes are not used in the sov graph");
    std::string iri;
    SOV_RETURN_IF_ERROR(NameOrBareIri(text_, &iri));
    return RdfTerm::Iri(std::move(iri));
  }

 private:
  Status Bad(const std::string& why) const {
    return Status::InvalidArgument(std::string(flag_) + ": " + why + " in term '" + std::string(text_) + "'");
  }

  // \uXXXX or \UXXXXXXXX at pos_ (just after the backslash and the letter).
  Status Uchar(size_t digits, std::string* out) {
    if (pos_ + digits > text_.size()) return Bad("truncated \\u escape");
    uint32_t cp = 0;
    for (size_t i = 0; i < digits; ++i) {
      const char c = text_[pos_ + i];
      int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (v < 0) return Bad("bad hex digit in \\u escape");
      cp = (cp << 4) | static_cast<uint32_t>(v);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return Bad("\\u escape is not a Unicode scalar value");
    pos_ += digits;
    AppendUtf8(out, cp);
    return Status::OK();
  }

  Status IriRef(std::string* out) {
    ++pos_;  // '<'
    while (pos_ < text_.size() && text_[pos_] != '>') {
      const char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) return Bad("truncated escape in IRI");
        const char k = text_[pos_++];
        if (k == 'u') {
          SOV_RETURN_IF_ERROR(Uchar(4, out));
        } else if (k == 'U') {
          SOV_RETURN_IF_ERROR(Uchar(8, out));
        } else {
          return Bad("only \\u and \\U escapes are allowed in an IRI");
        }
      } else {
        out->push_back(c);
      }
    }
    if (pos_ >= text_.size()) return Bad("missing '>'");
    ++pos_;  // '>'
    return CheckIri(*out);
  }

  Status CheckIri(std::string_view iri) const {
    if (!IriCharsOk(iri)) return Bad("character not allowed in an IRI (space, <>\"{}|\\^` or a control character)");
    if (!HasScheme(iri)) return Bad("not an absolute IRI (no scheme)");
    return Status::OK();
  }

  // prefix:local with a known prefix, or else a bare absolute IRI.
  Status NameOrBareIri(std::string_view s, std::string* out) const {
    const size_t colon = s.find(':');
    if (colon != std::string_view::npos) {
      for (const RdfPrefix& p : kRdfPrefixes) {
        if (s.substr(0, colon) == p.prefix) {
          *out = std::string(p.ns) + std::string(s.substr(colon + 1));
          return CheckIri(*out);
        }
      }
    }
    *out = std::string(s);
    return CheckIri(*out);
  }

  Result<RdfTerm> LiteralTerm() {
    ++pos_;  // '"'
    std::string lexical;
    bool closed = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') {
        closed = true;
        break;
      }
      if (c != '\\') {
        lexical.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return Bad("truncated escape in literal");
      const char k = text_[pos_++];
      switch (k) {
        case 't': lexical.push_back('\t'); break;
        case 'b': lexical.push_back('\b'); break;
        case 'n': lexical.push_back('\n'); break;
        case 'r': lexical.push_back('\r'); break;
        case 'f': lexical.push_back('\f'); break;
        case '"': lexical.push_back('"'); break;
        case '\'': lexical.push_back('\''); break;
        case '\\': lexical.push_back('\\'); break;
        case 'u': SOV_RETURN_IF_ERROR(Uchar(4, &lexical)); break;
        case 'U': SOV_RETURN_IF_ERROR(Uchar(8, &lexical)); break;
        default: return Bad(std::string("unknown escape \\") + k + " in literal");
      }
    }
    if (!closed) return Bad("unterminated literal");
    if (!IsValidUtf8(lexical)) return Bad("literal is not valid UTF-8");
    const std::string_view rest = text_.substr(pos_);
    if (rest.empty()) return RdfTerm::Literal(std::move(lexical));
    if (rest[0] == '@') return Bad("language-tagged literals are not used in the sov graph");
    if (!rest.starts_with("^^")) return Bad("unexpected text after the literal");
    pos_ += 2;
    std::string datatype;
    if (pos_ < text_.size() && text_[pos_] == '<') {
      SOV_RETURN_IF_ERROR(IriRef(&datatype));
      if (pos_ != text_.size()) return Bad("unexpected text after the datatype");
    } else {
      SOV_RETURN_IF_ERROR(NameOrBareIri(text_.substr(pos_), &datatype));
    }
    if (datatype == Datatype("string")) datatype.clear();  // "x"^^xsd:string is the plain literal "x"
    return RdfTerm::Literal(std::move(lexical), std::move(datatype));
  }

  std::string_view text_;
  std::string_view flag_;
  size_t pos_ = 0;
};

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

std::string EscapeLiteral(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

std::string ToNTriples(const RdfTerm& term) {
  if (term.kind == RdfTerm::Kind::kIri) return "<" + term.value + ">";
  std::string out = "\"" + EscapeLiteral(term.value) + "\"";
  if (!term.datatype.empty()) out += "^^<" + term.datatype + ">";
  return out;
}

std::string ToNTriples(const Triple& t) {
  return ToNTriples(t.subject) + " " + ToNTriples(t.predicate) + " " + ToNTriples(t.object) + " .";
}

Result<RdfTerm> ParseTerm(std::string_view text, std::string_view flag) { return TermParser(text, flag).Parse(); }

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

std::string PercentEncodeIri(std::string_view id, bool component) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(id.size());
  for (char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    const bool encode = IsIriExcluded(c) || c >= 0x7f || c == '%' ||
                        (component && (c == '/' || c == '?' || c == '#'));
    if (encode) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string AgentIri(std::string_view did) {
  if (did.starts_with("did:")) return PercentEncodeIri(did, false);
  return "urn:sov:agent:" + PercentEncodeIri(did);
}

std::string FormatXsdDateTime(int64_t ns) {
  constexpr int64_t kNs = 1000000000;
  int64_t secs = ns / kNs, frac = ns % kNs;
  if (frac < 0) {
    frac += kNs;
    --secs;
  }
  int64_t days = secs / 86400, sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm; proleptic Gregorian).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", static_cast<long long>(year),
                        static_cast<long long>(month), static_cast<long long>(day),
                        static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                        static_cast<long long>(sod % 60));
  if (frac % 1000000 == 0) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%03lld", static_cast<long long>(frac / 1000000));
  } else if (frac % 1000 == 0) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%06lld", static_cast<long long>(frac / 1000));
  } else {
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%09lld", static_cast<long long>(frac));
  }
  return std::string(buf, static_cast<size_t>(n)) + "Z";
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

std::unique_ptr<Projector> MakeTriplesProjector() { return std::make_unique<TriplesProjector>(); }

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
