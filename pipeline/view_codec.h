// Encoding and verified decoding of FlatBuffers view records, shared by every view.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <string>
#include <string_view>

#include "store/status.h"

namespace sov::pipeline {

inline std::string FinishedBytes(const flatbuffers::FlatBufferBuilder& fbb) {
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

// Verifies `bytes` as a T root; Corruption naming `what` (e.g. "reputation record for did:key:…").
template <class T>
Result<const T*> DecodeView(std::string_view bytes, const std::string& what) {
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!verifier.VerifyBuffer<T>(nullptr)) return Status::Corruption(what + " fails FlatBuffers verification");
  return flatbuffers::GetRoot<T>(bytes.data());
}

inline std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

}  // namespace sov::pipeline
