#include "node/config_spec.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "store/base/text.h"

namespace sov::node {

namespace {

// Longest excerpt of file text an error message quotes.
constexpr size_t kQuoteBytes = 48;

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : std::string(sep)) + i;
  return out;
}

std::string TableOf(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? "" : key.substr(0, dot);
}

std::string LeafOf(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

// "<type>, <range>; default <literal>" (or "required"), the second comment line of a key.
std::string Summary(const KeySpec& spec) {
  std::string out = TypeName(spec.type);
  if (const std::string range = RangeText(spec); !range.empty()) out += ": " + range;
  if (spec.required) return out + "; required";
  if (spec.type == ValueType::kTableArray) return out;
  return out + "; default " + TomlLiteral(spec.default_value);
}

void RenderComment(const KeySpec& spec, const std::string& name, std::string* out) {
  *out += "# " + name + ": " + spec.doc + "\n# (" + Summary(spec) + ")\n";
  if (spec.type != ValueType::kTableArray) return;
  *out += "# Each [[" + name + "]] table has:\n";
  for (const auto& f : spec.fields) *out += "#   " + f.key + ": " + f.doc + " (" + Summary(f) + ")\n";
}

bool HasRows(const Value& v) {
  const auto* rows = std::get_if<std::vector<Row>>(&v);
  return rows != nullptr && !rows->empty();
}

// The tables of an array of tables named `path`, each as a [[path]] header and its keys; nested
// arrays of tables follow their table's keys.
void RenderRows(const std::string& path, const std::vector<KeySpec>& fields, const std::vector<Row>& rows,
                std::string* out) {
  for (const auto& row : rows) {
    *out += "[[" + path + "]]\n";
    for (const auto& f : fields) {
      const Value* v = row.Find(f.key);
      if (v != nullptr && !HasRows(*v)) *out += f.key + " = " + TomlLiteral(*v) + "\n";
    }
    for (const auto& f : fields) {
      const Value* v = row.Find(f.key);
      if (v != nullptr && HasRows(*v)) RenderRows(path + "." + f.key, f.fields, std::get<std::vector<Row>>(*v), out);
    }
  }
}

std::string MarkdownCell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

void MarkdownRow(const KeySpec& spec, const std::string& name, std::string* out) {
  std::string def = spec.required ? "required"
                    : spec.type == ValueType::kTableArray ? "none"
                                                          : "`" + TomlLiteral(spec.default_value) + "`";
  *out += "| `" + name + "` | " + TypeName(spec.type) + " | " + MarkdownCell(def) + " | " +
          (RangeText(spec).empty() ? "" : "`" + MarkdownCell(RangeText(spec)) + "`") + " | " + MarkdownCell(spec.doc) + " |\n";
  for (const auto& f : spec.fields) MarkdownRow(f, name + "[]." + f.key, out);
}

}  // namespace

namespace {

KeySpec BaseKey(std::string key, ValueType type, Value default_value, std::string doc) {
  KeySpec k;
  k.key = std::move(key);
  k.type = type;
  k.default_value = std::move(default_value);
  k.doc = std::move(doc);
  return k;
}

KeySpec ItemsKey(KeySpec k, std::string constraint, Status (*check_item)(std::string_view), Value example) {
  k.constraint = std::move(constraint);
  k.check_item = check_item;
  k.example = std::move(example);
  return k;
}

}  // namespace

KeySpec UnsignedKey(std::string key, uint64_t default_value, uint64_t min, uint64_t max, std::string doc) {
  KeySpec k = BaseKey(std::move(key), ValueType::kUnsigned, default_value, std::move(doc));
  k.min = min;
  k.max = max;
  return k;
}

KeySpec BoolKey(std::string key, bool default_value, std::string doc) {
  return BaseKey(std::move(key), ValueType::kBool, default_value, std::move(doc));
}

KeySpec ChoiceKey(std::string key, std::string default_value, std::vector<std::string> choices, std::string doc) {
  KeySpec k = BaseKey(std::move(key), ValueType::kChoice, std::move(default_value), std::move(doc));
  k.choices = std::move(choices);
  return k;
}

KeySpec StringKey(std::string key, std::string default_value, std::string constraint,
                  Status (*check_item)(std::string_view), std::string example, std::string doc) {
  return ItemsKey(BaseKey(std::move(key), ValueType::kString, std::move(default_value), std::move(doc)),
                  std::move(constraint), check_item, std::move(example));
}

KeySpec StringListKey(std::string key, std::vector<std::string> default_value, std::string constraint,
                      Status (*check_item)(std::string_view), std::vector<std::string> example, std::string doc) {
  return ItemsKey(BaseKey(std::move(key), ValueType::kStringList, std::move(default_value), std::move(doc)),
                  std::move(constraint), check_item, std::move(example));
}

KeySpec TableArrayKey(std::string key, std::vector<KeySpec> fields, std::string doc) {
  KeySpec k = BaseKey(std::move(key), ValueType::kTableArray, std::vector<Row>{}, std::move(doc));
  k.fields = std::move(fields);
  return k;
}

const Value* Row::Find(std::string_view field) const {
  for (const auto& [name, value] : values) {
    if (name == field) return &value;
  }
  return nullptr;
}

Values Values::Defaults(std::span<const KeySpec> keys) {
  Values v;
  for (const auto& k : keys) v.entries_.push_back({k.key, k.default_value, 0});
  return v;
}

Values::Entry* Values::Find(std::string_view key) {
  for (auto& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const Values::Entry* Values::Find(std::string_view key) const { return const_cast<Values*>(this)->Find(key); }

Values::Entry& Values::Require(std::string_view key) const {
  Entry* e = const_cast<Values*>(this)->Find(key);
  if (e == nullptr) {
    std::fprintf(stderr, "sov: config key '%.*s' is not in the registry\n", static_cast<int>(key.size()), key.data());
    std::abort();
  }
  return *e;
}

const Value& Values::Get(std::string_view key) const { return Require(key).value; }

int Values::Line(std::string_view key) const {
  const Entry* e = Find(key);
  return e == nullptr ? 0 : e->line;
}

void Values::Set(std::string_view key, Value value, int line) {
  Entry& e = Require(key);
  e.value = std::move(value);
  e.line = line;
}

Status CheckValue(const KeySpec& spec, const Value& value, const std::string& where) {
  switch (spec.type) {
    case ValueType::kUnsigned: {
      const auto* v = std::get_if<uint64_t>(&value);
      if (v == nullptr) return Status::InvalidArgument(where + ": expected an integer");
      if (*v < spec.min || *v > spec.max) {
        return Status::InvalidArgument(where + ": " + std::to_string(*v) + " is outside " + RangeText(spec));
      }
      return Status::OK();
    }
    case ValueType::kBool:
      if (!std::holds_alternative<bool>(value)) return Status::InvalidArgument(where + ": expected true or false");
      return Status::OK();
    case ValueType::kString:
    case ValueType::kChoice: {
      const auto* v = std::get_if<std::string>(&value);
      if (v == nullptr) return Status::InvalidArgument(where + ": expected a string");
      if (spec.type == ValueType::kChoice &&
          std::find(spec.choices.begin(), spec.choices.end(), *v) == spec.choices.end()) {
        return Status::InvalidArgument(where + ": " + Quote(*v) + " is not one of " + Join(spec.choices, ", "));
      }
      if (spec.check_item != nullptr) return spec.check_item(*v).WithContext(where);
      return Status::OK();
    }
    case ValueType::kStringList: {
      const auto* v = std::get_if<std::vector<std::string>>(&value);
      if (v == nullptr) return Status::InvalidArgument(where + ": expected an array of strings");
      for (size_t i = 0; i < v->size() && spec.check_item != nullptr; ++i) {
        if (Status s = spec.check_item((*v)[i]); !s.ok()) return s.WithContext(where + "[" + std::to_string(i) + "]");
      }
      return Status::OK();
    }
    case ValueType::kTableArray: {
      const auto* rows = std::get_if<std::vector<Row>>(&value);
      if (rows == nullptr) return Status::InvalidArgument(where + ": expected an array of tables");
      for (size_t i = 0; i < rows->size(); ++i) {
        for (const auto& f : spec.fields) {
          const Value* v = (*rows)[i].Find(f.key);
          const std::string at = where + "[" + std::to_string(i) + "]." + f.key;
          if (v == nullptr) return Status::InvalidArgument(at + ": missing");
          if (Status s = CheckValue(f, *v, at); !s.ok()) return s;
        }
      }
      return Status::OK();
    }
  }
  return Status::InvalidArgument(where + ": unknown value type");
}

Status CheckAtMost(std::span<const KeySpec> keys, const Values& values, const std::string& origin) {
  for (const auto& k : keys) {
    if (k.at_most.empty()) continue;
    const uint64_t v = values.Unsigned(k.key), limit = values.Unsigned(k.at_most);
    if (v <= limit) continue;
    const int line = values.Line(k.key) != 0 ? values.Line(k.key) : values.Line(k.at_most);
    return Status::InvalidArgument(origin + ":" + std::to_string(line) + ": " + k.key + ": " + std::to_string(v) +
                                   " is above " + k.at_most + " (" + std::to_string(limit) + ")");
  }
  return Status::OK();
}

const KeySpec* FindKey(std::span<const KeySpec> keys, std::string_view key) {
  for (const auto& k : keys) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

std::string NearestKey(std::string_view key, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 0;
  for (const auto& c : candidates) {
    const size_t d = EditDistance(key, c);
    if (best.empty() || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A likely typo: a couple of edits, or a quarter of a long key.
  return best_distance <= std::max<size_t>(2, key.size() / 4) ? best : "";
}

std::string Printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Quote(std::string_view text) {
  const std::string_view head = Utf8Prefix(text, kQuoteBytes);
  return "'" + Printable(head) + (head.size() < text.size() ? "...'" : "'");
}

std::string TomlLiteral(const Value& value) {
  if (const auto* u = std::get_if<uint64_t>(&value)) return std::to_string(*u);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&value)) return TomlString(*s);
  if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
    std::vector<std::string> items;
    for (const auto& i : *list) items.push_back(TomlString(i));
    return "[" + Join(items, ", ") + "]";
  }
  return std::get<std::vector<Row>>(value).empty() ? "[]" : "[...]";
}

std::string TypeName(ValueType type) {
  switch (type) {
    case ValueType::kUnsigned: return "integer";
    case ValueType::kBool: return "boolean";
    case ValueType::kString:
    case ValueType::kChoice: return "string";
    case ValueType::kStringList: return "array of strings";
    case ValueType::kTableArray: return "array of tables";
  }
  return "?";
}

std::string RangeText(const KeySpec& spec) {
  switch (spec.type) {
    case ValueType::kUnsigned: {
      std::string out = std::to_string(spec.min) + ".." + std::to_string(spec.max);
      return spec.at_most.empty() ? out : out + ", at most " + spec.at_most;
    }
    case ValueType::kChoice: return Join(spec.choices, ", ");
    case ValueType::kString:
    case ValueType::kStringList: return spec.constraint;
    case ValueType::kBool:
    case ValueType::kTableArray: return "";
  }
  return "";
}

std::string RenderToml(std::span<const KeySpec> keys, const Values& values, std::string_view header) {
  std::string out(header);
  std::vector<std::string> tables;  // in order of first appearance, the top level first
  for (const auto& k : keys) {
    const std::string t = TableOf(k.key);
    if (std::find(tables.begin(), tables.end(), t) == tables.end()) tables.push_back(t);
  }
  std::stable_partition(tables.begin(), tables.end(), [](const std::string& t) { return t.empty(); });
  for (const auto& table : tables) {
    std::string body;
    for (const auto& k : keys) {
      if (TableOf(k.key) != table || HasRows(values.Get(k.key))) continue;
      body += "\n";
      RenderComment(k, k.key, &body);
      body += LeafOf(k.key) + " = " + TomlLiteral(values.Get(k.key)) + "\n";
    }
    if (body.empty()) continue;
    if (!table.empty()) out += "\n[" + table + "]\n";
    out += body;
  }
  for (const auto& k : keys) {
    if (!HasRows(values.Get(k.key))) continue;
    out += "\n";
    RenderComment(k, k.key, &out);
    RenderRows(k.key, k.fields, values.Rows(k.key), &out);
  }
  return out;
}

std::string RenderMarkdown(std::span<const KeySpec> keys) {
  std::string out = "| key | type | default | range or choices | meaning |\n|---|---|---|---|---|\n";
  for (const auto& k : keys) MarkdownRow(k, k.key, &out);
  return out;
}

}  // namespace sov::node
