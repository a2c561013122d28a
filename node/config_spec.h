// The mechanism behind the config registry: a key's spec {key, type, default, range or choices,
// one-line doc}, the validated values of a file, and what is made from a list of specs — the TOML
// parser and checks (errors name file, line and key), the commented default file, and the Markdown
// table. Generic: the node's own keys are listed in node/config_registry.cc.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "store/base/status.h"

namespace sov::node {

enum class ValueType {
  kUnsigned,    // a TOML integer within [min, max]
  kBool,        // true or false
  kString,      // any string accepted by check_item (when set)
  kChoice,      // a string, one of choices
  kStringList,  // an array of strings, each accepted by check_item (when set)
  kTableArray,  // an array of tables ([[key]]), each table's keys described by fields
};

struct Row;
// A value of any ValueType: uint64_t, bool, std::string (kString, kChoice), a list of strings, or
// the tables of an array of tables.
using Value = std::variant<uint64_t, bool, std::string, std::vector<std::string>, std::vector<Row>>;

// One table of an array of tables: every key of its spec's fields (defaults filled in), in the
// order of the fields, and the line of its header.
struct Row {
  int line = 0;
  std::vector<std::pair<std::string, Value>> values;
  // The value of `field`; nullptr when the spec has no such field.
  const Value* Find(std::string_view field) const;
  // Same values (the line is where a table was, not what it says).
  bool operator==(const Row& other) const { return values == other.values; }
};

// One key of a registry. Fields not meaningful for the key's type stay empty.
struct KeySpec {
  // Dotted path ("p2p.max_peers"): the TOML table is everything before the last dot. Inside
  // `fields` of an array of tables: a bare name.
  std::string key;
  ValueType type = ValueType::kUnsigned;
  // Used when the file does not set the key. kTableArray: an empty std::vector<Row>.
  Value default_value;
  // kUnsigned: the inclusive range.
  uint64_t min = 0;
  uint64_t max = 0;
  // kChoice: the accepted strings.
  std::vector<std::string> choices;
  // kString, kStringList: what check_item accepts, in words (for the docs and the README table).
  std::string constraint;
  // kString, kStringList: validates one string; nullptr accepts any.
  Status (*check_item)(std::string_view item) = nullptr;
  // kUnsigned: the key (of the same registry, top level) whose value this one may not exceed.
  std::string at_most;
  // Fields of an array of tables only: a table without this key is refused.
  bool required = false;
  // kTableArray: the keys of each table.
  std::vector<KeySpec> fields;
  // kString, kStringList: a valid value other than the default, for the registry-driven tests.
  Value example;
  // What the key means, one line (the default file's comment and the README table's last column).
  std::string doc;
};

// Specs of each type (the fields not named keep their empty defaults; set at_most or required on
// the result).
KeySpec UnsignedKey(std::string key, uint64_t default_value, uint64_t min, uint64_t max, std::string doc);
KeySpec BoolKey(std::string key, bool default_value, std::string doc);
KeySpec ChoiceKey(std::string key, std::string default_value, std::vector<std::string> choices, std::string doc);
KeySpec StringKey(std::string key, std::string default_value, std::string constraint,
                  Status (*check_item)(std::string_view), std::string example, std::string doc);
KeySpec StringListKey(std::string key, std::vector<std::string> default_value, std::string constraint,
                      Status (*check_item)(std::string_view), std::vector<std::string> example, std::string doc);
// An array of tables ([[key]]), empty by default, each table holding `fields`.
KeySpec TableArrayKey(std::string key, std::vector<KeySpec> fields, std::string doc);

// The validated configuration of one file: every key of the registry with its value and the line
// that set it (0 when it is the default).
class Values {
 public:
  // Every key of `keys` at its default.
  static Values Defaults(std::span<const KeySpec> keys);

  // The key must be one of the registry's (a missing one is a programming error and aborts).
  const Value& Get(std::string_view key) const;
  int Line(std::string_view key) const;
  void Set(std::string_view key, Value value, int line);

  uint64_t Unsigned(std::string_view key) const { return std::get<uint64_t>(Get(key)); }
  bool Bool(std::string_view key) const { return std::get<bool>(Get(key)); }
  const std::string& Text(std::string_view key) const { return std::get<std::string>(Get(key)); }
  const std::vector<std::string>& List(std::string_view key) const {
    return std::get<std::vector<std::string>>(Get(key));
  }
  const std::vector<Row>& Rows(std::string_view key) const { return std::get<std::vector<Row>>(Get(key)); }

 private:
  struct Entry {
    std::string key;
    Value value;
    int line = 0;
  };
  Entry* Find(std::string_view key);
  const Entry* Find(std::string_view key) const;
  // The entry of `key`; aborts when the registry has no such key (a programming error).
  Entry& Require(std::string_view key) const;
  std::vector<Entry> entries_;
};

// Parses TOML text against `keys`: every key set is checked (type, range, choices, items,
// at_most); an unknown key is refused with the nearest known one; a syntax error gives the
// parser's description. Errors read "<origin>:<line>: <key>: <what>"; text quoted from the file is
// short and escaped. The first error in file order is returned.
Result<Values> ParseToml(std::string_view text, const std::string& origin, std::span<const KeySpec> keys);

// Checks one value against its spec, as ParseToml does. `where` starts the message
// ("file:3: p2p.max_peers"). Tables of an array of tables are checked field by field.
Status CheckValue(const KeySpec& spec, const Value& value, const std::string& where);
// Checks every at_most rule of `keys` over `values` (the message names the later of the two lines).
Status CheckAtMost(std::span<const KeySpec> keys, const Values& values, const std::string& origin);

// The key of `keys` named `key` (dotted), or nullptr.
const KeySpec* FindKey(std::span<const KeySpec> keys, std::string_view key);
// The candidate nearest to `key` by edit distance, when it is near enough to be a likely typo;
// empty otherwise.
std::string NearestKey(std::string_view key, const std::vector<std::string>& candidates);
// `text` with every byte that is not printable ASCII escaped (\n, \t, \xNN).
std::string Printable(std::string_view text);
// `text` for an error message: at most a short prefix, in single quotes, with every byte that is
// not printable ASCII escaped (Printable), so a garbage file is never echoed raw to a terminal.
std::string Quote(std::string_view text);

// The TOML literal of a value: 100, true, "always", ["/ip4/0.0.0.0/tcp/9000"], [].
std::string TomlLiteral(const Value& value);
// "integer", "boolean", "string", "array of strings", "array of tables".
std::string TypeName(ValueType type);
// The range or choices of a spec, in words ("1..60000", "always, batch, none", "at most p2p.max_peers").
std::string RangeText(const KeySpec& spec);

// A TOML file setting every key of `keys` to its value in `values`, grouped by table, each key
// preceded by its doc (with its type and range) as a comment; `header` (comment lines) first.
// Parsing it with ParseToml gives `values` back.
std::string RenderToml(std::span<const KeySpec> keys, const Values& values, std::string_view header);
// The README table: | key | type | default | range or choices | meaning |, one row per key (and per
// field of an array of tables, as key[].field).
std::string RenderMarkdown(std::span<const KeySpec> keys);

}  // namespace sov::node
