// Shared plumbing for `sov` commands: global flags, opening the home's log as a reader (RocksDB
// secondary, works with or without a running writer) or as the writer, and output as a human table
// or JSON. Every command returns an exit code; errors are one line on stderr ("sov: …").
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "node/config.h"
#include "node/identity/keystore.h"
#include "pipeline/event_store.h"
#include "store/base/status.h"

namespace CLI {
class App;
}

namespace sov::cli {

struct Context {
  std::string home_flag;  // --home
  bool json = false;      // --json
  int exit_code = 0;

  node::HomeLayout home() const { return node::HomeLayout{node::ResolveHome(home_flag)}; }
};

// A read-only view of the home's store; removes its private secondary directory when destroyed.
class ReadHandle {
 public:
  static Result<std::unique_ptr<ReadHandle>> Open(const Context& ctx);
  ~ReadHandle();
  pipeline::EventStore& store() { return *store_; }
  const store::Db& db() const { return store_->db(); }

 private:
  std::string secondary_dir_;
  std::unique_ptr<pipeline::EventStore> store_;
};

// The home opened as the single writer, with its config and key.
struct WriteHandle {
  node::Config config;
  std::unique_ptr<identity::Keystore> key;
  pipeline::StoreOptions options;  // from the config, signed by the key
  std::unique_ptr<pipeline::EventStore> store;
  static Result<std::unique_ptr<WriteHandle>> Open(const Context& ctx, bool views = true);
  // Config, key and options only; the store stays closed (for commands that open it themselves).
  static Result<std::unique_ptr<WriteHandle>> Prepare(const Context& ctx, bool views = true);
};

// The home's config (node::LoadHomeConfig: config.toml, or a legacy flat config converted to it),
// its one-line notice, if any, printed on stderr as "sov: <notice>".
Result<node::HomeConfig> LoadHomeConfig(const Context& ctx);

// Prints "sov: <message>" to stderr and returns the exit code for it (1).
int Fail(const Status& status);
int Fail(const std::string& message);

// A left-aligned text table with a header row, columns padded to their widest cell.
void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
void PrintJson(const nlohmann::json& value);
// "LABEL  value" lines, the values aligned two spaces past the widest label.
void PrintFields(const std::vector<std::pair<std::string, std::string>>& fields);

// A JSON array of to_json(item) for every item, in order.
template <class T>
nlohmann::json JsonArray(const std::vector<T>& items, nlohmann::json (*to_json)(const T&)) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& item : items) arr.push_back(to_json(item));
  return arr;
}

// RFC 3339 UTC with milliseconds ("2026-01-01T00:00:00.000Z"); "-" for 0.
std::string FormatTime(int64_t ns);
// A time for JSON: FormatTime, or null for 0.
nlohmann::json JsonTime(int64_t ns);
// Minor units (6 decimals) as "1.250000"; -5 as "-0.000005". Exact: integer arithmetic only.
std::string FormatAmount(int64_t minor);
// `s`, or "-" when it is empty.
std::string OrDash(const std::string& s);
// The items joined with ","; `if_empty` when there are none.
std::string JoinComma(const std::vector<std::string>& items, const std::string& if_empty);
// Wall clock now, for query-time judgements (session expiry). Never used by projectors.
// A score as "0.833".
std::string FormatScore(double score);
// Validates a did:key given on the command line; the error names the flag and the value.
Status CheckDid(const std::string& flag, const std::string& did);

// Command registration, one function per command group (each in its own file).
void AddInitCommand(CLI::App& app, Context& ctx);
void AddConfigCommands(CLI::App& app, Context& ctx);
void AddLogCommands(CLI::App& app, Context& ctx);
void AddViewsCommands(CLI::App& app, Context& ctx);
void AddSimCommand(CLI::App& app, Context& ctx);
void AddTriplesCommands(CLI::App& app, Context& ctx);
void AddNodeCommands(CLI::App& app, Context& ctx);
void AddP2pNodeCommands(CLI::App& p2p, Context& ctx);
void AddP2pReputationCommand(CLI::App& p2p, Context& ctx);
void AddP2pSessionCommands(CLI::App& p2p, Context& ctx);
void AddP2pFirewallCommands(CLI::App& p2p, Context& ctx);
void AddP2pPeersCommand(CLI::App& p2p, Context& ctx);
// `sov p2p peers --offline`: the peers view read from the log, as a table or (json) a JSON array.
int RunPeersOffline(Context& ctx, bool json);
void AddP2pPricingCommands(CLI::App& p2p, Context& ctx);
void AddP2pTeamCommands(CLI::App& p2p, Context& ctx);
void AddP2pWorkspaceCommands(CLI::App& p2p, Context& ctx);

}  // namespace sov::cli
