// Unsigned varints (multiformats unsigned-varint): minimal LEB128 of at most 9 bytes.
#include "store/base/varint.h"

namespace sov {

void AppendUvarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

std::string EncodeUvarint(uint64_t value) {
  std::string out;
  AppendUvarint(out, value);
  return out;
}

Result<size_t> DecodeUvarint(std::string_view in, uint64_t* value) {
  uint64_t v = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (i == kMaxUvarintBytes) {
      return Status::InvalidArgument("uvarint longer than " + std::to_string(kMaxUvarintBytes) + " bytes");
    }
    const uint8_t b = static_cast<uint8_t>(in[i]);
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      // A zero final group after the first byte means a shorter encoding existed.
      if (b == 0 && i > 0) return Status::InvalidArgument("uvarint is not minimally encoded");
      *value = v;
      return i + 1;
    }
  }
  if (in.size() >= kMaxUvarintBytes) {
    return Status::InvalidArgument("uvarint longer than " + std::to_string(kMaxUvarintBytes) + " bytes");
  }
  return size_t{0};
}

}  // namespace sov
