#include "node/p2p/transport/tcp_stream.h"

#include <asio/read.hpp>
#include <asio/write.hpp>

namespace sov::p2p {

TcpStream::TcpStream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  local_ = socket_.local_endpoint(ec);
  remote_ = socket_.remote_endpoint(ec);
}

TcpStream::TcpStream(asio::ip::tcp::socket socket, asio::ip::tcp::endpoint remote) : TcpStream(std::move(socket)) {
  remote_ = remote;
}

TcpStream::~TcpStream() { Reset(); }

Task<Result<size_t>> TcpStream::ReadSome(std::span<char> buffer) {
  auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()), kUseAwaitable);
  if (ec == asio::error::eof) co_return size_t{0};
  if (ec) co_return Status::IOError("tcp read: " + ec.message());
  co_return n;
}

Task<Status> TcpStream::Write(std::string_view data) {
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()), kUseAwaitable);
  if (ec) co_return Status::IOError("tcp write: " + ec.message());
  co_return Status::OK();
}

Task<Status> TcpStream::CloseWrite() {
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec && ec != asio::error::not_connected) co_return Status::IOError("tcp shutdown: " + ec.message());
  co_return Status::OK();
}

void TcpStream::Reset() {
  if (!socket_.is_open()) return;
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

}  // namespace sov::p2p
