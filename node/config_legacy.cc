#include "node/config_legacy.h"

#include <charconv>
#include <vector>

namespace sov::node {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitList(std::string_view value) {
  std::vector<std::string> out;
  size_t i = 0;
  auto separator = [](char c) { return c == ' ' || c == ',' || c == '\t'; };
  while (i < value.size()) {
    while (i < value.size() && separator(value[i])) ++i;
    size_t j = i;
    while (j < value.size() && !separator(value[j])) ++j;
    if (j > i) out.emplace_back(value.substr(i, j - i));
    i = j;
  }
  return out;
}

// The old text of one value as the spec's type; the error says what was expected.
Result<Value> Convert(const KeySpec& spec, std::string_view value, const std::string& where) {
  switch (spec.type) {
    case ValueType::kUnsigned: {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size()) {
        return Status::InvalidArgument(where + ": " + Quote(value) + " is not a whole number");
      }
      return Value(v);
    }
    case ValueType::kBool:
      if (value != "true" && value != "false") return Status::InvalidArgument(where + ": expected true or false");
      return Value(value == "true");
    case ValueType::kString:
    case ValueType::kChoice: return Value(std::string(value));
    case ValueType::kStringList: return Value(SplitList(value));
    case ValueType::kTableArray: break;
  }
  return Status::InvalidArgument(where + ": an array of tables cannot be written in the old format");
}

}  // namespace

Result<Values> ParseLegacyConfig(std::string_view text, const std::string& origin, std::span<const KeySpec> keys) {
  Values values = Values::Defaults(keys);
  std::vector<std::string> names;
  for (const auto& k : keys) names.push_back(k.key);
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const std::string at = origin + ":" + std::to_string(line_no);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(at + ": expected `key = value`, got " + Quote(line));
    }
    const std::string key(Trim(line.substr(0, eq)));
    const KeySpec* spec = FindKey(keys, key);
    if (spec == nullptr) {
      const std::string near = NearestKey(key, names);
      return Status::InvalidArgument(at + ": unknown key " + Quote(key) +
                                     (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
    const std::string where = at + ": " + key;
    auto value = Convert(*spec, Trim(line.substr(eq + 1)), where);
    if (!value.ok()) return value.status();
    if (Status s = CheckValue(*spec, *value, where); !s.ok()) return s;
    values.Set(key, std::move(*value), line_no);
  }
  if (Status s = CheckAtMost(keys, values, origin); !s.ok()) return s;
  return values;
}

}  // namespace sov::node
