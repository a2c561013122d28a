#include "cli/event_text.h"

#include <flatbuffers/idl.h>

#include "cli/context.h"
#include "events_generated.h"
#include "store/base/bytes.h"
#include "store/base/text.h"
#include "store/event_names.h"

extern const char kSovEventsSchema[];

namespace sov::cli {

namespace {

// flatbuffers writes each byte of a string that is not UTF-8 as \xHH (opts.allow_non_utf8), which
// JSON does not have: each becomes \ufffd (U+FFFD). Escape pairs are copied whole, so an escaped
// backslash followed by "x" stays as it is.
std::string ReplaceByteEscapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      if (text[i + 1] == 'x' && i + 3 < text.size()) {
        out += "\\ufffd";
        i += 3;
      } else {
        out += text.substr(i, 2);
        ++i;
      }
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

struct EventText::Rep {
  flatbuffers::Parser parser;
};

EventText::EventText() : rep_(std::make_unique<Rep>()) {}
EventText::~EventText() = default;

Result<std::unique_ptr<EventText>> EventText::Create() {
  std::unique_ptr<EventText> t(new EventText());
  t->rep_->parser.opts.strict_json = true;
  t->rep_->parser.opts.output_default_scalars_in_json = true;
  t->rep_->parser.opts.indent_step = -1;  // one line
  // A verified record always renders: bytes that are not UTF-8 (from a peer, or an older build that
  // did not sanitize them) come out as U+FFFD instead of failing the record.
  t->rep_->parser.opts.allow_non_utf8 = true;
  if (!t->rep_->parser.Parse(kSovEventsSchema)) {
    return Status::Corruption("embedded event schema does not parse: " + t->rep_->parser.error_);
  }
  return t;
}

Result<nlohmann::json> EventText::ToJson(const store::LogEntry& entry) const {
  const fb::Envelope& env = entry.envelope();
  nlohmann::json j;
  j["seq"] = entry.seq();
  j["time"] = FormatTime(env.timestamp_ns());
  j["timestampNs"] = env.timestamp_ns();
  j["type"] = store::EventTypeName(env.payload_type());
  j["origin"] = env.origin() ? env.origin()->str() : "";
  j["chainHash"] = ToHex(entry.view().chain_hash);
  if (!store::IsKnownEventType(env.payload_type())) {
    j["payload"] = nullptr;
    return j;
  }
  std::string text;
  if (!flatbuffers::GenerateText(rep_->parser, entry.view().envelope_bytes.data(), &text)) {
    return Status::Corruption("record " + std::to_string(entry.seq()) + ": cannot render as JSON");
  }
  auto parsed = nlohmann::json::parse(ReplaceByteEscapes(text), nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("payload")) {
    return Status::Corruption("record " + std::to_string(entry.seq()) + ": rendered JSON does not parse");
  }
  // Byte vectors (hashes, signatures) read better as hex than as arrays of numbers.
  for (auto& [k, v] : parsed["payload"].items()) {
    if (!v.is_array() || (k.find("hash") == std::string::npos && k != "signature")) continue;
    std::string bytes;
    for (const auto& b : v) bytes.push_back(static_cast<char>(b.get<int>()));
    v = ToHex(bytes);
  }
  j["payload"] = parsed["payload"];
  return j;
}

std::string EventText::Line(const store::LogEntry& entry) const {
  const fb::Envelope& env = entry.envelope();
  std::string line = std::to_string(entry.seq()) + "  " + FormatTime(env.timestamp_ns()) + "  " +
                     store::EventTypeName(env.payload_type());
  auto j = ToJson(entry);
  if (j.ok() && (*j)["payload"].is_object()) {
    for (auto& [k, v] : (*j)["payload"].items()) {
      if (v.is_string() && v.get<std::string>().empty()) continue;
      if (v.is_array() && v.size() > 8) {
        line += "  " + k + "=[" + std::to_string(v.size()) + " items]";
        continue;
      }
      // Control characters from peers are shown escaped, never sent to the terminal.
      std::string val = v.is_string() ? SanitizeText(v.get<std::string>()) : v.dump();
      if (val.size() > 80) val = Clip(val, 77) + "...";
      line += "  " + k + "=" + val;
    }
  }
  return line;
}

}  // namespace sov::cli
