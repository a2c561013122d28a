// scripts/check-layers: passes on this tree, and fails (naming file, line and arrow) on a tree with
// a forbidden include, so the build step that runs it can really stop a bad change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/process.h"
#include "support/test_util.h"

namespace sov::testing {
namespace {

const std::string kScript = std::string(SOV_SOURCE_DIR) + "/scripts/check-layers";

void WriteFile(const std::string& root, const std::string& rel, const std::string& text) {
  std::filesystem::path p = std::filesystem::path(root) / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

RunResult CheckLayers(const std::string& root) { return Run({"/usr/bin/env", "python3", kScript, root}); }

TEST(CheckLayers, ThisTreeFollowsTheArrows) {
  RunResult r = CheckLayers(SOV_SOURCE_DIR);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(CheckLayers, AllowedIncludesPass) {
  TempDir tmp;
  WriteFile(tmp.path(), "store/base/status.h", "#pragma once\n");
  WriteFile(tmp.path(), "store/db.h", "#include \"store/base/status.h\"\n#include \"events_generated.h\"\n");
  WriteFile(tmp.path(), "pipeline/projector.h", "#include \"store/db.h\"\n");
  WriteFile(tmp.path(), "node/p2p/swarm/host.h", "#include \"store/base/status.h\"\n");
  WriteFile(tmp.path(), "node/agent/calls/calls.h", "#include \"node/p2p/swarm/host.h\"\n#include \"pipeline/projector.h\"\n");
  WriteFile(tmp.path(), "cli/main.cc", "#include \"node/agent/calls/calls.h\"\n#include \"store/db.h\"\n");
  RunResult r = CheckLayers(tmp.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CheckLayers, ForbiddenIncludeFailsNamingFileLineAndArrow) {
  TempDir tmp;
  WriteFile(tmp.path(), "pipeline/projector.h", "#pragma once\n");
  WriteFile(tmp.path(), "store/base/status.h", "#pragma once\n\n#include \"pipeline/projector.h\"\n");
  RunResult r = CheckLayers(tmp.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("store/base/status.h:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("store/base -> pipeline is not an arrow"), std::string::npos) << r.err;
}

TEST(CheckLayers, P2pMayNotSeeTheLogAndAgentsMayNotWriteTheStore) {
  TempDir tmp;
  WriteFile(tmp.path(), "store/event_log.h", "#pragma once\n");
  WriteFile(tmp.path(), "store/envelope.h", "#pragma once\n");
  WriteFile(tmp.path(), "node/p2p/wire/varint.h", "#include \"store/event_log.h\"\n");
  WriteFile(tmp.path(), "node/agent/calls/calls.cc", "#include \"store/envelope.h\"\n#include \"store/event_log.h\"\n");
  WriteFile(tmp.path(), "node/sim/sim.cc", "#include \"node/agent/calls/calls.cc\"\n");
  RunResult r = CheckLayers(tmp.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("node/p2p/wire/varint.h:1"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("node/agent/calls/calls.cc:1"), std::string::npos) << r.err;  // the envelope builder is allowed
  EXPECT_NE(r.err.find("node/agent/calls/calls.cc:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("node/sim/sim.cc:1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 include(s)"), std::string::npos) << r.err;
}

TEST(CheckLayers, AgentFeaturesFormADag) {
  TempDir tmp;
  WriteFile(tmp.path(), "node/agent/handshake/handshake.h", "#pragma once\n");
  WriteFile(tmp.path(), "node/agent/calls/calls.h", "#include \"node/agent/handshake/handshake.h\"\n");
  WriteFile(tmp.path(), "node/agent/handshake/uses_calls.h", "#include \"node/agent/calls/calls.h\"\n");
  RunResult r = CheckLayers(tmp.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("node/agent/handshake/uses_calls.h:1"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("node/agent/calls/calls.h:1"), std::string::npos) << r.err;
}

TEST(CheckLayers, RocksDbIsPrivateToTheStoreDb) {
  TempDir tmp;
  WriteFile(tmp.path(), "store/db.cc", "#include <rocksdb/db.h>\n");
  WriteFile(tmp.path(), "store/event_log.cc", "#include <rocksdb/db.h>\n");
  WriteFile(tmp.path(), "pipeline/runner.cc", "#include <rocksdb/write_batch.h>\n");
  RunResult r = CheckLayers(tmp.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("store/db.cc"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("store/event_log.cc:1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pipeline/runner.cc:1"), std::string::npos) << r.err;
}

TEST(CheckLayers, IncludeOfAMissingFileFails) {
  TempDir tmp;
  WriteFile(tmp.path(), "store/db.h", "#include \"store/nowhere.h\"\n");
  RunResult r = CheckLayers(tmp.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("names no file of the tree"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sov::testing
