#include "cli/control_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/context.h"

namespace sov::cli {

namespace {

constexpr size_t kMaxResponse = 16u << 20;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<nlohmann::json> CallNode(const Context& ctx, const nlohmann::json& request) {
  const auto home = ctx.home();
  const std::string path = home.control_socket();
  const std::string not_running =
      "no node is running at " + home.home + " (start one with: sov --home " + home.home + " node run)";
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return Status::InvalidArgument("control socket path too long: " + path);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Status::IOError(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == ENOENT || errno == ECONNREFUSED) return Status::NotFound(not_running);
    return Status::IOError("connecting to " + path + ": " + std::strerror(errno));
  }
  std::string out = request.dump() + "\n";
  for (size_t sent = 0; sent < out.size();) {
    ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("writing to " + path + ": " + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  std::string in;
  char buf[65536];
  while (in.find('\n') == std::string::npos) {
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError("reading from " + path + ": " + std::strerror(errno));
    if (n == 0) return Status::IOError("the node closed the control connection without answering");
    in.append(buf, static_cast<size_t>(n));
    if (in.size() > kMaxResponse) return Status::Corruption("the node's answer is larger than 16 MiB");
  }
  auto response = nlohmann::json::parse(in.substr(0, in.find('\n')), nullptr, false);
  if (response.is_discarded() || !response.is_object()) return Status::Corruption("the node's answer is not JSON");
  if (!response.value("ok", false)) return Status::Aborted(response.value("error", std::string("request failed")));
  return response;
}

Result<nlohmann::json> CallCommand(const Context& ctx, const node::control::CommandSpec& spec, nlohmann::json args) {
  args["cmd"] = std::string(spec.name);
  auto response = CallNode(ctx, args);
  if (!response.ok()) return response.status();
  Status valid = node::control::CheckFields(*response, spec.response, "the node's answer to '" + std::string(spec.name) + "'");
  if (!valid.ok()) return Status::Corruption(valid.message());
  return response;
}

}  // namespace sov::cli
