#include "pipeline/view_codec.h"

#include <cctype>

#include "pipeline/projector.h"

namespace sov::pipeline {

std::string SnakeCase(const char* camel) {
  std::string out;
  for (const char* c = camel; c != nullptr && *c != '\0'; ++c) {
    const auto u = static_cast<unsigned char>(*c);
    if (std::isupper(u)) {
      if (!out.empty()) out += '_';
      out += static_cast<char>(std::tolower(u));
    } else {
      out += *c;
    }
  }
  return out.empty() ? "unknown" : out;
}

Result<std::optional<std::string>> GetViewValue(const store::Db& db, std::string_view view, std::string_view key) {
  auto cf = db.Family(ViewFamily(view));
  if (!cf.ok()) return cf.status();
  return db.Get(*cf, key);
}

Status ScanView(const store::Db& db, std::string_view view, std::string_view prefix,
                const std::function<Status(std::string_view key, std::string_view value)>& fn) {
  auto cf = db.Family(ViewFamily(view));
  if (!cf.ok()) return cf.status();
  auto it = db.NewIterator(*cf);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().starts_with('\0')) continue;  // the checkpoint (kCheckpointKey)
    SOV_RETURN_IF_ERROR(fn(it->key(), it->value()));
  }
  return it->status();
}

}  // namespace sov::pipeline
