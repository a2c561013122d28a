// A minimal protocol-buffers codec for the few small libp2p messages (PublicKey, the Noise handshake
// payload, Identify): varint and length-delimited fields, written in field order, read with bounds
// checks. Unknown fields are skipped; fixed32/fixed64 are skipped too (libp2p messages use neither).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/base/status.h"

namespace sov {

class ProtoWriter {
 public:
  void Varint(uint32_t field, uint64_t value);
  void Bytes(uint32_t field, std::string_view value);  // also strings and embedded messages
  const std::string& data() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

class ProtoReader {
 public:
  // `what` names the message in errors ("identify message: field 3 length 900 past end (40 bytes left)").
  ProtoReader(std::string_view data, std::string_view what) : data_(data), what_(what) {}
  // Advances to the next field. Returns false at the end, or on error (then status() is not OK).
  bool Next();
  uint32_t field() const { return field_; }
  WireType wire_type() const { return type_; }
  uint64_t varint() const { return varint_; }       // valid when wire_type() == kVarint
  std::string_view bytes() const { return bytes_; }  // valid when wire_type() == kLengthDelimited
  const Status& status() const { return status_; }

 private:
  std::string_view data_;
  std::string_view what_;
  size_t pos_ = 0;
  uint32_t field_ = 0;
  WireType type_ = WireType::kVarint;
  uint64_t varint_ = 0;
  std::string_view bytes_;
  Status status_;
};

}  // namespace sov
