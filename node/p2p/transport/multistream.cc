#include "node/p2p/transport/multistream.h"

#include <fmt/format.h>

#include "store/base/text.h"
#include "store/base/varint.h"

namespace sov::p2p {
namespace {

// How much of a peer's unexpected message an error quotes.
constexpr size_t kErrorExcerptBytes = 64;

// Buffers reads so that messages split or merged by TCP parse the same, and what follows the last
// message is handed on.
class MessageReader {
 public:
  explicit MessageReader(ByteStream& stream) : stream_(stream) {}

  Task<Result<std::string>> Next() {
    for (;;) {
      uint64_t length = 0;
      auto used = DecodeUvarint(buffer_, &length);
      if (!used.ok()) co_return used.status().WithContext("multistream: message length");
      if (*used != 0) {
        if (length == 0 || length > kMaxMultistreamMessage) {
          co_return Status::Corruption(fmt::format("multistream: message length {} outside 1..{}", length,
                                                   kMaxMultistreamMessage));
        }
        if (buffer_.size() >= *used + length) {
          std::string message = buffer_.substr(*used, length);
          buffer_.erase(0, *used + length);
          if (message.back() != '\n') co_return Status::Corruption("multistream: message does not end with a newline");
          message.pop_back();
          co_return message;
        }
      } else if (buffer_.size() >= kMaxUvarintBytes) {
        co_return Status::Corruption("multistream: unterminated length prefix");
      }
      char chunk[2048];
      auto n = co_await stream_.ReadSome(std::span<char>(chunk, sizeof chunk));
      if (!n.ok()) co_return n.status().WithContext("multistream");
      if (*n == 0) co_return Status::Corruption("multistream: stream ended during negotiation");
      buffer_.append(chunk, *n);
    }
  }

  std::string TakeLeftover() { return std::move(buffer_); }

 private:
  ByteStream& stream_;
  std::string buffer_;
};

Status CheckHeader(const std::string& message) {
  if (message == kMultistreamHeader) return Status::OK();
  return Status::Corruption(fmt::format("multistream: expected header {} but got \"{}\"", kMultistreamHeader,
                                        SanitizeAndClip(message, kErrorExcerptBytes)));
}

}  // namespace

std::string EncodeMultistreamMessage(std::string_view message) {
  std::string out = EncodeUvarint(message.size() + 1);
  out.append(message);
  out.push_back('\n');
  return out;
}

Task<Result<Negotiated>> SelectProtocol(ByteStream& stream, const std::vector<std::string>& protocols) {
  if (protocols.empty()) co_return Status::InvalidArgument("multistream: no protocol to propose");
  MessageReader reader(stream);
  std::string first = EncodeMultistreamMessage(kMultistreamHeader) + EncodeMultistreamMessage(protocols[0]);
  SOV_CO_RETURN_IF_ERROR(co_await stream.Write(first));
  {
    auto header = co_await reader.Next();
    if (!header.ok()) co_return header.status();
    SOV_CO_RETURN_IF_ERROR(CheckHeader(*header));
  }
  for (size_t i = 0; i < protocols.size(); ++i) {
    if (i > 0) SOV_CO_RETURN_IF_ERROR(co_await stream.Write(EncodeMultistreamMessage(protocols[i])));
    auto reply = co_await reader.Next();
    if (!reply.ok()) co_return reply.status();
    if (*reply == protocols[i]) co_return Negotiated{protocols[i], reader.TakeLeftover()};
    if (*reply != "na") {
      co_return Status::Corruption(fmt::format("multistream: proposed {} but the peer answered \"{}\"", protocols[i],
                                               SanitizeAndClip(*reply, kErrorExcerptBytes)));
    }
  }
  std::string all;
  for (const auto& p : protocols) all += (all.empty() ? "" : ", ") + p;
  co_return Status::NotSupported("multistream: peer supports none of: " + all);
}

Task<Result<Negotiated>> HandleProtocol(ByteStream& stream, const std::function<bool(std::string_view)>& supported,
                                        const std::function<std::vector<std::string>()>& list) {
  MessageReader reader(stream);
  SOV_CO_RETURN_IF_ERROR(co_await stream.Write(EncodeMultistreamMessage(kMultistreamHeader)));
  {
    auto header = co_await reader.Next();
    if (!header.ok()) co_return header.status();
    SOV_CO_RETURN_IF_ERROR(CheckHeader(*header));
  }
  for (size_t round = 0; round < kMaxMultistreamProposals; ++round) {
    auto proposal = co_await reader.Next();
    if (!proposal.ok()) co_return proposal.status();
    if (*proposal == "ls") {
      std::string body;
      for (const auto& p : list()) body += EncodeMultistreamMessage(p);
      body.push_back('\n');
      std::string reply = EncodeUvarint(body.size());
      reply += body;
      SOV_CO_RETURN_IF_ERROR(co_await stream.Write(reply));
      continue;
    }
    if (!proposal->empty() && supported(*proposal)) {
      SOV_CO_RETURN_IF_ERROR(co_await stream.Write(EncodeMultistreamMessage(*proposal)));
      co_return Negotiated{std::move(*proposal), reader.TakeLeftover()};
    }
    SOV_CO_RETURN_IF_ERROR(co_await stream.Write(EncodeMultistreamMessage("na")));
  }
  co_return Status::Corruption(fmt::format("multistream: peer made more than {} proposals", kMaxMultistreamProposals));
}

std::vector<std::string> OneProtocol(std::string_view protocol) { return {std::string(protocol)}; }

}  // namespace sov::p2p
