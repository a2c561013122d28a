#include "node/p2p/protocols/echo.h"

namespace sov::p2p {

namespace {
constexpr size_t kEchoBufferBytes = 64 * 1024;
}  // namespace

Task<void> EchoProtocol::HandleInbound(std::shared_ptr<ByteStream> stream, std::string, ConnectionInfo) {
  std::string buffer(kEchoBufferBytes, '\0');
  for (;;) {
    auto n = co_await stream->ReadSome(std::span<char>(buffer.data(), buffer.size()));
    if (!n.ok()) co_return;
    if (*n == 0) break;
    if (!(co_await stream->Write(std::string_view(buffer.data(), *n))).ok()) co_return;
  }
  (void)(co_await stream->CloseWrite());  // the stream ends here either way
}

}  // namespace sov::p2p
