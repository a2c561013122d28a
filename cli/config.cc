// `sov config`: the config registry as a table, JSON or the README's Markdown table (`keys`), the
// default config.toml (`default`), and a check of a config file (`check`).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <variant>

#include "cli/context.h"
#include "node/config_registry.h"

namespace sov::cli {

namespace {

nlohmann::json ValueJson(const node::Value& value) {
  if (const auto* u = std::get_if<uint64_t>(&value)) return *u;
  if (const auto* b = std::get_if<bool>(&value)) return *b;
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* list = std::get_if<std::vector<std::string>>(&value)) return *list;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : std::get<std::vector<node::Row>>(value)) {
    nlohmann::json r = nlohmann::json::object();
    for (const auto& [name, v] : row.values) r[name] = ValueJson(v);
    rows.push_back(r);
  }
  return rows;
}

nlohmann::json KeyJson(const node::KeySpec& k) {
  nlohmann::json j = {{"key", k.key},
                      {"type", node::TypeName(k.type)},
                      {"default", ValueJson(k.default_value)},
                      {"range", node::RangeText(k)},
                      {"doc", k.doc}};
  if (k.required) j["required"] = true;
  if (!k.fields.empty()) {
    j["fields"] = nlohmann::json::array();
    for (const auto& f : k.fields) j["fields"].push_back(KeyJson(f));
  }
  return j;
}

int RunKeys(const Context& ctx, bool markdown) {
  const auto keys = node::NodeConfigKeys();
  if (markdown) {
    std::cout << node::RenderMarkdown(keys) << std::flush;
  } else if (ctx.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& k : keys) arr.push_back(KeyJson(k));
    PrintJson(arr);
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& k : keys) {
      rows.push_back({k.key, node::TypeName(k.type), node::TomlLiteral(k.default_value), node::RangeText(k), k.doc});
    }
    PrintTable({"KEY", "TYPE", "DEFAULT", "RANGE", "MEANING"}, rows);
  }
  return 0;
}

int RunCheck(const Context& ctx, const std::string& file) {
  const std::string path = file.empty() ? ctx.home().config() : file;
  auto config = node::Config::Load(path);
  if (!config.ok()) return Fail(config.status());
  if (ctx.json) {
    PrintJson({{"ok", true}, {"file", path}});
  } else {
    std::cout << "ok: " << path << std::endl;
  }
  return 0;
}

}  // namespace

void AddConfigCommands(CLI::App& app, Context& ctx) {
  auto* config = app.add_subcommand("config", "The config keys ($SOV_HOME/config.toml) and checks of a config file");
  config->require_subcommand(1);
  auto markdown = std::make_shared<bool>(false);
  auto* keys = config->add_subcommand("keys", "Every config key: type, default, range or choices, meaning");
  keys->add_flag("--markdown", *markdown, "Print the README's Markdown table");
  keys->callback([&ctx, markdown] { ctx.exit_code = RunKeys(ctx, *markdown); });
  auto* def = config->add_subcommand("default", "Print the default config.toml (what `sov init` writes)");
  def->callback([&ctx] {
    std::cout << node::Config::DefaultText() << std::flush;
    ctx.exit_code = 0;
  });
  auto file = std::make_shared<std::string>();
  auto* check = config->add_subcommand("check", "Validate a config file (default: <home>/config.toml)");
  check->add_option("file", *file, "TOML config file");
  check->callback([&ctx, file] { ctx.exit_code = RunCheck(ctx, *file); });
}

}  // namespace sov::cli
