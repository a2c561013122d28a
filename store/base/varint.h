// Unsigned varints (multiformats unsigned-varint: LEB128, minimal, at most 9 bytes = 63 bits), the
// length prefix of multistream-select messages, multiaddr codes and length-prefixed protobufs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/status.h"

namespace sov {

inline constexpr size_t kMaxUvarintBytes = 9;

void AppendUvarint(std::string& out, uint64_t value);
std::string EncodeUvarint(uint64_t value);

// Decodes the varint at the start of `in`. Returns the number of bytes it took, or 0 when `in` ends
// before the varint does (read more and retry). Errors: non-minimal encoding, more than 9 bytes.
Result<size_t> DecodeUvarint(std::string_view in, uint64_t* value);

}  // namespace sov
