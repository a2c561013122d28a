// The config registry: every key's default, a valid non-default value and a bad one (driven by the
// registry, so a new key is covered), unknown keys with a suggestion, the low-watermark rule, TOML
// syntax errors, arrays of tables, the legacy flat-file conversion, and the README table.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "node/config.h"
#include "node/config_legacy.h"
#include "node/config_registry.h"
#include "support/test_util.h"

namespace sov {
namespace {

using node::KeySpec;
using node::Value;
using node::ValueType;

std::string ReadAll(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// `key = literal` as a dotted TOML key at the top level (valid TOML for any table depth).
std::string Line(const KeySpec& k, const std::string& literal) { return k.key + " = " + literal + "\n"; }

// A valid value other than the default, from the spec.
Value NonDefault(const KeySpec& k) {
  switch (k.type) {
    case ValueType::kUnsigned: {
      const uint64_t d = std::get<uint64_t>(k.default_value);
      return d < k.max ? d + 1 : d - 1;
    }
    case ValueType::kBool: return !std::get<bool>(k.default_value);
    case ValueType::kChoice:
      for (const auto& c : k.choices) {
        if (c != std::get<std::string>(k.default_value)) return c;
      }
      break;
    default: break;
  }
  return k.example;
}

TEST(Config, DefaultTextParsesToDefaults) {
  auto c = node::Config::Parse(node::Config::DefaultText(), "config");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_sync, store::SyncPolicy::kAlways);
  EXPECT_EQ(c->log_checkpoint_interval, 10000u);
  EXPECT_EQ(c->log_sync_interval_ms, 100u);
}

TEST(Config, ErrorsNameFileLineAndKey) {
  auto bad_value = node::Config::Parse("# c\nlog.sync = \"sometimes\"\n", "/h/config");
  ASSERT_FALSE(bad_value.ok());
  EXPECT_NE(bad_value.status().message().find("/h/config:2: log.sync"), std::string::npos)
      << bad_value.status().message();
  auto unknown = node::Config::Parse("log.synk = \"always\"\n", "/h/config");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown key 'log.synk'"), std::string::npos);
  auto range = node::Config::Parse("log.sync_interval_ms = 0\n", "c");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("log.sync_interval_ms"), std::string::npos);
  EXPECT_FALSE(node::Config::Parse("log.checkpoint_interval = 12abc\n", "c").ok());
  EXPECT_FALSE(node::Config::Parse("just words\n", "c").ok());
}

TEST(Config, EveryKeyDefaultValidValueAndBadValue) {
  const node::Config defaults;
  const node::Values default_values = defaults.ToValues();
  for (const KeySpec& k : node::NodeConfigKeys()) {
    SCOPED_TRACE(k.key);
    EXPECT_EQ(default_values.Get(k.key), k.default_value) << "the Config default differs from the registry";
    EXPECT_FALSE(k.doc.empty());
    // A valid non-default value reaches the Config (and comes back out of it).
    const Value v = NonDefault(k);
    ASSERT_NE(v, k.default_value) << "no valid non-default value (set `example` for this key)";
    auto c = node::Config::Parse("# x\n" + Line(k, node::TomlLiteral(v)), "f.toml");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->ToValues().Get(k.key), v) << "the value did not reach node::Config";
    // Wrong type: named with file, line and key.
    const std::string wrong = k.type == ValueType::kBool || k.type == ValueType::kUnsigned ? "\"x\"" : "1.5";
    auto w = node::Config::Parse("# x\n" + Line(k, wrong), "f.toml");
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.status().message().find("f.toml:2: " + k.key + ": expected"), std::string::npos)
        << w.status().message();
    // Out of range, not a choice, not a valid item.
    std::vector<std::string> bad;
    if (k.type == ValueType::kUnsigned) {
      bad.push_back(std::to_string(k.max + 1));
      bad.push_back(k.min > 0 ? std::to_string(k.min - 1) : "-1");
    }
    if (k.type == ValueType::kChoice) bad.push_back("\"bogus\"");
    if (k.type == ValueType::kStringList && k.check_item != nullptr) bad.push_back("[\"/not/a/multiaddr\"]");
    if (k.type == ValueType::kStringList) bad.push_back("[1]");
    for (const auto& b : bad) {
      auto r = node::Config::Parse("# x\n" + Line(k, b), "f.toml");
      ASSERT_FALSE(r.ok()) << b;
      EXPECT_NE(r.status().message().find("f.toml:2: " + k.key), std::string::npos) << r.status().message();
    }
  }
}

TEST(Config, UnknownKeySuggestsTheNearest) {
  auto r = node::Config::Parse("[p2p]\nmax_peers = 5\nmax_peer = 4\n", "/h/config.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "/h/config.toml:3: unknown key 'p2p.max_peer' (did you mean 'p2p.max_peers'?)");
  auto far = node::Config::Parse("[zzz]\nqqqqqqqqqqqq = 1\n", "f");
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.status().message().find("did you mean"), std::string::npos) << far.status().message();
  auto not_table = node::Config::Parse("p2p = 5\n", "f");
  ASSERT_FALSE(not_table.ok());
  EXPECT_NE(not_table.status().message().find("f:1: p2p: expected a table"), std::string::npos);
}

TEST(Config, LowWatermarkAboveMaxPeersIsRefused) {
  auto r = node::Config::Parse("[p2p]\nmax_peers = 10\nlow_watermark = 11\n", "f.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "f.toml:3: p2p.low_watermark: 11 is above p2p.max_peers (10)");
  auto only_max = node::Config::Parse("[p2p]\nmax_peers = 39\n", "f.toml");
  ASSERT_FALSE(only_max.ok());
  EXPECT_NE(only_max.status().message().find("f.toml:2: p2p.low_watermark: 40 is above p2p.max_peers (39)"),
            std::string::npos);
  EXPECT_TRUE(node::Config::Parse("[p2p]\nmax_peers = 10\nlow_watermark = 10\n", "f").ok());
}

TEST(Config, SyntaxErrorNamesLineAndColumnAndNeverEchoesGarbage) {
  auto r = node::Config::Parse("[log]\nsync = \n", "f.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("f.toml:2:"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("TOML syntax error"), std::string::npos);
  std::string garbage = "\x1b[2J\x01\xff\xfe";
  garbage += std::string(5000, 'A') + "\x1b]0;pwned\x07";
  for (const std::string& text : std::vector<std::string>{garbage, "a = \"\x1b[31m\"\n", "\"\x1b[31m\" = 1\n"}) {
    auto g = node::Config::Parse(text, "f.toml");
    ASSERT_FALSE(g.ok());
    const std::string& m = g.status().message();
    EXPECT_LT(m.size(), 400u) << m;
    for (unsigned char c : m) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte in: " << node::Printable(m);
  }
}

// toml++ 3.3.0 has undefined behaviour on some non-ASCII characters (tests/fuzz/config_fuzz found
// it); such bytes never reach it.
TEST(Config, NonAsciiIsRefusedWithItsLineAndColumn) {
  for (const std::string text : {"[p2p]\nmax_peers\xc2\xa1 = 3\n", "[log]\nlevel = 4\xd1\x92\n", "# caf\xc3\xa9\n"}) {
    auto r = node::Config::Parse(text, "f.toml");
    ASSERT_FALSE(r.ok()) << node::Printable(text);
    EXPECT_NE(r.status().message().find("non-ASCII"), std::string::npos) << r.status().message();
  }
  auto r = node::Config::Parse("[p2p]\nmax_peers\xc2\xa1 = 3\n", "f.toml");
  EXPECT_NE(r.status().message().find("f.toml:2:10:"), std::string::npos) << r.status().message();
  EXPECT_TRUE(node::Config::Parse("[log]\nlevel = \"info\" # \\u00e9 is fine as an escape\n", "f.toml").ok());
}

TEST(Config, WholeFileRoundTripsThroughRenderToml) {
  const auto keys = node::NodeConfigKeys();
  node::Values v = node::Values::Defaults(keys);
  for (const auto& k : keys) v.Set(k.key, NonDefault(k), 0);
  v.Set("p2p.low_watermark", uint64_t{3}, 0);
  auto back = node::ParseToml(node::RenderToml(keys, v, "# t\n"), "f", keys);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  for (const auto& k : keys) EXPECT_EQ(back->Get(k.key), v.Get(k.key)) << k.key;
}

// A registry with an array of tables, as [[tools]] or [[firewall.rules]] will use.
std::vector<KeySpec> TableArrayRegistry() {
  KeySpec name = node::StringKey("name", "", "", nullptr, "x", "The name.");
  name.required = true;
  return {node::UnsignedKey("top.n", 1, 0, 9, "A number."),
          node::TableArrayKey("firewall.rules",
                              {name, node::UnsignedKey("port", 80, 1, 65535, "A port."),
                               node::ChoiceKey("action", "deny", {"allow", "deny"}, "What to do.")},
                              "Rules, in order.")};
}

TEST(ConfigSpec, ArraysOfTables) {
  const auto keys = TableArrayRegistry();
  auto r = node::ParseToml(
      "[top]\nn = 2\n\n[[firewall.rules]]\nname = \"a\"\nport = 22\n\n[[firewall.rules]]\nname = \"b\"\naction = "
      "\"allow\"\n",
      "f.toml", keys);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& rows = r->Rows("firewall.rules");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 4);
  EXPECT_EQ(std::get<std::string>(*rows[0].Find("name")), "a");
  EXPECT_EQ(std::get<uint64_t>(*rows[0].Find("port")), 22u);
  EXPECT_EQ(std::get<std::string>(*rows[0].Find("action")), "deny");
  EXPECT_EQ(std::get<uint64_t>(*rows[1].Find("port")), 80u);
  EXPECT_EQ(std::get<std::string>(*rows[1].Find("action")), "allow");
  // Rendered and parsed again: the same values.
  auto again = node::ParseToml(node::RenderToml(keys, *r, ""), "g", keys);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->Rows("firewall.rules"), rows);
  // The default (no rows) renders as an empty array that parses.
  const std::string def = node::RenderToml(keys, node::Values::Defaults(keys), "");
  EXPECT_NE(def.find("rules = []"), std::string::npos) << def;
  ASSERT_TRUE(node::ParseToml(def, "d", keys).ok());
  // Errors name line and key inside the table.
  auto bad = node::ParseToml("[[firewall.rules]]\nname = \"a\"\nport = 0\n", "f", keys);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "f:3: firewall.rules[0].port: 0 is outside 1..65535");
  auto typo = node::ParseToml("[[firewall.rules]]\nname = \"a\"\nprot = 1\n", "f", keys);
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().message(),
            "f:3: unknown key 'firewall.rules[0].prot' (did you mean 'firewall.rules[0].port'?)");
  auto missing = node::ParseToml("[[firewall.rules]]\nport = 1\n", "f", keys);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "f:1: firewall.rules[0]: missing required key 'name'");
  auto not_tables = node::ParseToml("[firewall]\nrules = 5\n", "f", keys);
  ASSERT_FALSE(not_tables.ok());
  EXPECT_EQ(not_tables.status().message(), "f:2: firewall.rules: expected an array of tables, got an integer");
  EXPECT_NE(node::RenderMarkdown(keys).find("`firewall.rules[].port`"), std::string::npos);
}

TEST(ConfigLegacy, ParsesTheOldFlatFormat) {
  auto v = node::ParseLegacyConfig(
      "# old\nlog.sync = batch\np2p.listen = /ip4/127.0.0.1/tcp/1, /ip4/127.0.0.1/tcp/2\np2p.echo = true\n"
      "p2p.bootstrap =\n",
      "c", node::NodeConfigKeys());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->Text("log.sync"), "batch");
  EXPECT_EQ(v->List("p2p.listen"), (std::vector<std::string>{"/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2"}));
  EXPECT_TRUE(v->Bool("p2p.echo"));
  EXPECT_TRUE(v->List("p2p.bootstrap").empty());
  auto bad = node::ParseLegacyConfig("\nlog.checkpoint_interval = 12abc\n", "/h/config", node::NodeConfigKeys());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/h/config:2: log.checkpoint_interval"), std::string::npos);
  EXPECT_FALSE(node::ParseLegacyConfig("just words\n", "c", node::NodeConfigKeys()).ok());
}

TEST(ConfigLegacy, HomeIsConvertedOnFirstOpen) {
  testing::TempDir dir;
  node::HomeLayout home{dir.Sub("h")};
  std::filesystem::create_directories(home.home);
  const std::string old_text =
      "# written by an earlier build\nlog.sync = none\nlog.checkpoint_interval = 7\n"
      "p2p.listen = /ip4/127.0.0.1/tcp/7000 /ip6/::1/tcp/7000\np2p.max_peers = 9\np2p.low_watermark = 3\n";
  std::ofstream(home.legacy_config()) << old_text;
  auto h = node::LoadHomeConfig(home);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_TRUE(h->found);
  EXPECT_EQ(h->notice, "converted " + home.legacy_config() + " to " + home.config() + " (old file kept as config.old)");
  EXPECT_EQ(h->config.log_sync, store::SyncPolicy::kNone);
  EXPECT_EQ(h->config.log_checkpoint_interval, 7u);
  EXPECT_EQ(h->config.p2p_listen, (std::vector<std::string>{"/ip4/127.0.0.1/tcp/7000", "/ip6/::1/tcp/7000"}));
  EXPECT_EQ(h->config.p2p_max_peers, 9u);
  EXPECT_EQ(h->config.p2p_low_watermark, 3u);
  EXPECT_FALSE(std::filesystem::exists(home.legacy_config()));
  EXPECT_EQ(ReadAll(home.legacy_config_backup()), old_text);
  struct stat st {};
  ASSERT_EQ(::stat(home.config().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The next open reads config.toml, quietly, with the same values.
  auto again = node::LoadHomeConfig(home);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->notice, "");
  EXPECT_EQ(again->config.ToValues().Get("p2p.listen"), h->config.ToValues().Get("p2p.listen"));
  EXPECT_EQ(again->config.log_checkpoint_interval, 7u);
}

TEST(ConfigLegacy, BadOldFileIsRefusedAndNothingIsWritten) {
  for (const std::string line : {"p2p.max_peer = 5", "log.sync = sometimes", "p2p.max_peers = 10\np2p.low_watermark = 20"}) {
    testing::TempDir dir;
    node::HomeLayout home{dir.Sub("h")};
    std::filesystem::create_directories(home.home);
    std::ofstream(home.legacy_config()) << "# old\n" << line << "\n";
    auto h = node::LoadHomeConfig(home);
    ASSERT_FALSE(h.ok()) << line;
    const std::string& m = h.status().message();
    EXPECT_EQ(m.rfind(home.legacy_config() + ":", 0), 0u) << m;
    EXPECT_NE(m.find("fix that line of the old file"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_FALSE(std::filesystem::exists(home.config())) << line;
    EXPECT_FALSE(std::filesystem::exists(home.legacy_config_backup())) << line;
    EXPECT_TRUE(std::filesystem::exists(home.legacy_config())) << line;
  }
  testing::TempDir dir;
  node::HomeLayout home{dir.Sub("h")};
  std::filesystem::create_directories(home.home);
  std::ofstream(home.legacy_config()) << "p2p.max_peer = 5\n";
  auto h = node::LoadHomeConfig(home);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find(home.legacy_config() + ":1: unknown key 'p2p.max_peer' (did you mean "
                                                             "'p2p.max_peers'?)"),
            std::string::npos)
      << h.status().message();
}

TEST(Config, ReadmeHoldsTheGeneratedTable) {
  const std::string readme = ReadAll(std::string(SOV_SOURCE_DIR) + "/README.md");
  const std::string begin = "<!-- config-table:begin -->\n", end = "<!-- config-table:end -->";
  const auto b = readme.find(begin), e = readme.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  ASSERT_LT(b, e);
  EXPECT_EQ(readme.substr(b + begin.size(), e - b - begin.size()), node::RenderMarkdown(node::NodeConfigKeys()))
      << "README.md's config table is stale: replace it with the output of `sov config keys --markdown`";
}

}  // namespace
}  // namespace sov
