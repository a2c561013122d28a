// Text bounds that respect UTF-8: cutting a string to a byte limit never splits a multi-byte
// sequence, so a clipped valid string stays valid. And text from peers made safe for events, log
// lines and terminals.
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

// The length of the well-formed UTF-8 sequence at the start of `text` (1..4), or 0 when it does
// not start with one (a stray continuation byte, a truncated sequence, an overlong form, a
// surrogate, a code point past U+10FFFF).
size_t Utf8SequenceLength(std::string_view text);

// Text that came from outside (a peer's bytes, an error message quoting them) as valid UTF-8 with
// no control characters: each byte that does not start a well-formed sequence becomes U+FFFD, each
// control character (C0 including tab and newline, DEL, C1) the visible escape \xHH (C1 as
// \u00HH). Printable valid text is returned unchanged. One peer string can then neither break a
// JSON export nor forge a log line nor drive a terminal.
std::string SanitizeText(std::string_view text);
// SanitizeText, then Clip to `max_bytes`.
std::string SanitizeAndClip(std::string_view text, size_t max_bytes);

}  // namespace sov
