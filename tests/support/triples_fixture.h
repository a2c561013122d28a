// Shared pieces of the triples tests: terse event builders, N-Triples term helpers, query and
// export wrappers, and the fixture with a fresh store per test.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "events_generated.h"
#include "pipeline/triples/triples_export.h"
#include "pipeline/triples/triples_view.h"
#include "support/test_util.h"
namespace sov::triples_test {

using pipeline::RdfTerm;
using pipeline::Triple;
using pipeline::TriplePattern;
using testing::Event;
using testing::T;

using KV = std::vector<std::pair<std::string, std::string>>;
using Lines = std::set<std::string>;

inline std::string D(int n) { return testing::TestDid(n); }

// ---------- N-Triples text for expectations ----------

inline std::string I(const std::string& iri) { return "<" + iri + ">"; }
inline std::string Rdf(const std::string& l) { return I("http://www.w3.org/1999/02/22-rdf-syntax-ns#" + l); }
inline std::string Prov(const std::string& l) { return I("http://www.w3.org/ns/prov#" + l); }
inline std::string Dc(const std::string& l) { return I("http://purl.org/dc/terms/" + l); }
inline std::string Foaf(const std::string& l) { return I("http://xmlns.com/foaf/0.1/" + l); }
inline std::string Sov(const std::string& l) { return I("https://sov.dev/ns#" + l); }
inline std::string S(const std::string& text) { return "\"" + text + "\""; }  // no escaping: plain test text only
inline std::string Int(int64_t v) { return "\"" + std::to_string(v) + "\"^^<http://www.w3.org/2001/XMLSchema#integer>"; }
inline std::string Time(const std::string& lexical) { return "\"" + lexical + "\"^^<http://www.w3.org/2001/XMLSchema#dateTime>"; }
inline std::string L(const std::string& s, const std::string& p, const std::string& o) { return s + " " + p + " " + o + " ."; }
const std::string kType = Rdf("type");

// ---------- events ----------

inline std::string WsCreated(int64_t ts, const std::string& ws, const std::string& name, const std::string& goal,
                      const std::string& creator) {
  return Event(ts, fb::Event::WorkspaceCreated, [&](auto& fbb) {
    return fb::CreateWorkspaceCreatedDirect(fbb, ws.c_str(), name.c_str(), goal.c_str(), creator.c_str());
  });
}
inline std::string WsJoined(int64_t ts, const std::string& ws, const std::string& did, fb::WorkspaceRole role) {
  return Event(ts, fb::Event::WorkspaceMemberJoined,
               [&](auto& fbb) { return fb::CreateWorkspaceMemberJoinedDirect(fbb, ws.c_str(), did.c_str(), role); });
}
inline std::string WsLeft(int64_t ts, const std::string& ws, const std::string& did) {
  return Event(ts, fb::Event::WorkspaceMemberLeft,
               [&](auto& fbb) { return fb::CreateWorkspaceMemberLeftDirect(fbb, ws.c_str(), did.c_str()); });
}
inline std::string WsArchived(int64_t ts, const std::string& ws) {
  return Event(ts, fb::Event::WorkspaceArchived, [&](auto& fbb) { return fb::CreateWorkspaceArchivedDirect(fbb, ws.c_str()); });
}
// Strings go in byte for byte (embedded NUL and invalid UTF-8 included); nullopt = field absent.
inline std::string Posted(int64_t ts, const std::string& ws, const std::string& id, std::optional<std::string> sender,
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
inline std::string Invoked(int64_t ts, const std::string& call, const std::string& peer, const std::string& tool) {
  return Event(ts, fb::Event::ToolInvoked, [&](auto& fbb) {
    return fb::CreateToolInvokedDirect(fbb, call.c_str(), peer.c_str(), tool.c_str(), 10);
  });
}
inline std::string Succeeded(int64_t ts, const std::string& call, const std::string& peer, const std::string& tool, uint64_t ms) {
  return Event(ts, fb::Event::ToolSucceeded, [&](auto& fbb) {
    return fb::CreateToolSucceededDirect(fbb, call.c_str(), peer.c_str(), tool.c_str(), ms, 5);
  });
}
inline std::string Failed(int64_t ts, const std::string& call, const std::string& peer, const std::string& tool,
                   const std::string& error, uint64_t ms) {
  return Event(ts, fb::Event::ToolFailed, [&](auto& fbb) {
    return fb::CreateToolFailedDirect(fbb, call.c_str(), peer.c_str(), tool.c_str(), error.c_str(), ms);
  });
}
inline std::string TimedOut(int64_t ts, const std::string& call, const std::string& peer, const std::string& tool) {
  return Event(ts, fb::Event::ToolTimedOut, [&](auto& fbb) {
    return fb::CreateToolTimedOutDirect(fbb, call.c_str(), peer.c_str(), tool.c_str(), 30000);
  });
}
inline std::string Formed(int64_t ts, const std::string& team, const std::string& name, const std::string& leader) {
  return Event(ts, fb::Event::TeamFormed, [&](auto& fbb) {
    return fb::CreateTeamFormedDirect(fbb, team.c_str(), name.c_str(), "Solve it", leader.c_str(), 5, 1000, "USDC");
  });
}
inline std::string TeamJoined(int64_t ts, const std::string& team, const std::string& did, fb::TeamRole role) {
  return Event(ts, fb::Event::TeamMemberJoined,
               [&](auto& fbb) { return fb::CreateTeamMemberJoinedDirect(fbb, team.c_str(), did.c_str(), role); });
}
inline std::string Settled(int64_t ts, const std::string& id, const std::string& peer, int64_t amount) {
  return Event(ts, fb::Event::PaymentSettled, [&](auto& fbb) {
    return fb::CreatePaymentSettledDirect(fbb, id.c_str(), peer.c_str(), amount, "USDC", "0xabc");
  });
}

// ---------- reading the view ----------

inline Lines Query(const store::Db& db, const TriplePattern& pattern = {}) {
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

inline std::vector<Triple> All(const store::Db& db) {
  std::vector<Triple> out;
  auto n = pipeline::ForEachTriple(db, {}, [&](const Triple& t) {
    out.push_back(t);
    return true;
  });
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return out;
}

inline std::string Export(const store::Db& db, pipeline::RdfFormat format, const TriplePattern& filter = {}) {
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


}  // namespace sov::triples_test
