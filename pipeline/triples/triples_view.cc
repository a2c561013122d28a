#include "pipeline/triples/triples_view.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events_generated.h"
#include "pipeline/peers_view.h"
#include "pipeline/triples/vocab.h"
#include "pipeline/view_codec.h"
#include "store/base/bytes.h"

namespace sov::pipeline {

namespace {

std::string_view View(const flatbuffers::String* s) {
  return s ? std::string_view(s->c_str(), s->size()) : std::string_view();
}

bool Has(const flatbuffers::String* s) { return s != nullptr && s->size() > 0; }

std::string Urn(std::string_view kind, std::string_view id) {
  return "urn:sov:" + std::string(kind) + ":" + PercentEncodeIri(id);
}
std::string Urn(std::string_view kind, std::string_view a, std::string_view b) {
  return Urn(kind, a) + "/" + PercentEncodeIri(b);
}
std::string MembershipIri(std::string_view kind, std::string_view group, std::string_view did) {
  return Urn(kind, group) + "/member/" + PercentEncodeIri(did);
}

// Writes the triples of one event: builds the mapping's terms and resolves vocabulary terms to
// their ids. Errors and missing fields are handled as TripleWriter describes.
class Emitter {
 public:
  explicit Emitter(ViewTxn& txn) : writer_(txn), vocab_(Vocabulary::Get()) {}

  const std::string& V(Voc v) const { return vocab_.id(v); }

  std::string Intern(const RdfTerm& term) { return writer_.Intern(term); }

  std::string Iri(std::string iri) { return Intern(RdfTerm::Iri(std::move(iri))); }
  std::string Agent(const flatbuffers::String* did) { return Has(did) ? Iri(AgentIri(View(did))) : std::string(); }
  std::string Tool(const flatbuffers::String* name) { return Has(name) ? Iri(Urn("tool", View(name))) : std::string(); }
  std::string Text(std::string_view text) {
    return text.empty() ? std::string() : Intern(RdfTerm::Literal(SanitizeUtf8(text)));
  }
  std::string Text(const flatbuffers::String* s) { return Text(View(s)); }
  std::string Int(int64_t v) { return Intern(RdfTerm::Literal(std::to_string(v), XsdDatatype("integer"))); }
  std::string UInt(uint64_t v) { return Intern(RdfTerm::Literal(std::to_string(v), XsdDatatype("integer"))); }
  std::string Bool(bool v) { return Intern(RdfTerm::Literal(v ? "true" : "false", XsdDatatype("boolean"))); }
  std::string Time(int64_t ns) { return Intern(RdfTerm::Literal(FormatXsdDateTime(ns), XsdDatatype("dateTime"))); }

  void Add(std::string_view s, std::string_view p, std::string_view o) { writer_.Add(s, p, o); }
  void Add(std::string_view s, Voc p, std::string_view o) { Add(s, V(p), o); }
  void Add(std::string_view s, Voc p, Voc o) { Add(s, V(p), V(o)); }
  void Type(std::string_view s, Voc cls) { Add(s, V(kRdfType), V(cls)); }

  const Status& status() const { return writer_.status(); }

 private:
  TripleWriter writer_;
  const Vocabulary& vocab_;
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
  e.Add(m, kSovRole, e.Text(SnakeCase(fb::EnumNameWorkspaceRole(x.role()))));
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
  e.Add(msg, kSovMessageType, e.Text(SnakeCase(fb::EnumNameWorkspaceMessageType(x.type()))));
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
  e.Add(m, kSovRole, e.Text(SnakeCase(fb::EnumNameTeamRole(x.role()))));
  e.Add(m, kSovInvitedAt, e.Time(ts));
}

void MapTeamMemberJoined(const fb::TeamMemberJoined& x, int64_t ts, Emitter& e) {
  if (!Has(x.team_id()) || !Has(x.member_did())) return;
  std::string t, a;
  const std::string m = Membership(e, "team", x.team_id(), x.member_did(), &t, &a);
  e.Add(t, kFoafMember, a);
  e.Add(m, kSovRole, e.Text(SnakeCase(fb::EnumNameTeamRole(x.role()))));
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
  e.Add(k, kSovConflictStrategy, e.Text(SnakeCase(fb::EnumNameConflictStrategy(x.strategy()))));
  e.Add(k, kSovConflictOutcome, e.Text(SnakeCase(fb::EnumNameConflictOutcome(x.outcome()))));
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
  e.Add(p, kSovMode, e.Text(SnakeCase(fb::EnumNamePaymentMode(x.mode()))));
  e.Add(p, kSovPayer, e.Text(x.payer()));
  e.Add(p, kSovPayee, e.Text(x.payee()));
}

void MapPaymentRejected(const fb::PaymentRejected& x, int64_t ts, Emitter& e) {
  if (!Has(x.payment_id())) return;
  const std::string p = Payment(e, x.payment_id(), kSovRejectedAt, ts, x.peer_did());
  if (Has(x.quote_id())) e.Add(p, kSovQuoteRef, e.Iri(Urn("quote", View(x.quote_id()))));
  e.Add(p, kSovTool, e.Tool(x.tool()));
  e.Add(p, kSovAmount, e.Int(x.amount()));
  e.Add(p, kSovRejectReason, e.Text(SnakeCase(fb::EnumNamePaymentRejectReason(x.reason()))));
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
  e.Add(b, kSovRejectReason, e.Text(SnakeCase(fb::EnumNameGitRejectReason(x.reason()))));
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

// What a peer said about itself over identify: its peer id, agent and protocol version, and each
// protocol it supports (bounded and sorted as in the peers view). Listen and observed addresses are
// not mapped (an agent card's addresses are not either): where a peer was is not knowledge about it.
void MapPeerIdentified(const fb::PeerIdentified& x, int64_t, Emitter& e) {
  if (!Has(x.peer_did())) return;
  const std::string a = TypedAgent(e, x.peer_did());
  e.Add(a, kSovPeerId, e.Text(x.peer_id()));
  e.Add(a, kSovAgentVersion, e.Text(x.agent_version()));
  e.Add(a, kSovProtocolVersion, e.Text(x.protocol_version()));
  std::vector<std::string> protocols;
  if (x.protocols() != nullptr) {
    for (const flatbuffers::String* p : *x.protocols()) protocols.emplace_back(View(p));
  }
  for (const std::string& p : NormalizeProtocols(std::move(protocols))) e.Add(a, kSovSupportsProtocol, e.Text(p));
}

class TriplesProjector final : public Projector {
 public:
  std::string_view name() const override { return kTriplesView; }
  // 2: peer.identified (sov:agentVersion, sov:protocolVersion, sov:supportsProtocol).
  uint32_t version() const override { return 2; }

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
      SOV_MAP(PeerIdentified)
#undef SOV_MAP
      // connection.rejected (and peer.dial_failed) name no DID, only an address and perhaps a bare
      // peer id: no agent to say it of, so no triples. Every other type is not mapped either.
      default:
        return Status::OK();
    }
    return e.status();
  }
};

}  // namespace

std::unique_ptr<Projector> MakeTriplesProjector() { return std::make_unique<TriplesProjector>(); }

}  // namespace sov::pipeline
