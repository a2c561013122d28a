// Byte helpers shared by the store and the views: big-endian integers (keys sort by number),
// hex, and length-prefixed strings for composite keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sov {

inline void PutBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}
inline std::string BigEndian64(uint64_t v) {
  std::string s;
  s.reserve(8);
  PutBigEndian64(&s, v);
  return s;
}
// Reads 8 big-endian bytes; nullopt if `in` is shorter than 8 bytes.
inline std::optional<uint64_t> ReadBigEndian64(std::string_view in) {
  if (in.size() < 8) return std::nullopt;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[static_cast<size_t>(i)]);
  return v;
}

std::string ToHex(std::string_view bytes);
// nullopt on odd length or a non-hex digit.
std::optional<std::string> FromHex(std::string_view hex);

// Appends varint(len) || bytes: keys built from such parts sort by part, and a part's encoding is
// never a prefix of a different part's encoding.
void PutLengthPrefixed(std::string* out, std::string_view part);
// Reads one length-prefixed part from the front of `in` and advances it; false if malformed.
bool GetLengthPrefixed(std::string_view* in, std::string_view* part);

}  // namespace sov
