// ParseToml (node/config_spec.h): toml++ reads the text, then every key it holds is matched against
// the registry and converted to a Value. The only file that includes toml++ (built header-only with
// TOML_EXCEPTIONS=0: parse errors are values, see node/CMakeLists.txt).
#include <toml++/toml.h>

#include <algorithm>
#include <optional>

#include "node/config_spec.h"
#include "store/base/text.h"

namespace sov::node {

namespace {

// Longest part of toml++'s error description an error message keeps.
constexpr size_t kDescriptionBytes = 160;

const char* NodeTypeName(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

const char* Expected(ValueType t) {
  switch (t) {
    case ValueType::kUnsigned: return "an integer";
    case ValueType::kBool: return "true or false";
    case ValueType::kString:
    case ValueType::kChoice: return "a string";
    case ValueType::kStringList: return "an array of strings";
    case ValueType::kTableArray: return "an array of tables";
  }
  return "?";
}

int LineOf(const toml::key& k, const toml::node& v) {
  const auto line = k.source().begin.line != 0 ? k.source().begin.line : v.source().begin.line;
  return static_cast<int>(line);
}

// Walks the parsed document, converting each key it knows and recording a problem (with its line)
// for each it cannot; the first problem in file order is the error.
class Walker {
 public:
  Walker(const std::string& origin, std::span<const KeySpec> keys)
      : origin_(origin), keys_(keys), values_(Values::Defaults(keys)) {}

  void WalkTable(const toml::table& table, const std::string& prefix) {
    for (auto&& [k, v] : table) {
      const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      const int line = LineOf(k, v);
      if (const KeySpec* spec = FindKey(keys_, name)) {
        std::optional<Value> value = Convert(*spec, v, name, line);
        if (value) values_.Set(name, std::move(*value), line);
      } else if (IsTablePrefix(name)) {
        if (const toml::table* sub = v.as_table()) {
          WalkTable(*sub, name);
        } else {
          Problem(line, name + ": expected a table (of the " + name + ".* keys), got " + NodeTypeName(v.type()));
        }
      } else {
        Unknown(line, name, AllKeys());
      }
    }
  }

  Result<Values> Finish() {
    if (!problems_.empty()) {
      auto first = std::min_element(problems_.begin(), problems_.end(),
                                    [](const auto& a, const auto& b) { return a.first < b.first; });
      return Status::InvalidArgument(origin_ + ":" + std::to_string(first->first) + ": " + first->second);
    }
    if (Status s = CheckAtMost(keys_, values_, origin_); !s.ok()) return s;
    return std::move(values_);
  }

 private:
  // The value of `node` for `spec`, or nullopt after recording why not. `name` is the key as
  // messages show it ("p2p.max_peers", "tools[1].name").
  std::optional<Value> Convert(const KeySpec& spec, const toml::node& node, const std::string& name, int line) {
    std::optional<Value> out;
    switch (spec.type) {
      case ValueType::kUnsigned:
        if (const auto* i = node.as_integer()) {
          if (i->get() < 0) {
            Problem(line, name + ": " + std::to_string(i->get()) + " is outside " + RangeText(spec));
            return std::nullopt;
          }
          out = static_cast<uint64_t>(i->get());
        }
        break;
      case ValueType::kBool:
        if (const auto* b = node.as_boolean()) out = b->get();
        break;
      case ValueType::kString:
      case ValueType::kChoice:
        if (const auto* s = node.as_string()) out = s->get();
        break;
      case ValueType::kStringList:
        if (const auto* a = node.as_array()) {
          std::vector<std::string> items;
          for (size_t i = 0; i < a->size(); ++i) {
            const auto* s = (*a)[i].as_string();
            if (s == nullptr) {
              Problem(static_cast<int>((*a)[i].source().begin.line),
                      name + "[" + std::to_string(i) + "]: expected a string, got " + NodeTypeName((*a)[i].type()));
              return std::nullopt;
            }
            items.push_back(s->get());
          }
          out = std::move(items);
        }
        break;
      case ValueType::kTableArray:
        if (const auto* a = node.as_array()) return ConvertRows(spec, *a, name, line);
        break;
    }
    if (!out) {
      Problem(line, name + ": expected " + Expected(spec.type) + ", got " + NodeTypeName(node.type()));
      return std::nullopt;
    }
    if (Status s = CheckValue(spec, *out, name); !s.ok()) {
      Problem(line, s.message());
      return std::nullopt;
    }
    return out;
  }

  std::optional<Value> ConvertRows(const KeySpec& spec, const toml::array& array, const std::string& name, int line) {
    std::vector<Row> rows;
    bool ok = true;
    for (size_t i = 0; i < array.size(); ++i) {
      const std::string at = name + "[" + std::to_string(i) + "]";
      const toml::table* table = array[i].as_table();
      if (table == nullptr) {
        Problem(line, at + ": expected a table, got " + NodeTypeName(array[i].type()));
        return std::nullopt;
      }
      Row row;
      row.line = static_cast<int>(table->source().begin.line);
      if (row.line == 0) row.line = line;
      for (const auto& f : spec.fields) row.values.emplace_back(f.key, f.default_value);
      std::vector<std::string> set;
      for (auto&& [k, v] : *table) {
        const std::string field(k.str());
        const KeySpec* fspec = FindKey(spec.fields, field);
        if (fspec == nullptr) {
          std::vector<std::string> names;
          for (const auto& f : spec.fields) names.push_back(at + "." + f.key);
          Unknown(LineOf(k, v), at + "." + field, names);
          ok = false;
          continue;
        }
        std::optional<Value> value = Convert(*fspec, v, at + "." + field, LineOf(k, v));
        if (!value) {
          ok = false;
          continue;
        }
        for (auto& [n, slot] : row.values) {
          if (n == field) slot = std::move(*value);
        }
        set.push_back(field);
      }
      for (const auto& f : spec.fields) {
        if (f.required && std::find(set.begin(), set.end(), f.key) == set.end()) {
          Problem(row.line, at + ": missing required key '" + f.key + "'");
          ok = false;
        }
      }
      rows.push_back(std::move(row));
    }
    if (!ok) return std::nullopt;
    return Value(std::move(rows));
  }

  bool IsTablePrefix(const std::string& name) const {
    return std::any_of(keys_.begin(), keys_.end(),
                       [&](const KeySpec& k) { return k.key.size() > name.size() && k.key.rfind(name + ".", 0) == 0; });
  }

  std::vector<std::string> AllKeys() const {
    std::vector<std::string> names;
    for (const auto& k : keys_) names.push_back(k.key);
    return names;
  }

  void Unknown(int line, const std::string& name, const std::vector<std::string>& candidates) {
    const std::string near = NearestKey(name, candidates);
    Problem(line, "unknown key " + Quote(name) + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }

  void Problem(int line, std::string message) { problems_.emplace_back(line, std::move(message)); }

  const std::string& origin_;
  std::span<const KeySpec> keys_;
  Values values_;
  std::vector<std::pair<int, std::string>> problems_;
};

}  // namespace

namespace {

// toml++ 3.3.0 (Debian's) reaches __builtin_unreachable, which is undefined behaviour, when its
// whitespace test meets some non-ASCII characters (U+00A1..U+0499 among them) where it looks for
// the end of a key or a value, including inside what follows a bad value; tests/fuzz/config_fuzz
// found both. Until a fixed toml++ is what Debian ships, the config file must be ASCII: any other
// byte is refused with its line and column before toml++ sees the text. (Strings can still hold any
// character as a \uXXXX escape; no key of the registry needs one.)
Status CheckAscii(std::string_view text, const std::string& origin) {
  size_t line = 1, column = 1;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return Status::InvalidArgument(origin + ":" + std::to_string(line) + ":" + std::to_string(column) +
                                     ": a non-ASCII byte; the config file must be ASCII (write other characters "
                                     "in strings as \\uXXXX escapes)");
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return Status::OK();
}

}  // namespace

Result<Values> ParseToml(std::string_view text, const std::string& origin, std::span<const KeySpec> keys) {
  SOV_RETURN_IF_ERROR(CheckAscii(text, origin));
  toml::parse_result parsed = toml::parse(text, std::string_view(origin));
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    // The description may quote the offending bytes: escaped and cut, never echoed raw.
    const std::string description = Printable(Clip(e.description(), kDescriptionBytes));
    return Status::InvalidArgument(origin + ":" + std::to_string(e.source().begin.line) + ":" +
                                   std::to_string(e.source().begin.column) + ": TOML syntax error: " + description);
  }
  Walker walker(origin, keys);
  walker.WalkTable(parsed.table(), "");
  return walker.Finish();
}

}  // namespace sov::node
