// A real ControlServer on a real Unix socket in a temp dir, with a registry of test commands: dispatch,
// unknown command, malformed JSON then a valid request on the same connection, oversize line, missing
// and mistyped fields, non-object requests, and the socket's mode. Each request gets exactly one line.
#include "node/gateway/control/control_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <cstring>
#include <thread>

#include "tests/support/test_util.h"

namespace sov::node {
namespace {

using nlohmann::json;
using control::Field;
using control::FieldType;

constexpr Field kEchoRequest[] = {{"text", FieldType::kString}, {"times", FieldType::kInt, /*required=*/false}};
constexpr Field kEchoResponse[] = {{"text", FieldType::kString}};
constexpr control::CommandSpec kEcho{"echo", kEchoRequest, kEchoResponse};
constexpr control::CommandSpec kTestStatus{"status", {}, {}};

control::CommandRegistry TestCommands() {
  control::CommandRegistry r;
  EXPECT_TRUE(r.Add(kEcho, [](const json& request) -> p2p::Task<json> {
                 std::string text = request["text"];
                 std::string out;
                 for (int64_t i = 0; i < request.value("times", int64_t{1}); ++i) out += text;
                 co_return json{{"ok", true}, {"text", out}};
               }).ok());
  EXPECT_TRUE(r.Add(kTestStatus, [](const json&) -> p2p::Task<json> { co_return json{{"ok", true}}; }).ok());
  return r;
}

// A blocking client connection with a receive timeout, reading one line at a time.
class Client {
 public:
  explicit Client(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }

  bool Send(const std::string& bytes) {
    for (size_t sent = 0; sent < bytes.size();) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
  // The next line without its newline; "<closed>" when the server closed first, "<timeout>" on none.
  std::string ReadLine() {
    for (;;) {
      size_t nl = in_.find('\n');
      if (nl != std::string::npos) {
        std::string line = in_.substr(0, nl);
        in_.erase(0, nl + 1);
        return line;
      }
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return "<timeout>";
      if (n <= 0) return "<closed>";  // EOF, or ECONNRESET when the server left bytes unread
      in_.append(buf, static_cast<size_t>(n));
    }
  }
  json Call(const std::string& line) {
    if (!Send(line + "\n")) return json("<send failed>");
    return json::parse(ReadLine(), nullptr, false);
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string in_;
};

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ControlServer>(io_.get_executor(), dir_.Sub("node.sock"), TestCommands(), options_);
    ASSERT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }
  static json Error(const std::string& message) { return {{"ok", false}, {"error", message}}; }

  ControlServerOptions options_;
  testing::TempDir dir_;
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::unique_ptr<ControlServer> server_;
  std::thread thread_;
};

TEST_F(ControlServerTest, DispatchesToTheRegisteredHandler) {
  Client c(server_->path());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.Call(R"({"cmd":"echo","text":"hi"})"), (json{{"ok", true}, {"text", "hi"}}));
  EXPECT_EQ(c.Call(R"({"cmd":"echo","text":"ab","times":3})"), (json{{"ok", true}, {"text", "ababab"}}));
  EXPECT_EQ(c.Call(R"({"cmd":"status"})"), (json{{"ok", true}}));
}

TEST_F(ControlServerTest, TwoRequestsInOneWriteGetTwoLinesInOrder) {
  Client c(server_->path());
  ASSERT_TRUE(c.Send("{\"cmd\":\"echo\",\"text\":\"1\"}\n{\"cmd\":\"echo\",\"text\":\"2\"}\n"));
  EXPECT_EQ(json::parse(c.ReadLine(), nullptr, false), (json{{"ok", true}, {"text", "1"}}));
  EXPECT_EQ(json::parse(c.ReadLine(), nullptr, false), (json{{"ok", true}, {"text", "2"}}));
}

TEST_F(ControlServerTest, UnknownCommandSuggestsTheNearestKnownOne) {
  Client c(server_->path());
  EXPECT_EQ(c.Call(R"({"cmd":"stats"})"), Error("unknown command 'stats'; did you mean 'status'?"));
  EXPECT_EQ(c.Call(R"({"cmd":"ehco"})"), Error("unknown command 'ehco'; did you mean 'echo'?"));
  EXPECT_EQ(c.Call(R"({"cmd":"frobnicate"})"), Error("unknown command 'frobnicate'"));
}

TEST_F(ControlServerTest, MalformedJsonThenAValidRequestOnTheSameConnection) {
  Client c(server_->path());
  EXPECT_EQ(c.Call("{not json"), Error("malformed JSON request"));
  EXPECT_EQ(c.Call(R"({"cmd":"echo","text":"still here"})"), (json{{"ok", true}, {"text", "still here"}}));
}

TEST_F(ControlServerTest, NonObjectOrMissingCmdIsOneError) {
  Client c(server_->path());
  EXPECT_EQ(c.Call("[1,2]"), Error("a request is one JSON object with a string \"cmd\""));
  EXPECT_EQ(c.Call("42"), Error("a request is one JSON object with a string \"cmd\""));
  EXPECT_EQ(c.Call(R"({"text":"x"})"), Error("request: missing field \"cmd\""));
  EXPECT_EQ(c.Call(R"({"cmd":7})"), Error("request: field \"cmd\" must be a string"));
  EXPECT_EQ(c.Call(R"({"cmd":"status"})"), (json{{"ok", true}}));
}

TEST_F(ControlServerTest, MissingOrMistypedFieldIsAnErrorNamingIt) {
  Client c(server_->path());
  EXPECT_EQ(c.Call(R"({"cmd":"echo"})"), Error("echo: missing field \"text\""));
  EXPECT_EQ(c.Call(R"({"cmd":"echo","text":5})"), Error("echo: field \"text\" must be a string"));
  EXPECT_EQ(c.Call(R"({"cmd":"echo","text":"a","times":"2"})"), Error("echo: field \"times\" must be an integer"));
}

TEST_F(ControlServerTest, ARequestOfExactlyTheLimitIsServed) {
  Client c(server_->path());
  std::string request = R"({"cmd":"echo","text":"x"})";
  request.append(kMaxControlRequest - request.size(), ' ');
  ASSERT_EQ(request.size(), kMaxControlRequest);
  EXPECT_EQ(c.Call(request), (json{{"ok", true}, {"text", "x"}}));
}

TEST_F(ControlServerTest, OversizeLineGetsOneErrorThenTheConnectionCloses) {
  Client c(server_->path());
  ASSERT_TRUE(c.Send(std::string(kMaxControlRequest + 1, 'a')));
  EXPECT_EQ(json::parse(c.ReadLine(), nullptr, false),
            Error("request longer than " + std::to_string(kMaxControlRequest) + " bytes; closing the connection"));
  EXPECT_EQ(c.ReadLine(), "<closed>");
  Client next(server_->path());  // the server itself keeps serving
  EXPECT_EQ(next.Call(R"({"cmd":"status"})"), (json{{"ok", true}}));
}

class ControlServerLimits : public ControlServerTest {
 protected:
  ControlServerLimits() {
    options_.max_clients = 2;
    options_.idle_timeout = std::chrono::milliseconds(300);
  }
};

TEST_F(ControlServerLimits, AnIdleClientIsToldAndDisconnected) {
  Client c(server_->path());
  EXPECT_EQ(c.Call(R"({"cmd":"status"})"), (json{{"ok", true}}));
  // Then nothing, or half a request: both are idle.
  ASSERT_TRUE(c.Send(R"({"cmd":"sta)"));
  EXPECT_EQ(json::parse(c.ReadLine(), nullptr, false), Error("no request for 300 ms; closing the connection"));
  EXPECT_EQ(c.ReadLine(), "<closed>");
}

TEST_F(ControlServerLimits, PastMaxClientsANewClientIsRefusedAndTheOthersAreServed) {
  Client a(server_->path()), b(server_->path());
  EXPECT_EQ(a.Call(R"({"cmd":"status"})"), (json{{"ok", true}}));
  EXPECT_EQ(b.Call(R"({"cmd":"status"})"), (json{{"ok", true}}));
  Client c(server_->path());
  EXPECT_EQ(json::parse(c.ReadLine(), nullptr, false), Error("too many control clients (2); try again later"));
  EXPECT_EQ(c.ReadLine(), "<closed>");
  EXPECT_EQ(a.Call(R"({"cmd":"echo","text":"a"})"), (json{{"ok", true}, {"text", "a"}}));
  // A thousand idle clients cannot hold the node's descriptors: each is refused or times out.
  {
    std::vector<std::unique_ptr<Client>> idle;
    for (int i = 0; i < 1000; ++i) idle.push_back(std::make_unique<Client>(server_->path()));
    for (auto& client : idle) EXPECT_NE(client->ReadLine(), "<timeout>");
  }
}

TEST_F(ControlServerLimits, ASlotFreedByADisconnectIsTakenByTheNextClient) {
  auto a = std::make_unique<Client>(server_->path());
  Client b(server_->path());
  EXPECT_EQ(a->Call(R"({"cmd":"status"})"), (json{{"ok", true}}));
  EXPECT_EQ(b.Call(R"({"cmd":"status"})"), (json{{"ok", true}}));
  a.reset();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {  // the server notices a's close shortly
    Client c(server_->path());
    served = c.Call(R"({"cmd":"status"})") == json{{"ok", true}};
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(served);
}

TEST_F(ControlServerTest, SocketIsOwnerOnly) {
  struct stat st{};
  ASSERT_EQ(::stat(server_->path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(CommandRegistry, ANameIsRegisteredOnce) {
  control::CommandRegistry r;
  auto handler = [](const json&) -> p2p::Task<json> { co_return json{{"ok", true}}; };
  EXPECT_TRUE(r.Add(kTestStatus, handler).ok());
  Status again = r.Add(kTestStatus, handler);
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(again.message(), "control command 'status' registered twice");
}

}  // namespace
}  // namespace sov::node
