#include "node/gateway/control/control_server.h"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <asio/local/stream_protocol.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>

#include <spdlog/spdlog.h>

namespace sov::node {

using asio::local::stream_protocol;

struct ControlServer::Impl {
  p2p::Executor ex;
  control::CommandRegistry commands;
  ControlServerOptions options;
  stream_protocol::acceptor acceptor;
  bool closed = false;
  size_t clients = 0;

  Impl(p2p::Executor e, control::CommandRegistry c, ControlServerOptions o)
      : ex(e), commands(std::move(c)), options(o), acceptor(e) {}

  p2p::Task<void> AcceptLoop() {
    while (!closed) {
      auto [ec, socket] = co_await acceptor.async_accept(p2p::kUseAwaitable);
      if (ec) {
        if (ec == asio::error::operation_aborted || closed) co_return;
        spdlog::warn("control: accept failed: {}", ec.message());
        continue;
      }
      auto client = std::make_shared<stream_protocol::socket>(std::move(socket));
      if (clients >= options.max_clients) {
        p2p::Spawn(ex, Refuse(client), "control client refused");
        continue;
      }
      ++clients;
      p2p::Spawn(ex, Serve(client), "control client");
    }
  }

  p2p::Task<void> Refuse(std::shared_ptr<stream_protocol::socket> socket) {
    spdlog::debug("control: {} clients connected already; refusing another", clients);
    co_await Reply(*socket, control::ErrorResponse("too many control clients (" + std::to_string(options.max_clients) +
                                                   "); try again later"));
  }

  p2p::Task<void> Serve(std::shared_ptr<stream_protocol::socket> socket) {
    co_await ServeRequests(socket);
    --clients;
  }

  p2p::Task<void> ServeRequests(std::shared_ptr<stream_protocol::socket> socket) {
    asio::streambuf buffer(kMaxControlRequest + 1);  // the request and its newline
    for (;;) {
      bool idle = false;
      auto [ec, n] = co_await ReadRequest(socket, buffer, &idle);
      if (idle) {
        co_await Reply(*socket, control::ErrorResponse("no request for " + std::to_string(options.idle_timeout.count()) +
                                                       " ms; closing the connection"));
        co_return;
      }
      if (ec == asio::error::not_found) {
        co_await Reply(*socket, control::ErrorResponse("request longer than " + std::to_string(kMaxControlRequest) +
                                                       " bytes; closing the connection"));
        co_return;
      }
      if (ec) co_return;  // the client went away
      std::string line(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + static_cast<long>(n));
      buffer.consume(n);
      nlohmann::json request = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      nlohmann::json response = control::ErrorResponse("malformed JSON request");
      if (!request.is_discarded()) response = co_await commands.Dispatch(request);
      if (!co_await Reply(*socket, response)) co_return;
    }
  }

  // One line, under the idle timeout (on expiry the read is cancelled and *idle set).
  p2p::Task<std::tuple<std::error_code, size_t>> ReadRequest(std::shared_ptr<stream_protocol::socket> socket,
                                                             asio::streambuf& buffer, bool* idle) {
    p2p::Deadline deadline(ex, options.idle_timeout, [socket, idle] {
      *idle = true;
      std::error_code ignored;
      socket->cancel(ignored);
    });
    auto [ec, n] = co_await asio::async_read_until(*socket, buffer, '\n', p2p::kUseAwaitable);
    co_return std::make_tuple(ec, n);
  }

  p2p::Task<bool> Reply(stream_protocol::socket& socket, const nlohmann::json& response) {
    std::string out = response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(out), p2p::kUseAwaitable);
    co_return !ec;
  }
};

ControlServer::ControlServer(p2p::Executor ex, std::string path, control::CommandRegistry commands,
                             ControlServerOptions options)
    : impl_(std::make_unique<Impl>(ex, std::move(commands), options)), path_(std::move(path)) {}

ControlServer::~ControlServer() { Close(); }

Status ControlServer::Start() {
  if (path_.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return Status::InvalidArgument("control socket path too long for a Unix socket (" + std::to_string(path_.size()) +
                                   " bytes): " + path_);
  }
  ::unlink(path_.c_str());  // a stale socket of a node that died; the log's lock says none is running
  std::error_code ec;
  mode_t old_mask = ::umask(0177);  // created 0600 from the start: no window where others could connect
  impl_->acceptor.open(stream_protocol(), ec);
  if (!ec) impl_->acceptor.bind(stream_protocol::endpoint(path_), ec);
  ::umask(old_mask);
  if (!ec) impl_->acceptor.listen(16, ec);
  if (ec) return Status::IOError("control socket " + path_ + ": " + ec.message());
  ::chmod(path_.c_str(), 0600);
  p2p::Spawn(impl_->ex, impl_->AcceptLoop(), "control accept loop");
  return Status::OK();
}

void ControlServer::Close() {
  if (impl_->closed) return;
  impl_->closed = true;
  std::error_code ec;
  impl_->acceptor.close(ec);
  ::unlink(path_.c_str());
}

}  // namespace sov::node
