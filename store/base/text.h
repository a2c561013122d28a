// Text bounds that respect UTF-8: cutting a string to a byte limit never splits a multi-byte
// sequence, so a clipped valid string stays valid.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sov {

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a UTF-8
// sequence (continuation bytes 10xxxxxx after the cut are never left dangling).
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);
// Utf8Prefix as a string.
std::string Clip(std::string_view text, size_t max_bytes);

}  // namespace sov
