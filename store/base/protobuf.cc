// Minimal protobuf codec: varint and length-delimited fields written in call order, read with every
// length checked against what is left.
#include "store/base/protobuf.h"

#include "store/base/varint.h"

namespace sov {
namespace {

constexpr uint32_t kMaxFieldNumber = (1u << 29) - 1;

// Protobuf varints may take 10 bytes (64 bits). Returns false with `error` set on overflow or when
// the data ends first.
bool ReadProtoVarint(std::string_view data, size_t* pos, uint64_t* value, std::string* error) {
  uint64_t v = 0;
  for (size_t i = 0; i < 10; ++i) {
    if (*pos >= data.size()) {
      *error = "truncated varint";
      return false;
    }
    const uint8_t b = static_cast<uint8_t>(data[(*pos)++]);
    if (i == 9 && b > 1) {
      *error = "varint overflows 64 bits";
      return false;
    }
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *value = v;
      return true;
    }
  }
  *error = "varint overflows 64 bits";
  return false;
}

}  // namespace

void ProtoWriter::Varint(uint32_t field, uint64_t value) {
  AppendUvarint(out_, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(WireType::kVarint));
  AppendUvarint(out_, value);
}

void ProtoWriter::Bytes(uint32_t field, std::string_view value) {
  AppendUvarint(out_, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(WireType::kLengthDelimited));
  AppendUvarint(out_, value.size());
  out_.append(value);
}

bool ProtoReader::Next() {
  if (!status_.ok() || pos_ >= data_.size()) return false;
  const size_t field_start = pos_;
  auto fail = [&](const std::string& why) {
    status_ = Status::Corruption(std::string(what_) + ": " + why + " at offset " + std::to_string(field_start));
    return false;
  };
  std::string error;
  uint64_t tag = 0;
  if (!ReadProtoVarint(data_, &pos_, &tag, &error)) return fail("field tag: " + error);
  const uint64_t field = tag >> 3;
  if (field == 0 || field > kMaxFieldNumber) return fail("invalid field number " + std::to_string(field));
  field_ = static_cast<uint32_t>(field);
  const std::string name = "field " + std::to_string(field_);
  switch (tag & 7) {
    case 0:
      type_ = WireType::kVarint;
      if (!ReadProtoVarint(data_, &pos_, &varint_, &error)) return fail(name + ": " + error);
      return true;
    case 1:
    case 5: {
      const size_t width = (tag & 7) == 1 ? 8 : 4;
      type_ = (tag & 7) == 1 ? WireType::kFixed64 : WireType::kFixed32;
      if (data_.size() - pos_ < width) {
        return fail(name + ": fixed" + std::to_string(width * 8) + " past end (" +
                    std::to_string(data_.size() - pos_) + " bytes left)");
      }
      pos_ += width;
      return true;
    }
    case 2: {
      type_ = WireType::kLengthDelimited;
      uint64_t length = 0;
      if (!ReadProtoVarint(data_, &pos_, &length, &error)) return fail(name + " length: " + error);
      const size_t left = data_.size() - pos_;
      if (length > left) {
        return fail(name + " length " + std::to_string(length) + " past end (" + std::to_string(left) +
                    " bytes left)");
      }
      bytes_ = data_.substr(pos_, static_cast<size_t>(length));
      pos_ += static_cast<size_t>(length);
      return true;
    }
    default:
      return fail(name + ": unsupported wire type " + std::to_string(tag & 7));
  }
}

}  // namespace sov
