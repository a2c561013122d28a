#include "node/gateway/control/fields.h"

namespace sov::node::control {

namespace {

bool HasType(const nlohmann::json& v, FieldType type) {
  switch (type) {
    case FieldType::kString: return v.is_string();
    case FieldType::kInt: return v.is_number_integer();
    case FieldType::kBool: return v.is_boolean();
    case FieldType::kArray: return v.is_array();
    case FieldType::kObject: return v.is_object();
  }
  return false;
}

std::string Quoted(std::string_view field) { return "\"" + std::string(field) + "\""; }

// The field's value when present with `type`, else an error naming it.
Result<const nlohmann::json*> Lookup(const nlohmann::json& object, std::string_view field, FieldType type) {
  if (!object.is_object()) return Status::InvalidArgument("expected a JSON object holding " + Quoted(field));
  auto it = object.find(field);
  if (it == object.end()) return Status::InvalidArgument("missing field " + Quoted(field));
  if (!HasType(*it, type)) {
    return Status::InvalidArgument("field " + Quoted(field) + " must be " + std::string(TypeName(type)));
  }
  return &*it;
}

}  // namespace

std::string_view TypeName(FieldType type) {
  switch (type) {
    case FieldType::kString: return "a string";
    case FieldType::kInt: return "an integer";
    case FieldType::kBool: return "a boolean";
    case FieldType::kArray: return "an array";
    case FieldType::kObject: return "an object";
  }
  return "?";
}

Status CheckFields(const nlohmann::json& object, std::span<const Field> fields, std::string_view what) {
  for (const Field& f : fields) {
    if (!f.required && object.is_object() && !object.contains(f.name)) continue;
    auto v = Lookup(object, f.name, f.type);
    if (!v.ok()) return v.status().WithContext(std::string(what));
  }
  return Status::OK();
}

Result<std::string> GetString(const nlohmann::json& object, std::string_view field) {
  auto v = Lookup(object, field, FieldType::kString);
  if (!v.ok()) return v.status();
  return (*v)->get<std::string>();
}

Result<int64_t> GetInt(const nlohmann::json& object, std::string_view field) {
  auto v = Lookup(object, field, FieldType::kInt);
  if (!v.ok()) return v.status();
  if ((*v)->is_number_unsigned() && (*v)->get<uint64_t>() > uint64_t(INT64_MAX)) {
    return Status::InvalidArgument("field " + Quoted(field) + " is out of range");
  }
  return (*v)->get<int64_t>();
}

Result<uint64_t> GetUint(const nlohmann::json& object, std::string_view field) {
  auto v = Lookup(object, field, FieldType::kInt);
  if (!v.ok()) return v.status();
  if (!(*v)->is_number_unsigned() && (*v)->get<int64_t>() < 0) {
    return Status::InvalidArgument("field " + Quoted(field) + " must not be negative");
  }
  return (*v)->get<uint64_t>();
}

Result<bool> GetBool(const nlohmann::json& object, std::string_view field) {
  auto v = Lookup(object, field, FieldType::kBool);
  if (!v.ok()) return v.status();
  return (*v)->get<bool>();
}

Result<nlohmann::json> GetArray(const nlohmann::json& object, std::string_view field) {
  auto v = Lookup(object, field, FieldType::kArray);
  if (!v.ok()) return v.status();
  return **v;
}

Result<nlohmann::json> GetObject(const nlohmann::json& object, std::string_view field) {
  auto v = Lookup(object, field, FieldType::kObject);
  if (!v.ok()) return v.status();
  return **v;
}

Result<std::vector<std::string>> GetStrings(const nlohmann::json& object, std::string_view field) {
  auto v = Lookup(object, field, FieldType::kArray);
  if (!v.ok()) return v.status();
  std::vector<std::string> out;
  for (const auto& s : **v) {
    if (!s.is_string()) return Status::InvalidArgument("field " + Quoted(field) + " must hold only strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

}  // namespace sov::node::control
