// multistream-select 1.0 (/multistream/1.0.0) over any ByteStream, both roles. The initiator
// proposes protocols in order until one is echoed; the responder answers `na` to what it does not
// speak (and `ls` with its list). Bytes the peer sent after the last negotiation message are kept
// and returned as `leftover` for the next layer (lazy initiators pipeline data after a proposal).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "node/p2p/transport/async.h"
#include "node/p2p/transport/byte_stream.h"
#include "store/base/status.h"

namespace sov::p2p {

inline constexpr std::string_view kMultistreamHeader = "/multistream/1.0.0";
inline constexpr size_t kMaxMultistreamMessage = 1024;  // as js and go
inline constexpr size_t kMaxMultistreamProposals = 32;  // a responder gives up after this many `na`s

struct Negotiated {
  std::string protocol;
  std::string leftover;  // read past the negotiation; belongs to the protocol
};

// Encodes one message: uvarint(len(s)+1) || s || '\n'.
std::string EncodeMultistreamMessage(std::string_view message);

// Dialer side. Fails when every proposal was refused ("peer supports none of: /a, /b").
Task<Result<Negotiated>> SelectProtocol(ByteStream& stream, const std::vector<std::string>& protocols);
// A one-element protocol list, built outside co_await expressions: GCC 12 cannot keep an
// initializer_list's backing array in a coroutine frame ("array used as initializer").
std::vector<std::string> OneProtocol(std::string_view protocol);

// Listener side. `supported` says whether a proposed protocol is accepted; `list` answers `ls`.
Task<Result<Negotiated>> HandleProtocol(ByteStream& stream, const std::function<bool(std::string_view)>& supported,
                                        const std::function<std::vector<std::string>()>& list);

}  // namespace sov::p2p
