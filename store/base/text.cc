#include "store/base/text.h"

namespace sov {

std::string_view Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // Step back over continuation bytes; the byte at `cut` then starts a sequence (or is ASCII), so
  // everything before it is whole.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::string Clip(std::string_view text, size_t max_bytes) { return std::string(Utf8Prefix(text, max_bytes)); }

}  // namespace sov
