#include "store/event_names.h"

#include <cctype>

namespace sov::store {

bool IsKnownEventType(fb::Event type) {
  return type != fb::Event::NONE && static_cast<uint8_t>(type) <= static_cast<uint8_t>(fb::Event::MAX);
}

std::string EventTypeName(fb::Event type) {
  if (!IsKnownEventType(type)) return "unknown(type=" + std::to_string(static_cast<unsigned>(type)) + ")";
  // "ToolTimedOut" -> "tool.timed_out": the first word is the area, the rest the past-tense fact.
  std::string_view camel = fb::EnumNameEvent(type);
  std::string out;
  bool first_word = true;
  for (size_t i = 0; i < camel.size(); ++i) {
    char c = camel[i];
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0) {
      out.push_back(first_word ? '.' : '_');
      first_word = false;
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace sov::store
