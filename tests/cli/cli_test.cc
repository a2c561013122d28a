// End to end: the built `sov` binary, run as a user would. Every command, --json parsed by a real
// JSON parser, bad input failing with one clear line and nothing written, reads beside a live
// writer, tampering caught by `log verify`, rebuild digests equal to live ones, and the triple
// exports parsed by a real RDF parser (rapper).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "store/base/bytes.h"
#include "store/db.h"
#include "store/log_format.h"
#include "support/process.h"
#include "support/test_util.h"

namespace sov {
namespace {

using nlohmann::json;
using testing::RunResult;

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    home_ = dir_->Sub("home");
    RunResult init = Sov({"init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    RunResult sim = Sov({"sim", "--peers", "12", "--events", "3000", "--seed", "7"});
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static RunResult Sov(std::vector<std::string> args, const std::string& home = "") {
    std::vector<std::string> argv = {SOV_BINARY, "--home", home.empty() ? home_ : home};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv);
  }
  static json Json(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Sov(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.out;
    return j;
  }
  // A failing command prints exactly one line on stderr, starting with "sov: ", and nothing on stdout.
  static void ExpectCleanFailure(const RunResult& r, const std::string& needle) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("sov: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
  }
  static std::string did() { return Json({"log", "show", "1"})["origin"].get<std::string>(); }

  static testing::TempDir* dir_;
  static std::string home_;
};
testing::TempDir* Cli::dir_ = nullptr;
std::string Cli::home_;

TEST_F(Cli, InitMadeOwnerOnlyKeyAndFullConfig) {
  struct stat st {};
  ASSERT_EQ(::stat((home_ + "/node.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(home_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
  std::ifstream f(home_ + "/config.toml");
  std::string config((std::istreambuf_iterator<char>(f)), {});
  for (const char* key : {"log.sync", "log.sync_interval_ms", "log.checkpoint_interval", "store.write_buffer_mb"}) {
    EXPECT_NE(config.find(key), std::string::npos) << key;
  }
  ExpectCleanFailure(Sov({"init"}), "already exists");
  testing::TempDir other;
  json j = json::parse(Sov({"init", "--json"}, other.Sub("h")).out);
  EXPECT_EQ(j["did"].get<std::string>().rfind("did:key:z6Mk", 0), 0u);
  EXPECT_EQ(j["peerId"].get<std::string>().rfind("12D3KooW", 0), 0u);
}

TEST_F(Cli, LogStatsTailShowExport) {
  json stats = Json({"log", "stats", "--by-type"});
  EXPECT_GE(stats["records"].get<uint64_t>(), 3000u);
  EXPECT_EQ(stats["headHash"].get<std::string>().size(), 64u);
  EXPECT_GT(stats["byType"]["tool.succeeded"].get<uint64_t>(), 0u);
  EXPECT_GT(stats["byType"]["workspace.message_posted"].get<uint64_t>(), 0u);

  RunResult tail = Sov({"log", "tail", "-n", "5"});
  ASSERT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_EQ(std::count(tail.out.begin(), tail.out.end(), '\n'), 5);
  RunResult tail_json = Sov({"log", "tail", "-n", "3", "--json"});
  std::istringstream lines(tail_json.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    json e = json::parse(line);
    EXPECT_TRUE(e.contains("seq") && e.contains("type") && e.contains("payload"));
    ++n;
  }
  EXPECT_EQ(n, 3);

  json one = Json({"log", "show", "2"});
  EXPECT_EQ(one["seq"], 2);
  EXPECT_TRUE(one["payload"].is_object());
  ExpectCleanFailure(Sov({"log", "show", "999999999"}), "no log record 999999999");

  std::string out = dir_->Sub("export.jsonl");
  RunResult exp = Sov({"log", "export", "--format", "jsonl", "-o", out});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  std::ifstream f(out);
  uint64_t count = 0, expected_seq = 1;
  while (std::getline(f, line)) {
    json e = json::parse(line);
    EXPECT_EQ(e["seq"].get<uint64_t>(), expected_seq++);
    ++count;
  }
  EXPECT_EQ(count, stats["records"].get<uint64_t>());
  ExpectCleanFailure(Sov({"log", "export", "--format", "xml"}), "--format");
}

TEST_F(Cli, ViewsStatusRebuildDigestAreDeterministic) {
  json status = Json({"views", "status"});
  ASSERT_TRUE(status.is_array());
  for (const auto& v : status) EXPECT_EQ(v["lag"], 0) << v.dump();
  json names = Json({"views", "list"});
  EXPECT_EQ(names.size(), status.size());
  json live = Json({"views", "digest"});
  json rebuilt = Json({"views", "rebuild"});
  ASSERT_EQ(rebuilt.size(), names.size());
  json after = Json({"views", "digest"});
  EXPECT_EQ(live, after);
  for (const auto& r : rebuilt) EXPECT_EQ(live[r["view"].get<std::string>()], r["digest"]);
  ExpectCleanFailure(Sov({"views", "rebuild", "nosuchview"}), "unknown view 'nosuchview'");
  ExpectCleanFailure(Sov({"views", "digest", "nosuchview"}), "unknown view");
}

TEST_F(Cli, P2pReadCommandsAnswerFromViews) {
  json rep = Json({"p2p", "reputation"});
  ASSERT_TRUE(rep.is_array());
  ASSERT_FALSE(rep.empty());
  std::string peer = rep[0]["peerDid"];
  json one = Json({"p2p", "reputation", "--peer-did", peer});
  EXPECT_EQ(one["peerDid"], peer);
  EXPECT_EQ(one["trustScore"], rep[0]["trustScore"]);
  for (const auto& r : rep) {
    EXPECT_GE(r["trustScore"].get<double>(), 0.0);
    EXPECT_LT(r["trustScore"].get<double>(), 1.0);
  }
  EXPECT_TRUE(Json({"p2p", "session", "list", "--all"}).is_array());
  EXPECT_TRUE(Json({"p2p", "firewall", "list"}).is_object());
  EXPECT_TRUE(Json({"p2p", "peers", "--offline"}).is_array());
  EXPECT_TRUE(Json({"p2p", "pricing", "ledger"}).is_array());
  EXPECT_TRUE(Json({"p2p", "pricing", "outstanding"}).is_array());
  json teams = Json({"p2p", "team", "list"});
  ASSERT_TRUE(teams.is_array());
  ASSERT_FALSE(teams.empty());
  json team = Json({"p2p", "team", "status", teams[0]["id"].get<std::string>()});
  EXPECT_EQ(team["id"], teams[0]["id"]);
  EXPECT_TRUE(team["members"].is_array());
  json wss = Json({"p2p", "workspace", "list"});
  ASSERT_FALSE(wss.empty());
  json ws = Json({"p2p", "workspace", "status", wss[0]["id"].get<std::string>()});
  EXPECT_TRUE(ws["members"].is_array());
  ExpectCleanFailure(Sov({"p2p", "team", "status", "no-such-team"}), "no-such-team");
  ExpectCleanFailure(Sov({"p2p", "workspace", "status", "no-such-ws"}), "no-such-ws");
  // Human tables have a header row.
  RunResult table = Sov({"p2p", "reputation"});
  EXPECT_EQ(table.out.rfind("PEER DID", 0), 0u) << table.out;
}

TEST_F(Cli, P2pPeersShowsIdentifyAndDisconnects) {
  json peers = Json({"p2p", "peers", "--offline"});
  ASSERT_TRUE(peers.is_array());
  // Without --offline the command asks the running node; there is none here.
  ExpectCleanFailure(Sov({"p2p", "peers"}), "no node is running");
  ASSERT_FALSE(peers.empty());
  size_t identified = 0, disconnected = 0;
  for (const auto& p : peers) {
    for (const char* k : {"agentVersion", "protocolVersion", "observedAddr", "identifiedAt", "lastDisconnectReason",
                          "lastDisconnectDetail"}) {
      EXPECT_TRUE(p[k].is_string()) << k << " in " << p.dump();
    }
    ASSERT_TRUE(p["protocols"].is_array()) << p.dump();
    ASSERT_TRUE(p["disconnects"].is_number_unsigned()) << p.dump();
    const std::string reason = p["lastDisconnectReason"];
    EXPECT_TRUE(std::regex_match(reason, std::regex("[a-z_]*"))) << reason;
    EXPECT_EQ(reason.empty(), p["disconnects"] == 0) << p.dump();
    if (!reason.empty()) ++disconnected;
    if (p["agentVersion"] == "") {
      EXPECT_EQ(p["identifiedAt"], "-") << p.dump();
      continue;
    }
    ++identified;
    EXPECT_GE(p["protocols"].size(), 2u) << p.dump();
    EXPECT_EQ(p["protocolVersion"], "ipfs/0.1.0");
    EXPECT_EQ(p["observedAddr"], "/ip4/198.51.100.7/tcp/4001");
    EXPECT_NE(p["identifiedAt"], "-");
  }
  EXPECT_GT(identified, 0u);
  EXPECT_GT(disconnected, 0u);
  RunResult table = Sov({"p2p", "peers", "--offline"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const std::string header = table.out.substr(0, table.out.find('\n'));
  EXPECT_TRUE(std::regex_search(header, std::regex("^PEER DID +PEER ID +NAME +AGENT +PROTOCOLS +CONNECTED +ADDRESSES +LAST SEEN$")))
      << header;

  // `log show` prints a peer.identified event through the schema's text generator.
  RunResult exp = Sov({"log", "export", "--format", "jsonl"});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  std::istringstream lines(exp.out);
  std::string line;
  uint64_t seq = 0;
  while (seq == 0 && std::getline(lines, line)) {
    json e = json::parse(line);
    if (e["type"] == "peer.identified") seq = e["seq"];
  }
  ASSERT_NE(seq, 0u) << "no peer.identified in the simulated log";
  json shown = Json({"log", "show", std::to_string(seq)});
  EXPECT_EQ(shown["type"], "peer.identified");
  EXPECT_EQ(shown["payload"]["protocol_version"], "ipfs/0.1.0");
  EXPECT_FALSE(shown["payload"]["agent_version"].get<std::string>().empty());
  EXPECT_GE(shown["payload"]["protocols"].size(), 2u);
  EXPECT_EQ(shown["payload"]["listen_addrs"].size(), 2u);
  RunResult text = Sov({"log", "show", std::to_string(seq)});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("type:       peer.identified"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\"observed_addr\": \"/ip4/198.51.100.7/tcp/4001\""), std::string::npos) << text.out;
}

TEST_F(Cli, BadInputFailsWithOneClearLine) {
  ExpectCleanFailure(Sov({"log", "stats", "--no-such-flag"}), "--no-such-flag");
  ExpectCleanFailure(Sov({"p2p", "reputation", "--peer-did", "did:web:example.com"}), "--peer-did");
  ExpectCleanFailure(Sov({"p2p", "reputation", "--peer-did", "did:key:z6MkNOTBASE58l0"}), "malformed DID");
  testing::TempDir empty;
  ExpectCleanFailure(Sov({"log", "stats"}, empty.Sub("missing")), "no sov home at " + empty.Sub("missing"));
  EXPECT_FALSE(std::filesystem::exists(empty.Sub("missing"))) << "a failed command wrote something";
  ExpectCleanFailure(Sov({"sim", "--peers", "1", "--events", "10"}), "--peers");
}

TEST_F(Cli, CorruptConfigNamesTheKey) {
  testing::TempDir d;
  const std::string home = d.Sub("h");
  ASSERT_EQ(Sov({"init"}, home).exit_code, 0);
  {
    // The default file's [log] line for the key, set to a string.
    std::ifstream in(home + "/config.toml");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const std::string line = "checkpoint_interval = 10000\n";
    ASSERT_NE(text.find(line), std::string::npos) << text;
    text.replace(text.find(line), line.size(), "checkpoint_interval = \"lots\"\n");
    std::ofstream(home + "/config.toml", std::ios::trunc) << text;
  }
  RunResult r = Sov({"sim", "--peers", "3", "--events", "10"}, home);
  ExpectCleanFailure(r, "log.checkpoint_interval");
  EXPECT_NE(r.err.find(home + "/config.toml:"), std::string::npos) << r.err;
  json stats = json::parse(Sov({"log", "stats", "--json"}, home).out);
  EXPECT_EQ(stats["records"], 0) << "nothing may be written by a failed command";
}

TEST_F(Cli, WriterHeldByAnotherProcessReadsStillWork) {
  testing::TempDir d;
  const std::string home = d.Sub("h");
  ASSERT_EQ(Sov({"init"}, home).exit_code, 0);
  ASSERT_EQ(Sov({"sim", "--peers", "4", "--events", "200"}, home).exit_code, 0);
  // A live writer: the crash-test child appending under the home's key.
  testing::Child writer({SOV_CRASH_CHILD, home + "/db", home + "/node.key", "1"});
  std::vector<std::string> acks;
  writer.ReadLines(300, &acks);
  ASSERT_FALSE(acks.empty()) << "writer did not start";
  RunResult held = Sov({"views", "rebuild"}, home);
  ExpectCleanFailure(held, "the log at " + home + "/db is held by another process");
  RunResult sim = Sov({"sim", "--peers", "4", "--events", "10"}, home);
  ExpectCleanFailure(sim, "held by another process");
  // Readers follow the live writer.
  RunResult rep = Sov({"p2p", "reputation", "--json"}, home);
  EXPECT_EQ(rep.exit_code, 0) << rep.err;
  RunResult v = Sov({"log", "verify"}, home);
  EXPECT_EQ(v.exit_code, 0) << v.err << v.out;
  // Online backup beside the live writer: restores to a consistent prefix that verifies.
  RunResult backup = Sov({"log", "backup", d.Sub("backup")}, home);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  writer.Kill();
  const std::string restored = d.Sub("restored");
  std::filesystem::create_directories(restored);
  std::filesystem::copy_file(home + "/config.toml", restored + "/config.toml");
  std::filesystem::copy_file(home + "/node.key", restored + "/node.key");
  ASSERT_EQ(Sov({"log", "restore", d.Sub("backup")}, restored).exit_code, 0);
  json verified = json::parse(Sov({"log", "verify", "--json"}, restored).out);
  EXPECT_TRUE(verified["ok"].get<bool>()) << verified.dump();
  EXPECT_GT(verified["records"].get<uint64_t>(), 200u);
  for (const auto& view : json::parse(Sov({"views", "status", "--json"}, restored).out)) EXPECT_EQ(view["lag"], 0);
}

TEST_F(Cli, VerifyNamesTamperedRecordAndBackupRestores) {
  testing::TempDir d;
  const std::string home = d.Sub("h");
  ASSERT_EQ(Sov({"init"}, home).exit_code, 0);
  ASSERT_EQ(Sov({"sim", "--peers", "5", "--events", "500", "--seed", "3"}, home).exit_code, 0);
  json ok = json::parse(Sov({"log", "verify", "--json"}, home).out);
  EXPECT_TRUE(ok["ok"].get<bool>());
  EXPECT_GE(ok["checkpoints"].get<int>(), 1);
  ASSERT_EQ(Sov({"log", "backup", d.Sub("backup")}, home).exit_code, 0);
  {
    store::DbOptions o;
    o.column_families = {store::kLogFamily, store::kMetaFamily};
    auto db = store::Db::Open(home + "/db", o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto cf = *(*db)->Family(store::kLogFamily);
    std::string rec = **(*db)->Get(cf, BigEndian64(123));
    rec[rec.size() - 40] ^= 0x01;  // one bit inside the envelope bytes
    store::WriteBatch b(**db);
    b.Put(cf, BigEndian64(123), rec);
    ASSERT_TRUE((*db)->Write(&b, true).ok());
  }
  ExpectCleanFailure(Sov({"log", "verify"}, home), "record 123");
  json bad = json::parse(Sov({"log", "verify", "--json"}, home).out);
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(bad["badSeq"], 123);
  // Restore the backup over the tampered log: verifies again with the same head.
  ExpectCleanFailure(Sov({"log", "restore", d.Sub("backup")}, home), "--force");
  ASSERT_EQ(Sov({"log", "restore", d.Sub("backup"), "--force"}, home).exit_code, 0);
  json restored = json::parse(Sov({"log", "verify", "--json"}, home).out);
  EXPECT_TRUE(restored["ok"].get<bool>()) << restored.dump();
  EXPECT_EQ(restored["headHash"], ok["headHash"]);
  // A DID that did not sign the checkpoints is rejected.
  testing::TempDir o;
  json other = json::parse(Sov({"init", "--json"}, o.Sub("x")).out);
  ExpectCleanFailure(Sov({"log", "verify", "--did", other["did"].get<std::string>()}, home), "not by");
}

TEST_F(Cli, UnknownEventTypeIsShownNotFatal) {
  testing::TempDir d;
  const std::string home = d.Sub("h");
  ASSERT_EQ(Sov({"init"}, home).exit_code, 0);
  {
    pipeline::StoreOptions o;
    auto s = pipeline::EventStore::Open(home + "/db", o);
    ASSERT_TRUE(s.ok());
    store::EnvelopeBuilder b;
    auto future = fb::CreateToolSucceededDirect(b.fbb(), "x", testing::TestDid(1).c_str(), "t", 1, 1);
    ASSERT_TRUE((*s)->Append(b.Finish(testing::T(1), testing::TestDid(0), static_cast<fb::Event>(211), future.Union())).ok());
  }
  RunResult tail = Sov({"log", "tail"}, home);
  EXPECT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_NE(tail.out.find("unknown(type=211)"), std::string::npos) << tail.out;
  json shown = json::parse(Sov({"log", "show", "1", "--json"}, home).out);
  EXPECT_EQ(shown["type"], "unknown(type=211)");
  EXPECT_EQ(Sov({"views", "rebuild"}, home).exit_code, 0);
}

TEST_F(Cli, TriplesExportParsesWithRapperAndCountsMatch) {
  if (testing::Run({"/usr/bin/env", "sh", "-c", "command -v rapper"}).exit_code != 0) {
    GTEST_SKIP() << "rapper (raptor2-utils) is not installed";
  }
  json count = Json({"triples", "query", "--count"});
  const uint64_t n = count["count"].get<uint64_t>();
  ASSERT_GT(n, 1000u);
  for (const auto& [format, parser] : std::vector<std::pair<std::string, std::string>>{{"nt", "ntriples"},
                                                                                        {"ttl", "turtle"}}) {
    std::string file = dir_->Sub("graph." + format);
    RunResult exp = Sov({"triples", "export", "--format", format, "-o", file});
    ASSERT_EQ(exp.exit_code, 0) << exp.err;
    RunResult rapper = testing::Run({"/usr/bin/env", "rapper", "-i", parser, "-c", file});
    ASSERT_EQ(rapper.exit_code, 0) << rapper.err;
    EXPECT_EQ(rapper.err.find("rapper: Error"), std::string::npos) << rapper.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(rapper.err, m, std::regex("returned ([0-9]+) triples"))) << rapper.err;
    EXPECT_EQ(std::stoull(m[1]), n) << format;
  }
  RunResult csv = Sov({"triples", "export", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.rfind("subject,predicate,object", 0), 0u) << csv.out.substr(0, 200);
  json by_peer = Json({"triples", "query", "-o", did(), "--count"});
  EXPECT_GE(by_peer["count"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace sov
