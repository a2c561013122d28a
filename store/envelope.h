// EnvelopeBuilder: builds one event (an Envelope with its payload) ready for EventLog::Append.
// Usage:
//   EnvelopeBuilder b;
//   auto p = fb::CreateToolSucceededDirect(b.fbb(), call_id, peer, tool, 12, 0);
//   std::string event = b.Finish(ts_ns, origin_did, fb::Event::ToolSucceeded, p.Union());
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <string>
#include <string_view>

#include "events_generated.h"

namespace sov::store {

// The longest error or detail text an event carries, in bytes (cut on a UTF-8 boundary with Clip).
inline constexpr size_t kMaxEventDetailBytes = 512;

class EnvelopeBuilder {
 public:
  explicit EnvelopeBuilder(size_t initial_bytes = 512) : fbb_(initial_bytes) {}
  flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }

  // Finishes the envelope (seq is left 0 for the log to assign) and resets the builder for reuse.
  std::string Finish(int64_t timestamp_ns, std::string_view origin, fb::Event type,
                     flatbuffers::Offset<void> payload) {
    auto origin_off = fbb_.CreateString(origin.data(), origin.size());
    fbb_.ForceDefaults(true);  // keep `seq` present so the log can set it in place
    fb::EnvelopeBuilder eb(fbb_);
    eb.add_seq(0);
    eb.add_timestamp_ns(timestamp_ns);
    eb.add_origin(origin_off);
    eb.add_payload_type(type);
    eb.add_payload(payload);
    fbb_.Finish(eb.Finish());
    std::string out(reinterpret_cast<const char*>(fbb_.GetBufferPointer()), fbb_.GetSize());
    fbb_.Clear();
    fbb_.ForceDefaults(false);
    return out;
  }

 private:
  flatbuffers::FlatBufferBuilder fbb_;
};

}  // namespace sov::store
