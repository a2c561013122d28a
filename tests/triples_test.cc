// The triples view (chronicler): exact triples for hand-written event sequences, every query
// pattern against the index it must use, escaping through N-Triples / Turtle / CSV, exports parsed
// by a real RDF parser (raptor's rapper), term-id collisions refused, and rebuild == live.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "events_generated.h"
#include "pipeline/runner.h"
#include "pipeline/triples_export.h"
#include "pipeline/triples_view.h"
#include "store/bytes.h"
#include "support/test_util.h"

namespace sov {
namespace {

using pipeline::RdfTerm;
using pipeline::Triple;
using pipeline::TriplePattern;
using testing::Event;
using testing::T;

using KV = std::vector<std::pair<std::string, std::string>>;
using Lines = std::set<std::string>;

std::string D(int n) { return testing::TestDid(n); }

// ---------- N-Triples text for expectations ----------

std::string I(const std::string& iri) { return "<" + iri + ">"; }
std::string Rdf(const std::string& l) { return I("http://www.w3.org/1999/02/22-rdf-syntax-ns#" + l); }
std::string Prov(const std::string& l) { return I("http://www.w3.org/ns/prov#" + l); }
std::string Dc(const std::string& l) { return I("http://purl.org/dc/terms/" + l); }
std::string Foaf(const std::string& l) { return I("http://xmlns.com/foaf/0.1/" + l); }
std::string Sov(const std::string& l) { return I("https://sov.dev/ns#" + l); }
std::string S(const std::string& text) { return "\"" + text + "\""; }  // no escaping: plain test text only
std::string Int(int64_t v) { return "\"" + std::to_string(v) + "\"^^<http://www.w3.org/2001/XMLSchema#integer>"; }
std::string Time(const std::string& lexical) { return "\"" + lexical + "\"^^<http://www.w3.org/2001/XMLSchema#dateTime>"; }
std::string L(const std::string& s, const std::string& p, const std::string& o) { return s + " " + p + " " + o + " ."; }
const std::string kType = Rdf("type");

// ---------- events ----------

std::string WsCreated(int64_t ts, const std::string& ws, const std::string& name, const std::string& goal,
                      const std::string& creator) {
  return Event(ts, fb::Event::WorkspaceCreated, [&](auto& fbb) {
    return fb::CreateWorkspaceCreatedDirect(fbb, ws.c_str(), name.c_str(), goal.c_str(), creator.c_str());
  });
}
std::string WsJoined(int64_t ts, const std::string& ws, const std::string& did, fb::WorkspaceRole role) {
  return Event(ts, fb::Event::WorkspaceMemberJoined,
               [&](auto& fbb) { return fb::CreateWorkspaceMemberJoinedDirect(fbb, ws.c_str(), did.c_str(), role); });
}
std::string WsLeft(int64_t ts, const std::string& ws, const std::string& did) {
  return Event(ts, fb::Event::WorkspaceMemberLeft,
               [&](auto& fbb) { return fb::CreateWorkspaceMemberLeftDirect(fbb, ws.c_str(), did.c_str()); });
}
std::string WsArchived(int64_t ts, const std::string& ws) {
  return Event(ts, fb::Event::WorkspaceArchived, [&](auto& fbb) { return fb::CreateWorkspaceArchivedDirect(fbb, ws.c_str()); });
}
// Strings go in byte for byte (embedded NUL and invalid UTF-8 included); nullopt = field absent.
std::string Posted(int64_t ts, const std::string& ws, const std::string& id, std::optional<std::string> sender,
                   fb::WorkspaceMessageType type, std::optional<std::string> content,
                   std::optional<std::string> parent = std::nullopt, const KV& metadata = {}) {
  return Event(ts, fb::Event::WorkspaceMessagePosted, [&](auto& fbb) {
    std::vector<flatbuffers::Offset<fb::KeyValue>> kvs;
    for (const auto& [k, v] : metadata) kvs.push_back(fb::CreateKeyValue(fbb, fbb.CreateString(k), fbb.CreateString(v)));
    auto opt = [&](const std::optional<std::string>& s) {
      return s ? fbb.CreateString(*s) : flatbuffers::Offset<flatbuffers::String>();
    };
    auto w = fbb.CreateString(ws), i = fbb.CreateString(id), snd = opt(sender), c = opt(content), p = opt(parent);
    auto md = metadata.empty() ? flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>>()
                               : fbb.CreateVector(kvs);
    return fb::CreateWorkspaceMessagePosted(fbb, w, i, snd, type, c, p, md);
  });
}
std::string Invoked(int64_t ts, const std::string& call, const std::string& peer, const std::string& tool) {
  return Event(ts, fb::Event::ToolInvoked, [&](auto& fbb) {
    return fb::CreateToolInvokedDirect(fbb, call.c_str(), peer.c_str(), tool.c_str(), 10);
  });
}
std::string Succeeded(int64_t ts, const std::string& call, const std::string& peer, const std::string& tool, uint64_t ms) {
  return Event(ts, fb::Event::ToolSucceeded, [&](auto& fbb) {
    return fb::CreateToolSucceededDirect(fbb, call.c_str(), peer.c_str(), tool.c_str(), ms, 5);
  });
}
std::string Failed(int64_t ts, const std::string& call, const std::string& peer, const std::string& tool,
                   const std::string& error, uint64_t ms) {
  return Event(ts, fb::Event::ToolFailed, [&](auto& fbb) {
    return fb::CreateToolFailedDirect(fbb, call.c_str(), peer.c_str(), tool.c_str(), error.c_str(), ms);
  });
}
std::string TimedOut(int64_t ts, const std::string& call, const std::string& peer, const std::string& tool) {
  return Event(ts, fb::Event::ToolTimedOut, [&](auto& fbb) {
    return fb::CreateToolTimedOutDirect(fbb, call.c_str(), peer.c_str(), tool.c_str(), 30000);
  });
}
std::string Formed(int64_t ts, const std::string& team, const std::string& name, const std::string& leader) {
  return Event(ts, fb::Event::TeamFormed, [&](auto& fbb) {
    return fb::CreateTeamFormedDirect(fbb, team.c_str(), name.c_str(), "Solve it", leader.c_str(), 5, 1000, "USDC");
  });
}
std::string TeamJoined(int64_t ts, const std::string& team, const std::string& did, fb::TeamRole role) {
  return Event(ts, fb::Event::TeamMemberJoined,
               [&](auto& fbb) { return fb::CreateTeamMemberJoinedDirect(fbb, team.c_str(), did.c_str(), role); });
}
std::string Settled(int64_t ts, const std::string& id, const std::string& peer, int64_t amount) {
  return Event(ts, fb::Event::PaymentSettled, [&](auto& fbb) {
    return fb::CreatePaymentSettledDirect(fbb, id.c_str(), peer.c_str(), amount, "USDC", "0xabc");
  });
}

// ---------- reading the view ----------

Lines Query(const store::Db& db, const TriplePattern& pattern = {}) {
  Lines out;
  auto n = pipeline::ForEachTriple(db, pattern, [&](const Triple& t) {
    out.insert(pipeline::ToNTriples(t));
    return true;
  });
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  if (n.ok()) {
    EXPECT_EQ(*n, out.size());
  }
  return out;
}

std::vector<Triple> All(const store::Db& db) {
  std::vector<Triple> out;
  auto n = pipeline::ForEachTriple(db, {}, [&](const Triple& t) {
    out.push_back(t);
    return true;
  });
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return out;
}

std::string Export(const store::Db& db, pipeline::RdfFormat format, const TriplePattern& filter = {}) {
  std::ostringstream out;
  pipeline::ExportOptions o;
  o.format = format;
  o.filter = filter;
  auto n = pipeline::ExportTriples(db, o, out);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return out.str();
}

class TriplesTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = testing::OpenStore(dir_.Sub("db"), nullptr, 0); }
  const store::Db& db() { return store_->db(); }
  testing::TempDir dir_;
  std::unique_ptr<pipeline::EventStore> store_;
};

// ---------- (a) exact triples ----------

TEST_F(TriplesTest, WorkspaceWithMemberAndTwoMessagesOneAReplyWithMetadata) {
  const std::string d1 = D(1), d2 = D(2);
  testing::AppendAll(*store_, {WsCreated(T(0), "ws1", "Build", "Ship it", d1),
                               WsJoined(T(1), "ws1", d2, fb::WorkspaceRole::Member),
                               Posted(T(2), "ws1", "m1", d1, fb::WorkspaceMessageType::TaskProposal, "Please review",
                                      std::nullopt, {{"branch", "main"}})});
  testing::AppendAll(*store_, {Posted(T(3) + 123456789, "ws1", "m2", d2, fb::WorkspaceMessageType::KnowledgeShare,
                                      "Done", "m1", {{"pr", "7"}, {"state", "merged"}})});
  const std::string w = I("urn:sov:workspace:ws1"), m = I("urn:sov:workspace:ws1/member/" + d2);
  const std::string m1 = I("urn:sov:message:ws1/m1"), m2 = I("urn:sov:message:ws1/m2");
  const Lines expected = {
      L(w, kType, Sov("Workspace")),
      L(w, Dc("title"), S("Build")),
      L(w, Dc("description"), S("Ship it")),
      L(w, Dc("creator"), I(d1)),
      L(I(d1), kType, Prov("Agent")),
      L(w, Dc("created"), Time("2026-01-01T00:00:00.000Z")),
      // member joined
      L(I(d2), kType, Prov("Agent")),
      L(w, Foaf("member"), I(d2)),
      L(m, kType, Sov("Membership")),
      L(m, Sov("group"), w),
      L(m, Sov("agent"), I(d2)),
      L(m, Sov("role"), S("member")),
      L(m, Sov("joinedAt"), Time("2026-01-01T00:00:01.000Z")),
      // m1
      L(m1, kType, Sov("Message")),
      L(m1, Sov("messageType"), S("task_proposal")),
      L(m1, Dc("isPartOf"), w),
      L(m1, Prov("wasAttributedTo"), I(d1)),
      L(m1, Dc("created"), Time("2026-01-01T00:00:02.000Z")),
      L(m1, Sov("content"), S("Please review")),
      L(m1, Sov("meta_branch"), S("main")),
      // m2, a reply
      L(m2, kType, Sov("Message")),
      L(m2, Sov("messageType"), S("knowledge_share")),
      L(m2, Dc("isPartOf"), w),
      L(m2, Prov("wasAttributedTo"), I(d2)),
      L(m2, Dc("created"), Time("2026-01-01T00:00:03.123456789Z")),
      L(m2, Sov("content"), S("Done")),
      L(m2, Sov("inReplyTo"), m1),
      L(m2, Sov("meta_pr"), S("7")),
      L(m2, Sov("meta_state"), S("merged")),
  };
  EXPECT_EQ(Query(db()), expected);
  EXPECT_EQ(*pipeline::CountTriples(db(), {}), expected.size());
}

TEST_F(TriplesTest, ToolCallSuccessAndFailure) {
  const std::string d3 = D(3);
  testing::AppendAll(*store_, {Invoked(T(10), "c1", d3, "echo"), Succeeded(T(11), "c1", d3, "echo", 120),
                               Invoked(T(12), "c2", d3, "fs read"), Failed(T(13), "c2", d3, "fs read", "boom", 40)});
  const std::string c1 = I("urn:sov:toolcall:c1"), c2 = I("urn:sov:toolcall:c2");
  const Lines expected = {
      L(c1, kType, Sov("ToolCall")),
      L(c1, kType, Prov("Activity")),
      L(c1, Prov("wasAssociatedWith"), I(d3)),
      L(c1, Sov("tool"), I("urn:sov:tool:echo")),
      L(c1, Prov("startedAtTime"), Time("2026-01-01T00:00:10.000Z")),
      L(c1, Sov("outcome"), S("succeeded")),
      L(c1, Prov("endedAtTime"), Time("2026-01-01T00:00:11.000Z")),
      L(c1, Sov("durationMs"), Int(120)),
      L(c2, kType, Sov("ToolCall")),
      L(c2, kType, Prov("Activity")),
      L(c2, Prov("wasAssociatedWith"), I(d3)),
      L(c2, Sov("tool"), I("urn:sov:tool:fs%20read")),
      L(c2, Prov("startedAtTime"), Time("2026-01-01T00:00:12.000Z")),
      L(c2, Sov("outcome"), S("failed")),
      L(c2, Prov("endedAtTime"), Time("2026-01-01T00:00:13.000Z")),
      L(c2, Sov("durationMs"), Int(40)),
      L(c2, Sov("error"), S("boom")),
  };
  EXPECT_EQ(Query(db()), expected);
}

TEST_F(TriplesTest, TeamFormedWithMember) {
  const std::string d1 = D(1), d2 = D(2);
  testing::AppendAll(*store_, {Formed(T(20), "t1", "Crew", d1), TeamJoined(T(21), "t1", d2, fb::TeamRole::Worker)});
  const std::string t = I("urn:sov:team:t1"), m = I("urn:sov:team:t1/member/" + d2);
  const Lines expected = {
      L(t, kType, Sov("Team")),
      L(t, Dc("title"), S("Crew")),
      L(t, Dc("description"), S("Solve it")),
      L(t, Sov("leader"), I(d1)),
      L(I(d1), kType, Prov("Agent")),
      L(t, Dc("created"), Time("2026-01-01T00:00:20.000Z")),
      L(t, Sov("maxMembers"), Int(5)),
      L(t, Sov("budget"), Int(1000)),
      L(t, Sov("currency"), S("USDC")),
      L(I(d2), kType, Prov("Agent")),
      L(t, Foaf("member"), I(d2)),
      L(m, kType, Sov("Membership")),
      L(m, Sov("group"), t),
      L(m, Sov("agent"), I(d2)),
      L(m, Sov("role"), S("worker")),
      L(m, Sov("joinedAt"), Time("2026-01-01T00:00:21.000Z")),
  };
  EXPECT_EQ(Query(db()), expected);
}

TEST_F(TriplesTest, PaymentSettled) {
  const std::string d3 = D(3);
  testing::AppendAll(*store_, {Settled(T(30, 1), "p1", d3, 2500)});
  const std::string p = I("urn:sov:payment:p1");
  const Lines expected = {
      L(p, kType, Sov("Payment")),
      L(p, Sov("settledAt"), Time("2026-01-02T00:00:30.000Z")),
      L(p, Sov("peer"), I(d3)),
      L(p, Sov("settledAmount"), Int(2500)),
      L(p, Sov("currency"), S("USDC")),
      L(p, Sov("txHash"), S("0xabc")),
  };
  EXPECT_EQ(Query(db()), expected);
}

TEST_F(TriplesTest, MissingFieldsUnknownTypesAndRepeatsAddNothingExtra) {
  // An event type this build does not know (a newer writer), a message with only its ids, an event
  // without its subject id, and the same message posted twice.
  std::string unknown = Event(T(1), static_cast<fb::Event>(200), [](auto& fbb) {
    return fb::CreateWorkspaceArchivedDirect(fbb, "ws-from-the-future");
  });
  const std::string bare = Posted(T(2), "ws1", "m1", std::nullopt, fb::WorkspaceMessageType::Unknown, std::nullopt);
  testing::AppendAll(*store_, {unknown, bare, WsCreated(T(3), "", "no id", "", D(1)), bare});
  const std::string m1 = I("urn:sov:message:ws1/m1");
  const Lines expected = {
      L(m1, kType, Sov("Message")),
      L(m1, Sov("messageType"), S("unknown")),
      L(m1, Dc("isPartOf"), I("urn:sov:workspace:ws1")),
      L(m1, Dc("created"), Time("2026-01-01T00:00:02.000Z")),
  };
  EXPECT_EQ(Query(db()), expected);
}

TEST(TriplesTerms, DateTimeIrisAndAgents) {
  EXPECT_EQ(pipeline::FormatXsdDateTime(T(0)), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(pipeline::FormatXsdDateTime(T(59, 58) + 7000000), "2026-02-28T00:00:59.007Z");
  EXPECT_EQ(pipeline::FormatXsdDateTime(T(0) + 123456000), "2026-01-01T00:00:00.123456Z");
  EXPECT_EQ(pipeline::FormatXsdDateTime(T(0) + 1500), "2026-01-01T00:00:00.000001500Z");
  EXPECT_EQ(pipeline::FormatXsdDateTime(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(pipeline::FormatXsdDateTime(951782400LL * 1000000000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(pipeline::PercentEncodeIri("a b/c?d#e%f<>\"{}|\\^`\x01\x7f\xc3\xa9"),
            "a%20b%2Fc%3Fd%23e%25f%3C%3E%22%7B%7D%7C%5C%5E%60%01%7F%C3%A9");
  EXPECT_EQ(pipeline::PercentEncodeIri("a/b#c", false), "a/b#c");
  EXPECT_EQ(pipeline::AgentIri(D(1)), D(1));
  EXPECT_EQ(pipeline::AgentIri("alice smith"), "urn:sov:agent:alice%20smith");
}

// ---------- (b) patterns and indexes ----------

// A workspace + tool-call graph; each pattern combination anchored on every triple must return
// exactly the triples of the full graph that agree on the bound positions.
TEST_F(TriplesTest, EveryPatternCombinationReturnsExactlyTheMatchingTriples) {
  const std::string d1 = D(1), d2 = D(2);
  testing::AppendAll(*store_, {WsCreated(T(0), "ws1", "Build", "Ship it", d1),
                               Posted(T(2), "ws1", "m1", d1, fb::WorkspaceMessageType::TaskProposal, "hi"),
                               Posted(T(3), "ws1", "m2", d2, fb::WorkspaceMessageType::TaskProposal, "hi", "m1"),
                               Invoked(T(4), "c1", d2, "echo"), Succeeded(T(5), "c1", d2, "echo", 5)});
  const std::vector<Triple> all = All(db());
  ASSERT_EQ(all.size(), 27u);
  for (const Triple& anchor : all) {
    for (int mask = 0; mask < 8; ++mask) {
      TriplePattern pattern;
      if (mask & 1) pattern.subject = pipeline::ToNTriples(anchor.subject);
      if (mask & 2) pattern.predicate = pipeline::ToNTriples(anchor.predicate);
      if (mask & 4) pattern.object = pipeline::ToNTriples(anchor.object);
      Lines expected;
      for (const Triple& t : all) {
        if ((mask & 1) && !(t.subject == anchor.subject)) continue;
        if ((mask & 2) && !(t.predicate == anchor.predicate)) continue;
        if ((mask & 4) && !(t.object == anchor.object)) continue;
        expected.insert(pipeline::ToNTriples(t));
      }
      EXPECT_EQ(Query(db(), pattern), expected) << "mask " << mask << " anchor " << pipeline::ToNTriples(anchor);
      EXPECT_EQ(*pipeline::CountTriples(db(), pattern), expected.size());
    }
  }
  // Hand-checked answers, in the accepted spellings (prefixed names, bare IRIs, ^^xsd:…).
  const std::string m1 = I("urn:sov:message:ws1/m1"), m2 = I("urn:sov:message:ws1/m2");
  EXPECT_EQ(Query(db(), {std::nullopt, "rdf:type", "sov:Message"}),
            (Lines{L(m1, kType, Sov("Message")), L(m2, kType, Sov("Message"))}));
  EXPECT_EQ(Query(db(), {std::nullopt, std::nullopt, d1}),
            (Lines{L(I("urn:sov:workspace:ws1"), Dc("creator"), I(d1)), L(m1, Prov("wasAttributedTo"), I(d1))}));
  EXPECT_EQ(Query(db(), {"urn:sov:toolcall:c1", std::nullopt, "\"5\"^^xsd:integer"}),
            (Lines{L(I("urn:sov:toolcall:c1"), Sov("durationMs"), Int(5))}));
  EXPECT_EQ(Query(db(), {std::nullopt, "<https://sov.dev/ns#content>", "\"hi\"^^<http://www.w3.org/2001/XMLSchema#string>"}),
            (Lines{L(m1, Sov("content"), S("hi")), L(m2, Sov("content"), S("hi"))}));
  EXPECT_EQ(Query(db(), {m2, "sov:inReplyTo", m1}), (Lines{L(m2, Sov("inReplyTo"), m1)}));
  // Terms that are not in the graph match nothing.
  EXPECT_TRUE(Query(db(), {"urn:sov:message:ws1/nope", std::nullopt, std::nullopt}).empty());
  EXPECT_TRUE(Query(db(), {std::nullopt, std::nullopt, "\"hello\""}).empty());
  // Stopping early.
  int seen = 0;
  auto n = pipeline::ForEachTriple(db(), {}, [&](const Triple&) { return ++seen < 3; });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3u);
}

TEST(TriplesIndex, ChoosesTheIndexWhosePrefixBindsThePattern) {
  using pipeline::ChooseIndex;
  using pipeline::TripleIndex;
  EXPECT_EQ(ChooseIndex(false, false, false), TripleIndex::kSpo);
  EXPECT_EQ(ChooseIndex(true, false, false), TripleIndex::kSpo);
  EXPECT_EQ(ChooseIndex(true, true, false), TripleIndex::kSpo);
  EXPECT_EQ(ChooseIndex(true, true, true), TripleIndex::kSpo);
  EXPECT_EQ(ChooseIndex(false, true, false), TripleIndex::kPos);
  EXPECT_EQ(ChooseIndex(false, true, true), TripleIndex::kPos);
  EXPECT_EQ(ChooseIndex(false, false, true), TripleIndex::kOsp);
  EXPECT_EQ(ChooseIndex(true, false, true), TripleIndex::kOsp);
}

// Drops one index's entries at a time: exactly the patterns that must use that index go empty.
TEST_F(TriplesTest, QueriesReadOnlyTheirChosenIndex) {
  const std::string d1 = D(1);
  testing::AppendAll(*store_, {Posted(T(2), "ws1", "m1", d1, fb::WorkspaceMessageType::LogStream, "x")});
  const std::string s = "urn:sov:message:ws1/m1", p = "prov:wasAttributedTo", o = d1;
  struct Case {
    const char* name;
    TriplePattern pattern;
    char index;
  };
  const std::vector<Case> cases = {
      {"-", {}, 'S'},          {"s", {s, {}, {}}, 'S'},     {"sp", {s, p, {}}, 'S'}, {"spo", {s, p, o}, 'S'},
      {"p", {{}, p, {}}, 'P'}, {"po", {{}, p, o}, 'P'},     {"o", {{}, {}, o}, 'O'}, {"so", {s, {}, o}, 'O'},
  };
  std::map<std::string, size_t> before;
  for (const auto& c : cases) {
    before[c.name] = Query(db(), c.pattern).size();
    EXPECT_GT(before[c.name], 0u) << c.name;
  }
  auto cf = db().Family(pipeline::ViewFamily("triples"));
  ASSERT_TRUE(cf.ok());
  std::set<char> dropped;
  for (char index : {'P', 'O', 'S'}) {
    store::WriteBatch batch(store_->db());
    auto it = db().NewIterator(*cf);
    for (it->Seek(std::string(1, index)); it->Valid() && it->key()[0] == index; it->Next()) batch.Delete(*cf, it->key());
    ASSERT_GT(batch.Count(), 0u);
    ASSERT_TRUE(store_->db().Write(&batch, false).ok());
    dropped.insert(index);
    for (const auto& c : cases) {
      const size_t expect = dropped.count(c.index) ? 0 : before[c.name];
      EXPECT_EQ(Query(db(), c.pattern).size(), expect) << c.name << " after dropping " << index;
      EXPECT_EQ(*pipeline::CountTriples(db(), c.pattern), expect) << c.name << " after dropping " << index;
    }
  }
}

TEST_F(TriplesTest, InvalidPatternTermsNameTheFlag) {
  auto err = [&](const TriplePattern& pattern) {
    auto n = pipeline::ForEachTriple(db(), pattern, [](const Triple&) { return true; });
    EXPECT_FALSE(n.ok());
    EXPECT_EQ(n.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(pipeline::CountTriples(db(), pattern).status().code(), Status::Code::kInvalidArgument);
    return n.status().message();
  };
  EXPECT_EQ(err({"<urn:x", {}, {}}).rfind("-s: missing '>'", 0), 0u);
  EXPECT_EQ(err({"", {}, {}}).rfind("-s: empty term", 0), 0u);
  EXPECT_EQ(err({"\"a literal\"", {}, {}}).rfind("-s: a subject is an IRI", 0), 0u);
  EXPECT_EQ(err({{}, "\"5\"", {}}).rfind("-p: a predicate is an IRI", 0), 0u);
  EXPECT_EQ(err({{}, "no-scheme", {}}).rfind("-p: not an absolute IRI", 0), 0u);
  EXPECT_EQ(err({{}, {}, "5"}).rfind("-o: not an absolute IRI", 0), 0u);
  EXPECT_EQ(err({{}, {}, "\"bad \\q escape\""}).rfind("-o: unknown escape", 0), 0u);
  EXPECT_EQ(err({{}, {}, "\"open"}).rfind("-o: unterminated literal", 0), 0u);
  EXPECT_EQ(err({{}, {}, "\"x\"@en"}).rfind("-o: language-tagged", 0), 0u);
  EXPECT_EQ(err({{}, {}, "<urn:a b>"}).rfind("-o: character not allowed", 0), 0u);
  EXPECT_EQ(err({{}, {}, "_:b0"}).rfind("-o: blank nodes", 0), 0u);
  EXPECT_EQ(err({{}, {}, "\"x\" junk"}).rfind("-o: unexpected text", 0), 0u);
  EXPECT_EQ(pipeline::ValidatePattern({{}, "rdf:type", "\"\\u00e9\\U0001F600\""}).code(), Status::Code::kOk);
  auto t = pipeline::ParseTerm("\"\\u00e9\\U0001F600\\n\"", "-o");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->value, "\xc3\xa9\xf0\x9f\x98\x80\n");
  std::ostringstream out;
  pipeline::ExportOptions o;
  o.filter.predicate = "\"x\"";
  EXPECT_EQ(pipeline::ExportTriples(db(), o, out).status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(out.str().empty());  // nothing written before the pattern is known to be good
  EXPECT_EQ(pipeline::ParseRdfFormat("xml").status().message(), "--format: expected nt, ttl or csv, got 'xml'");
}

// ---------- (c) escaping ----------

TEST_F(TriplesTest, QuotesNewlinesBackslashUnicodeAndSpacesSurviveExport) {
  const std::string content = std::string("He said \"hi\"\nline2\r\\path\ttab \xc3\xa9 \xf0\x9f\x98\x80 \x01 end") +
                              std::string("\0!", 2);
  testing::AppendAll(*store_, {Posted(T(2), "my ws", "a/b", D(1), fb::WorkspaceMessageType::LogStream, content,
                                      std::nullopt, {{"a b#c/\xd0\xba", "v,\"w\""}}),
                               Posted(T(3), "my ws", "bad", D(1), fb::WorkspaceMessageType::LogStream, "bad \xff byte")});
  const std::string msg = "<urn:sov:message:my%20ws/a%2Fb>";
  const std::string escaped = "\"He said \\\"hi\\\"\\nline2\\r\\\\path\\ttab \xc3\xa9 \xf0\x9f\x98\x80 \\u0001 end\\u0000!\"";
  const std::string content_line = msg + " <https://sov.dev/ns#content> " + escaped + " .";
  const std::string meta_line = msg + " <https://sov.dev/ns#meta_a%20b%23c%2F%D0%BA> \"v,\\\"w\\\"\" .";
  const std::string bad_line =
      "<urn:sov:message:my%20ws/bad> <https://sov.dev/ns#content> \"bad \xef\xbf\xbd byte\" .";

  const std::string nt = Export(db(), pipeline::RdfFormat::kNTriples);
  EXPECT_NE(nt.find(content_line + "\n"), std::string::npos) << nt;
  EXPECT_NE(nt.find(meta_line + "\n"), std::string::npos) << nt;
  EXPECT_NE(nt.find(bad_line + "\n"), std::string::npos) << nt;
  EXPECT_NE(nt.find("<urn:sov:message:my%20ws/a%2Fb> <http://purl.org/dc/terms/isPartOf> <urn:sov:workspace:my%20ws> .\n"),
            std::string::npos);

  const std::string ttl = Export(db(), pipeline::RdfFormat::kTurtle);
  EXPECT_EQ(ttl.rfind("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n", 0), 0u);
  EXPECT_NE(ttl.find("sov:content " + escaped), std::string::npos) << ttl;
  EXPECT_NE(ttl.find("<https://sov.dev/ns#meta_a%20b%23c%2F%D0%BA> \"v,\\\"w\\\"\""), std::string::npos) << ttl;
  EXPECT_NE(ttl.find("a sov:Message"), std::string::npos) << ttl;

  const std::string csv = Export(db(), pipeline::RdfFormat::kCsv);
  EXPECT_EQ(csv.rfind("subject,predicate,object,object_kind,datatype\r\n", 0), 0u);
  EXPECT_NE(csv.find("urn:sov:message:my%20ws/a%2Fb,https://sov.dev/ns#content,\"He said \"\"hi\"\"\nline2\r\\path\ttab "
                     "\xc3\xa9 \xf0\x9f\x98\x80 \x01 end" + std::string("\0!", 2) +
                     "\",literal,http://www.w3.org/2001/XMLSchema#string\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("urn:sov:message:my%20ws/a%2Fb,https://sov.dev/ns#meta_a%20b%23c%2F%D0%BA,\"v,\"\"w\"\"\","
                     "literal,http://www.w3.org/2001/XMLSchema#string\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("urn:sov:message:my%20ws/a%2Fb,http://purl.org/dc/terms/isPartOf,urn:sov:workspace:my%20ws,iri,\r\n"),
            std::string::npos);

  // The escaped text is also a query term that finds the message again.
  EXPECT_EQ(Query(db(), {std::nullopt, std::nullopt, escaped}), (Lines{content_line}));
  // Filters apply to exports too.
  EXPECT_EQ(Export(db(), pipeline::RdfFormat::kNTriples, {msg, "sov:content", std::nullopt}), content_line + "\n");
}

TEST(TriplesTurtle, PrefixedNamesOnlyWhereSafe) {
  EXPECT_EQ(pipeline::ToTurtle(RdfTerm::Iri("https://sov.dev/ns#ToolCall")), "sov:ToolCall");
  EXPECT_EQ(pipeline::ToTurtle(RdfTerm::Iri("https://sov.dev/ns#meta_a%20b")), "<https://sov.dev/ns#meta_a%20b>");
  EXPECT_EQ(pipeline::ToTurtle(RdfTerm::Iri("http://purl.org/dc/terms/isPartOf")), "dcterms:isPartOf");
  EXPECT_EQ(pipeline::ToTurtle(RdfTerm::Iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), true), "a");
  EXPECT_EQ(pipeline::ToTurtle(RdfTerm::Iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")), "rdf:type");
  EXPECT_EQ(pipeline::ToTurtle(RdfTerm::Iri("https://sov.dev/ns#")), "<https://sov.dev/ns#>");
  EXPECT_EQ(pipeline::ToTurtle(RdfTerm::Iri("https://sov.dev/ns#9lives")), "<https://sov.dev/ns#9lives>");
  EXPECT_EQ(pipeline::ToTurtle(RdfTerm::Literal("5", "http://www.w3.org/2001/XMLSchema#integer")), "\"5\"^^xsd:integer");
  EXPECT_EQ(pipeline::CsvField("plain"), "plain");
  EXPECT_EQ(pipeline::CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(pipeline::CsvField("say \"x\""), "\"say \"\"x\"\"\"");
}

// ---------- (d) a real RDF parser ----------

// A few hundred events of every mapped kind, with awkward ids and text.
std::vector<std::string> VariedEvents() {
  const std::vector<std::string> texts = {
      "plain", "quote \" backslash \\ newline\n tab\t cr\r end", "unicode \xc3\xa9 \xc3\xbc \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
      "control \x01\x1f\x7f", "bad utf8 \xff\xfe!"};
  std::vector<std::string> ev;
  int64_t t = 0;
  for (int i = 0; i < 30; ++i) {
    const std::string n = std::to_string(i);
    const std::string ws = "ws-" + std::to_string(i % 4) + (i % 4 == 0 ? " <x>" : "");
    const std::string did = D(i % 7 + 1), other = D(i % 5 + 8);
    const std::string tool = i % 2 ? "echo" : "fs read{}";
    if (i < 4) ev.push_back(WsCreated(T(t++), ws, "Name \"" + n + "\"", "goal\nline " + texts[i % 5], did));
    ev.push_back(WsJoined(T(t++), ws, other, i % 2 ? fb::WorkspaceRole::Member : fb::WorkspaceRole::Creator));
    ev.push_back(Posted(T(t++) + i * 137, ws, "m/" + n, did, static_cast<fb::WorkspaceMessageType>(i % 12),
                        texts[i % 5], i > 0 ? std::optional<std::string>("m/" + std::to_string(i - 1)) : std::nullopt,
                        {{"k" + std::to_string(i % 3), "v\t" + n}, {"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87 x#y", texts[(i + 1) % 5]}}));
    const std::string call = "call " + n;
    ev.push_back(Invoked(T(t++), call, did, tool));
    if (i % 3 == 0) ev.push_back(Succeeded(T(t++), call, did, tool, 10 + i));
    if (i % 3 == 1) ev.push_back(Failed(T(t++), call, did, tool, "err \"" + n + "\"\n" + texts[i % 5], 7));
    if (i % 3 == 2) ev.push_back(TimedOut(T(t++), call, did, tool));
    ev.push_back(Event(T(t++), fb::Event::PriceQuoted, [&](auto& fbb) {
      return fb::CreatePriceQuotedDirect(fbb, ("q" + n).c_str(), did.c_str(), tool.c_str(), 100 * i, "USDC", T(t + 60));
    }));
    ev.push_back(Event(T(t++), fb::Event::PaymentAuthorized, [&](auto& fbb) {
      return fb::CreatePaymentAuthorizedDirect(fbb, ("p" + n).c_str(), ("q" + n).c_str(), did.c_str(), tool.c_str(),
                                               100 * i, "USDC", static_cast<fb::PaymentMode>(i % 4), "0xpayer",
                                               "0xpayee");
    }));
    switch (i % 4) {
      case 0: ev.push_back(Settled(T(t++), "p" + n, did, 100 * i)); break;
      case 1:
        ev.push_back(Event(T(t++), fb::Event::PaymentFailed, [&](auto& fbb) {
          return fb::CreatePaymentFailedDirect(fbb, ("p" + n).c_str(), did.c_str(), -5, "chain \"down\"");
        }));
        break;
      case 2:
        ev.push_back(Event(T(t++), fb::Event::PaymentRejected, [&](auto& fbb) {
          return fb::CreatePaymentRejectedDirect(fbb, ("p" + n).c_str(), ("q" + n).c_str(), did.c_str(), tool.c_str(), 1,
                                                 static_cast<fb::PaymentRejectReason>(i % 10));
        }));
        break;
      case 3:
        ev.push_back(Event(T(t++), fb::Event::PaymentDeferred, [&](auto& fbb) {
          return fb::CreatePaymentDeferredDirect(fbb, ("d" + n).c_str(), did.c_str(), tool.c_str(), call.c_str(), 42, "USDC");
        }));
        break;
    }
    const std::string team = "team " + std::to_string(i / 5);
    if (i % 5 == 0) ev.push_back(Formed(T(t++), team, "Crew " + texts[i % 5], did));
    ev.push_back(TeamJoined(T(t++), team, other, static_cast<fb::TeamRole>(i % 5)));
    if (i % 5 == 1) {
      ev.push_back(Event(T(t++), fb::Event::TeamMemberInvited, [&](auto& fbb) {
        return fb::CreateTeamMemberInvitedDirect(fbb, team.c_str(), D(20).c_str(), fb::TeamRole::Reviewer);
      }));
    }
    const std::string task = "task/" + n;
    ev.push_back(Event(T(t++), fb::Event::TeamTaskDelegated, [&](auto& fbb) {
      std::vector<flatbuffers::Offset<flatbuffers::String>> w = {fbb.CreateString(other), fbb.CreateString(D(9))};
      return fb::CreateTeamTaskDelegatedDirect(fbb, team.c_str(), task.c_str(), tool.c_str(), &w);
    }));
    ev.push_back(Event(T(t++), fb::Event::TeamTaskResult, [&](auto& fbb) {
      std::vector<uint8_t> hash = {0xde, 0xad, static_cast<uint8_t>(i)};
      return fb::CreateTeamTaskResultDirect(fbb, team.c_str(), task.c_str(), other.c_str(), i % 2 == 0, &hash,
                                            i % 2 ? "fail\nure" : nullptr, 33, 12);
    }));
    if (i % 6 == 0) {
      ev.push_back(Event(T(t++), fb::Event::TeamConflictResolved, [&](auto& fbb) {
        return fb::CreateTeamConflictResolvedDirect(fbb, team.c_str(), task.c_str(), fb::ConflictStrategy::MajorityVote,
                                                    fb::ConflictOutcome::Resolved, other.c_str());
      }));
    }
    if (i % 10 == 9) {
      ev.push_back(Event(T(t++), fb::Event::TeamMemberLeft, [&](auto& fbb) {
        return fb::CreateTeamMemberLeftDirect(fbb, team.c_str(), other.c_str(), "done \"here\"");
      }));
    }
    const std::string bundle = "bundle " + n;
    switch (i % 4) {
      case 0:
        ev.push_back(Event(T(t++), fb::Event::GitBundleCreated, [&](auto& fbb) {
          return fb::CreateGitBundleCreatedDirect(fbb, ws.c_str(), bundle.c_str(), did.c_str(), nullptr, "abc123", 3, 4096);
        }));
        break;
      case 1:
        ev.push_back(Event(T(t++), fb::Event::GitBundleReceived, [&](auto& fbb) {
          return fb::CreateGitBundleReceivedDirect(fbb, ws.c_str(), bundle.c_str(), other.c_str(), 999);
        }));
        break;
      case 2:
        ev.push_back(Event(T(t++), fb::Event::GitBundleApplied, [&](auto& fbb) {
          return fb::CreateGitBundleAppliedDirect(fbb, ws.c_str(), bundle.c_str(), other.c_str(), nullptr, 2, 1234);
        }));
        break;
      case 3:
        ev.push_back(Event(T(t++), fb::Event::GitBundleRejected, [&](auto& fbb) {
          return fb::CreateGitBundleRejectedDirect(fbb, ws.c_str(), bundle.c_str(), other.c_str(),
                                                   fb::GitRejectReason::TooLarge, "too \"big\"");
        }));
        break;
    }
    if (i < 7) {
      ev.push_back(Event(T(t++), fb::Event::AgentCardReceived, [&](auto& fbb) {
        std::vector<flatbuffers::Offset<flatbuffers::String>> caps = {fbb.CreateString("code"),
                                                                      fbb.CreateString("review \"x\"")};
        return fb::CreateAgentCardReceivedDirect(fbb, did.c_str(), "12D3KooW", ("Agent " + texts[i % 5]).c_str(),
                                                 "desc\nhere", &caps, nullptr);
      }));
    }
    if (i % 9 == 8) ev.push_back(WsLeft(T(t++), ws, other));
    if (i == 28) ev.push_back(WsArchived(T(t++), ws));
    if (i == 29) {
      ev.push_back(Event(T(t++), fb::Event::TeamDisbanded,
                         [&](auto& fbb) { return fb::CreateTeamDisbandedDirect(fbb, team.c_str(), "finished"); }));
    }
  }
  ev.push_back(Event(T(t++), static_cast<fb::Event>(222), [](auto& fbb) { return fb::CreateWorkspaceArchivedDirect(fbb, "x"); }));
  return ev;
}

void AppendInBatches(pipeline::EventStore& s, const std::vector<std::string>& events, size_t batch) {
  for (size_t i = 0; i < events.size(); i += batch) {
    testing::AppendAll(s, std::vector<std::string>(events.begin() + static_cast<long>(i),
                                                   events.begin() + static_cast<long>(std::min(events.size(), i + batch))));
  }
}

// Runs a shell command, returning its exit status and combined output.
std::pair<int, std::string> RunShell(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Parses CSV by RFC 4180; returns the records.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, in_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && field.empty() && !quoted) {
      in_quotes = quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      field.push_back(c);
    }
  }
  rows.pop_back();  // after the final CRLF
  return rows;
}

TEST_F(TriplesTest, ExportsParseWithRapperAndCountsAgree) {
  if (std::system("command -v rapper >/dev/null 2>&1") != 0) GTEST_SKIP() << "rapper (raptor2-utils) is not on PATH";
  const auto events = VariedEvents();
  ASSERT_GE(events.size(), 250u);
  AppendInBatches(*store_, events, 37);
  auto count = pipeline::CountTriples(db(), {});
  ASSERT_TRUE(count.ok());
  ASSERT_GT(*count, 1000u);

  std::vector<std::pair<uint64_t, uint64_t>> progress;
  for (auto [format, ext, parser] : {std::tuple{pipeline::RdfFormat::kNTriples, "nt", "ntriples"},
                                     std::tuple{pipeline::RdfFormat::kTurtle, "ttl", "turtle"}}) {
    const std::string file = dir_.Sub(std::string("graph.") + ext);
    {
      std::ofstream out(file, std::ios::binary);
      pipeline::ExportOptions o;
      o.format = format;
      o.progress_every = 500;
      o.progress = [&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); };
      auto n = pipeline::ExportTriples(db(), o, out);
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      EXPECT_EQ(*n, *count);
    }
    auto [rc, output] = RunShell(std::string("rapper -i ") + parser + " -c '" + file + "'");
    EXPECT_EQ(rc, 0) << output;
    EXPECT_EQ(output.find("Error"), std::string::npos) << output;
    EXPECT_EQ(output.find("Warning"), std::string::npos) << output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(output, m, std::regex("Parsing returned ([0-9]+) triples"))) << output;
    EXPECT_EQ(std::stoull(m[1].str()), *count) << parser;
  }
  // Progress: from 0, every 500, and the total at the end, for each export.
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front(), (std::pair<uint64_t, uint64_t>{0, *count}));
  EXPECT_EQ(progress.back(), (std::pair<uint64_t, uint64_t>{*count, *count}));
  EXPECT_EQ(progress.size(), 2 * (2 + *count / 500));

  // Both files denote the same graph: rapper's own N-Triples rendering of each is identical.
  auto [rc_nt, from_nt] = RunShell("rapper -q -i ntriples -o ntriples '" + dir_.Sub("graph.nt") + "' | LC_ALL=C sort");
  auto [rc_ttl, from_ttl] = RunShell("rapper -q -i turtle -o ntriples '" + dir_.Sub("graph.ttl") + "' | LC_ALL=C sort");
  EXPECT_EQ(rc_nt, 0);
  EXPECT_EQ(rc_ttl, 0);
  EXPECT_EQ(from_nt, from_ttl);

  // CSV: one record per triple plus the header, five fields each, kinds consistent.
  const auto rows = ParseCsv(Export(db(), pipeline::RdfFormat::kCsv));
  ASSERT_EQ(rows.size(), *count + 1);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"subject", "predicate", "object", "object_kind", "datatype"}));
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 5u) << i;
    EXPECT_TRUE((rows[i][3] == "iri" && rows[i][4].empty()) || (rows[i][3] == "literal" && !rows[i][4].empty())) << i;
  }
}

// ---------- (e) determinism ----------

TEST_F(TriplesTest, RebuildDigestEqualsLiveDigestAndBatchingDoesNotMatter) {
  const auto events = VariedEvents();
  AppendInBatches(*store_, events, 64);
  auto live = pipeline::ViewDigest(db(), "triples");
  ASSERT_TRUE(live.ok());
  const Lines before = Query(db());
  ASSERT_TRUE(store_->runner()->Rebuild("triples").ok());
  auto rebuilt = pipeline::ViewDigest(db(), "triples");
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(*rebuilt, *live);
  EXPECT_EQ(Query(db()), before);

  // The same events appended one by one into another store give the same bytes.
  auto other = testing::OpenStore(dir_.Sub("db2"), nullptr, 0);
  AppendInBatches(*other, events, 1);
  auto one_by_one = pipeline::ViewDigest(other->db(), "triples");
  ASSERT_TRUE(one_by_one.ok());
  EXPECT_EQ(*one_by_one, *live);
}

// ---------- term ids ----------

TEST_F(TriplesTest, TermIdCollisionIsAnErrorNamingBothTerms) {
  // Forge the dictionary so that ws1's id already names another term.
  auto cf = db().Family(pipeline::ViewFamily("triples"));
  ASSERT_TRUE(cf.ok());
  const RdfTerm ws1 = RdfTerm::Iri("urn:sov:workspace:ws1");
  {
    store::WriteBatch batch(store_->db());
    batch.Put(*cf, "T" + pipeline::TermId(ws1), pipeline::EncodeTerm(RdfTerm::Literal("an impostor")));
    ASSERT_TRUE(store_->db().Write(&batch, false).ok());
  }
  auto r = store_->Append(WsCreated(T(0), "ws1", "Build", "Ship it", D(1)));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("<urn:sov:workspace:ws1>"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("\"an impostor\""), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("collision"), std::string::npos) << r.status().ToString();
}

TEST_F(TriplesTest, CorruptDictionaryEntryIsReportedOnRead) {
  testing::AppendAll(*store_, {WsCreated(T(0), "ws1", "Build", "Ship it", D(1))});
  auto cf = db().Family(pipeline::ViewFamily("triples"));
  ASSERT_TRUE(cf.ok());
  const std::string id = pipeline::TermId(RdfTerm::Literal("Build"));
  {
    store::WriteBatch batch(store_->db());
    batch.Put(*cf, "T" + id, pipeline::EncodeTerm(RdfTerm::Literal("Bu1ld")));
    ASSERT_TRUE(store_->db().Write(&batch, false).ok());
  }
  auto n = pipeline::ForEachTriple(db(), {}, [](const Triple&) { return true; });
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(n.status().IsCorruption()) << n.status().ToString();
  EXPECT_NE(n.status().message().find(ToHex(id)), std::string::npos) << n.status().ToString();
  {
    store::WriteBatch batch(store_->db());
    batch.Put(*cf, "T" + id, "Xgarbage");
    ASSERT_TRUE(store_->db().Write(&batch, false).ok());
  }
  n = pipeline::ForEachTriple(db(), {}, [](const Triple&) { return true; });
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(n.status().IsCorruption()) << n.status().ToString();
}

}  // namespace
}  // namespace sov
