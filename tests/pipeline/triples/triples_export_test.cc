// The triples view (chronicler): exports parsed by a real RDF parser (raptor's rapper), rebuild
// == live whatever the batching, and term-id collisions or corrupt dictionary entries refused.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "events_generated.h"
#include "pipeline/runner.h"
#include "pipeline/triples/triples_export.h"
#include "pipeline/triples/triples_view.h"
#include "store/base/bytes.h"
#include "support/test_util.h"
#include "support/triples_fixture.h"

namespace sov::triples_test {
namespace {

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
}  // namespace sov::triples_test
