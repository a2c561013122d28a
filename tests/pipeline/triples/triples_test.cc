// The triples view (chronicler): exact triples for hand-written event sequences, every query
// pattern against the index it must use, and escaping through N-Triples / Turtle / CSV.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "events_generated.h"
#include "pipeline/peers_view.h"
#include "pipeline/runner.h"
#include "pipeline/triples/triples_export.h"
#include "pipeline/triples/triples_view.h"
#include "store/base/bytes.h"
#include "support/test_util.h"
#include "support/triples_fixture.h"

namespace sov::triples_test {
namespace {

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

std::string Identified(int64_t ts, const std::string& did, const std::vector<std::string>& protocols) {
  return Event(ts, fb::Event::PeerIdentified, [&](auto& fbb) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> p, l;
    for (const auto& s : protocols) p.push_back(fbb.CreateString(s));
    l.push_back(fbb.CreateString("/ip4/10.0.0.1/tcp/4001"));
    return fb::CreatePeerIdentifiedDirect(fbb, did.empty() ? nullptr : did.c_str(), "12D3KooWpeer", "sov/0.1.0",
                                          "ipfs/0.1.0", &p, &l, "/ip4/198.51.100.7/tcp/4001");
  });
}

TEST_F(TriplesTest, PeerIdentifiedSaysAgentVersionAndProtocolsAndRejectionsSayNothing) {
  const std::string d1 = D(1);
  const std::string too_long = "/" + std::string(pipeline::kMaxProtocolIdBytes, 'x');
  testing::AppendAll(*store_, {Identified(T(1), d1, {"/ipfs/ping/1.0.0", "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "", too_long}),
                               Identified(T(2), "", {"/no/did/1.0.0"}),
                               Event(T(3), fb::Event::ConnectionRejected, [](auto& fbb) {
                                 return fb::CreateConnectionRejectedDirect(fbb, "/ip4/10.9.9.9/tcp/5", "12D3KooWother",
                                                                           fb::ConnectFailReason::LimitReached, "full");
                               })});
  const std::string a = I(d1);
  const Lines expected = {
      L(a, kType, Prov("Agent")),
      L(a, Sov("peerId"), S("12D3KooWpeer")),
      L(a, Sov("agentVersion"), S("sov/0.1.0")),
      L(a, Sov("protocolVersion"), S("ipfs/0.1.0")),
      L(a, Sov("supportsProtocol"), S("/ipfs/id/1.0.0")),
      L(a, Sov("supportsProtocol"), S("/ipfs/ping/1.0.0")),
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
}  // namespace
}  // namespace sov::triples_test
