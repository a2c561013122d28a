// FuzzInput: reads a fuzz input as a few typed fields (a mode byte, 2-byte length-prefixed chunks,
// the rest), so one target can drive a parser several ways. Reading past the end yields zeros and
// empty chunks: every byte string is a valid input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sov::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  // uint16 big endian length, then that many bytes (fewer if the input ends first).
  std::string_view Chunk() {
    const size_t n = static_cast<size_t>(Byte()) << 8 | Byte();
    return Take(n);
  }
  std::string_view Take(size_t n) {
    std::string_view out = rest_.substr(0, n);
    rest_.remove_prefix(out.size());
    return out;
  }
  std::string_view Rest() { return Take(rest_.size()); }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace sov::fuzz
