#include "node/p2p/wire/yamux_frame.h"

#include <fmt/format.h>

namespace sov::p2p::yamux {
namespace {

void PutU16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}

void PutU32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

uint32_t GetU32(const char* p) {
  auto b = [p](int i) { return static_cast<uint32_t>(static_cast<uint8_t>(p[i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

}  // namespace

void EncodeHeader(const FrameHeader& h, char* out) {
  out[0] = static_cast<char>(kVersion);
  out[1] = static_cast<char>(h.type);
  PutU16(out + 2, h.flags);
  PutU32(out + 4, h.stream_id);
  PutU32(out + 8, h.length);
}

void AppendFrame(std::string& out, const FrameHeader& h, std::string_view payload) {
  char header[kHeaderSize];
  EncodeHeader(h, header);
  out.append(header, kHeaderSize);
  out.append(payload);
}

Result<FrameHeader> DecodeHeader(std::string_view bytes) {
  if (bytes.size() != kHeaderSize) {
    return Status::InvalidArgument(fmt::format("yamux header: {} bytes, want {}", bytes.size(), kHeaderSize));
  }
  const auto version = static_cast<uint8_t>(bytes[0]);
  if (version != kVersion) return Status::Corruption(fmt::format("yamux header: unsupported version {}", version));
  const auto type = static_cast<uint8_t>(bytes[1]);
  if (type > static_cast<uint8_t>(FrameType::kGoAway)) {
    return Status::Corruption(fmt::format("yamux header: unknown frame type {}", type));
  }
  FrameHeader h;
  h.type = static_cast<FrameType>(type);
  h.flags = static_cast<uint16_t>((static_cast<uint8_t>(bytes[2]) << 8) | static_cast<uint8_t>(bytes[3]));
  h.stream_id = GetU32(bytes.data() + 4);
  h.length = GetU32(bytes.data() + 8);
  const char* name = FrameTypeName(h.type);
  if (h.flags & ~kKnownFlags) {
    return Status::Corruption(
        fmt::format("yamux {} frame on stream {}: unknown flags 0x{:x}", name, h.stream_id, h.flags));
  }
  switch (h.type) {
    case FrameType::kData:
    case FrameType::kWindowUpdate:
      if (h.stream_id == 0) return Status::Corruption(fmt::format("yamux {} frame on stream 0", name));
      break;
    case FrameType::kPing:
      if (h.stream_id != 0) {
        return Status::Corruption(fmt::format("yamux ping frame on stream {} (must be 0)", h.stream_id));
      }
      if (h.flags != kFlagSyn && h.flags != kFlagAck) {
        return Status::Corruption(fmt::format("yamux ping frame with flags {} (want exactly SYN or ACK)",
                                              FlagsName(h.flags)));
      }
      break;
    case FrameType::kGoAway:
      if (h.stream_id != 0) {
        return Status::Corruption(fmt::format("yamux go_away frame on stream {} (must be 0)", h.stream_id));
      }
      break;
  }
  return h;
}

const char* FrameTypeName(FrameType type) {
  switch (type) {
    case FrameType::kData: return "data";
    case FrameType::kWindowUpdate: return "window_update";
    case FrameType::kPing: return "ping";
    case FrameType::kGoAway: return "go_away";
  }
  return "unknown";
}

std::string FlagsName(uint16_t flags) {
  if (flags == 0) return "none";
  std::string out;
  auto add = [&out](const char* n) {
    if (!out.empty()) out += '|';
    out += n;
  };
  if (flags & kFlagSyn) add("SYN");
  if (flags & kFlagAck) add("ACK");
  if (flags & kFlagFin) add("FIN");
  if (flags & kFlagRst) add("RST");
  if (flags & ~kKnownFlags) add(fmt::format("0x{:x}", flags & ~kKnownFlags).c_str());
  return out;
}

const char* GoAwayCodeName(uint32_t code) {
  switch (code) {
    case kGoAwayNormal: return "normal";
    case kGoAwayProtocolError: return "protocol_error";
    case kGoAwayInternalError: return "internal_error";
    default: return "unknown";
  }
}

}  // namespace sov::p2p::yamux
