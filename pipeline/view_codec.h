// Encoding, verified decoding and reading of FlatBuffers view records, shared by every view.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/db.h"
#include "store/base/status.h"

namespace sov::pipeline {

inline std::string FinishedBytes(const flatbuffers::FlatBufferBuilder& fbb) {
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

// Verifies `bytes` as a T root; Corruption naming `what` (e.g. "reputation record for did:key:…").
template <class T>
Result<const T*> DecodeView(std::string_view bytes, const std::string& what) {
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!verifier.VerifyBuffer<T>(nullptr)) return Status::Corruption(what + " fails FlatBuffers verification");
  return flatbuffers::GetRoot<T>(bytes.data());
}

inline std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

// A FlatBuffers enum name as lowercase snake_case: "RepeatedFailures" -> "repeated_failures";
// "" or null (a value unknown to this build) -> "unknown".
std::string SnakeCase(const char* camel);

// The stored bytes under `key` in the column family of view `view`; nullopt when absent.
Result<std::optional<std::string>> GetViewValue(const store::Db& db, std::string_view view, std::string_view key);

// Calls fn(key, value) for every record of view `view` whose key starts with `prefix` ("" = all), in
// key order, skipping the checkpoint key. Stops at (and returns) the first error of fn or the iterator.
Status ScanView(const store::Db& db, std::string_view view, std::string_view prefix,
                const std::function<Status(std::string_view key, std::string_view value)>& fn);

// GetViewValue decoded with decode(bytes, key) -> Result<T>.
template <class T, class Decode>
Result<std::optional<T>> GetViewRecord(const store::Db& db, std::string_view view, std::string_view key,
                                       Decode&& decode) {
  auto v = GetViewValue(db, view, key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<T>();
  auto record = decode(std::string_view(**v), std::string(key));
  if (!record.ok()) return record.status();
  return std::optional<T>(std::move(*record));
}

// Every record ScanView visits, decoded with decode(bytes, key) -> Result<T>, in key order.
template <class T, class Decode>
Result<std::vector<T>> ListViewRecords(const store::Db& db, std::string_view view, std::string_view prefix,
                                       Decode&& decode) {
  std::vector<T> out;
  SOV_RETURN_IF_ERROR(ScanView(db, view, prefix, [&](std::string_view key, std::string_view value) -> Status {
    auto record = decode(value, std::string(key));
    if (!record.ok()) return record.status();
    out.push_back(std::move(*record));
    return Status::OK();
  }));
  return out;
}

}  // namespace sov::pipeline
