// The yamux frame header (12 bytes, big endian: version u8 | type u8 | flags u16 | stream id u32 |
// length u32): its encoder, and a decoder that validates everything checkable from the header
// alone (version 0, a known type, known flags, Ping/GoAway only on stream 0, Data/WindowUpdate never
// on stream 0, Ping flags exactly SYN or ACK). Pure code, no I/O; used by yamux.cc and its tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/status.h"

namespace sov::p2p::yamux {

inline constexpr size_t kHeaderSize = 12;
inline constexpr uint8_t kVersion = 0;
// Every stream starts with this window in both directions (the spec fixes it; a larger receive
// window is announced with a WindowUpdate delta on the SYN or ACK frame).
inline constexpr uint32_t kSpecInitialWindow = 256 * 1024;

enum class FrameType : uint8_t { kData = 0, kWindowUpdate = 1, kPing = 2, kGoAway = 3 };

inline constexpr uint16_t kFlagSyn = 1;
inline constexpr uint16_t kFlagAck = 2;
inline constexpr uint16_t kFlagFin = 4;
inline constexpr uint16_t kFlagRst = 8;
inline constexpr uint16_t kKnownFlags = kFlagSyn | kFlagAck | kFlagFin | kFlagRst;

// GoAway's length field.
inline constexpr uint32_t kGoAwayNormal = 0;
inline constexpr uint32_t kGoAwayProtocolError = 1;
inline constexpr uint32_t kGoAwayInternalError = 2;

struct FrameHeader {
  FrameType type = FrameType::kData;
  uint16_t flags = 0;
  uint32_t stream_id = 0;
  uint32_t length = 0;  // Data: payload bytes; WindowUpdate: delta; Ping: opaque value; GoAway: code
};

// Writes the 12 header bytes to `out`.
void EncodeHeader(const FrameHeader& h, char* out);
// Appends header + payload to `out` (payload only for Data frames; h.length must equal its size).
void AppendFrame(std::string& out, const FrameHeader& h, std::string_view payload = {});
// Decodes and validates 12 header bytes. Errors name the offending field and value.
Result<FrameHeader> DecodeHeader(std::string_view bytes);

const char* FrameTypeName(FrameType type);   // "data", "window_update", "ping", "go_away"
std::string FlagsName(uint16_t flags);        // "SYN|FIN", "none"
const char* GoAwayCodeName(uint32_t code);    // "normal", "protocol_error", "internal_error", "unknown"

}  // namespace sov::p2p::yamux
