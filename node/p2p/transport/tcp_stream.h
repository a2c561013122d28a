// A TCP socket as a ByteStream (TCP_NODELAY on; half-close is shutdown(SHUT_WR)).
#pragma once

#include <cstddef>  // before asio: see async.h

#include <asio/ip/tcp.hpp>

#include "node/p2p/transport/byte_stream.h"

namespace sov::p2p {

class TcpStream final : public ByteStream {
 public:
  explicit TcpStream(asio::ip::tcp::socket socket);
  // With the remote endpoint as accept() returned it: a peer that has already reset the
  // connection has no getpeername() any more, but accept() still knew its address.
  TcpStream(asio::ip::tcp::socket socket, asio::ip::tcp::endpoint remote);
  ~TcpStream() override;
  Task<Result<size_t>> ReadSome(std::span<char> buffer) override;
  Task<Status> Write(std::string_view data) override;
  Task<Status> CloseWrite() override;
  void Reset() override;

  asio::ip::tcp::socket& socket() { return socket_; }
  // "ip:port" of each end, read once at construction ("" if unavailable).
  const asio::ip::tcp::endpoint& local_endpoint() const { return local_; }
  const asio::ip::tcp::endpoint& remote_endpoint() const { return remote_; }

 private:
  asio::ip::tcp::socket socket_;
  asio::ip::tcp::endpoint local_, remote_;
};

}  // namespace sov::p2p
