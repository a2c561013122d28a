// Typed fields of control-socket JSON messages: how a field is declared (name, type, required) and
// checked accessors that turn a missing or mistyped field into a Status naming the field, never a
// JSON-library exception. Used by the server to validate requests and by the CLI to read responses.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/base/status.h"

namespace sov::node::control {

enum class FieldType { kString, kInt, kBool, kArray, kObject };

struct Field {
  std::string_view name;
  FieldType type = FieldType::kString;
  bool required = true;  // false: the field may be absent, but when present it has `type`
};

std::string_view TypeName(FieldType type);

// OK when every required field is present and every present declared field has its type. The error
// names the first offending field: `<what>: missing field "addr"` / `<what>: field "addr" must be a string`.
Status CheckFields(const nlohmann::json& object, std::span<const Field> fields, std::string_view what);

// Checked accessors: InvalidArgument naming the field when `object` is not an object, the field is
// missing, or it has another type.
Result<std::string> GetString(const nlohmann::json& object, std::string_view field);
Result<int64_t> GetInt(const nlohmann::json& object, std::string_view field);
Result<uint64_t> GetUint(const nlohmann::json& object, std::string_view field);
Result<bool> GetBool(const nlohmann::json& object, std::string_view field);
Result<nlohmann::json> GetArray(const nlohmann::json& object, std::string_view field);
Result<nlohmann::json> GetObject(const nlohmann::json& object, std::string_view field);
// An array whose every element is a string.
Result<std::vector<std::string>> GetStrings(const nlohmann::json& object, std::string_view field);

}  // namespace sov::node::control
