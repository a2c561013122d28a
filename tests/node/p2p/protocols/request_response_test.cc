// request_response (node/p2p/protocols/request_response.h) between two real hosts on loopback: the
// server host serves /sov-test/rr/1.0.0 with ServeRequest, the client opens streams with NewStream
// and calls SendRequest, or writes hand-made bytes for the malformed cases. Each case checks what
// both sides observed: the client's result and the server's Status. Limits at and one past the
// bound, truncated and short messages, trailing bytes, the deadlines of both sides, a handler error, 20
// concurrent requests on one connection, empty messages; and DecodeSingleMessage on its own.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "node/p2p/protocols/request_response.h"
#include "store/base/varint.h"
#include "support/host_fixture.h"

namespace sov::p2p {
namespace {

using sov::testing::FastOptions;
using sov::testing::HostHarness;
using sov::testing::TestHost;

constexpr std::string_view kProto = "/sov-test/rr/1.0.0";

bool Contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

std::string Framed(std::string_view body) { return EncodeUvarint(body.size()) + std::string(body); }

// Writes `bytes` as the client (half-closing after them when `half_close`), then reads whatever the
// server answers until the end of the stream.
Task<Result<std::string>> WriteRaw(std::shared_ptr<ByteStream> stream, std::string bytes, bool half_close) {
  if (Status s = co_await stream->Write(bytes); !s.ok()) co_return s;
  if (half_close) {
    if (Status s = co_await stream->CloseWrite(); !s.ok()) co_return s;
  }
  co_return co_await ReadToEnd(*stream, 1 << 20, "raw client");
}

Task<Result<std::string>> ReadAll(std::shared_ptr<ByteStream> stream) {
  co_return co_await ReadToEnd(*stream, 1 << 20, "idle client");
}

class RequestResponse : public ::testing::Test {
 protected:
  void SetUp() override {
    server = &h.AddHost(1, FastOptions());
    client = &h.AddHost(2, FastOptions());
    ASSERT_TRUE(h.ConnectAndIdentify(*client, *server));
  }

  // The server answers kProto with ServeRequest(handler); every returned Status lands in `served`.
  void Serve(RequestResponseOptions options, RequestHandler handler) {
    server->host->SetHandler(std::string(kProto),
                             [this, options, handler](std::shared_ptr<ByteStream> stream, ConnectionInfo) -> Task<void> {
                               const std::string what(kProto);
                               Status s = co_await ServeRequest(h.ex(), stream, handler, options, what);
                               served.push_back(std::move(s));
                             });
  }
  void ServeEcho(RequestResponseOptions options = {}) {
    Serve(options, [](std::string request) -> Task<Result<std::string>> { co_return request; });
  }

  Task<Result<std::shared_ptr<ByteStream>>> Open() {
    std::vector<std::string> protocols{std::string(kProto)};
    auto opened = co_await client->host->NewStream(server->id(), protocols);
    if (!opened.ok()) co_return opened.status();
    co_return opened->stream;
  }
  Task<Result<std::string>> Request(std::string request, RequestResponseOptions options) {
    auto stream = co_await Open();
    if (!stream.ok()) co_return stream.status();
    const std::string what(kProto);
    co_return co_await SendRequest(h.ex(), *stream, std::move(request), options, what);
  }
  Result<std::string> RequestNow(std::string request, RequestResponseOptions options = {}) {
    return h.AwaitResult(Request(std::move(request), options));
  }
  // Opens a stream and writes raw bytes; returns what the client read back.
  Result<std::string> RawNow(std::string bytes, bool half_close) {
    auto stream = h.AwaitResult(Open());
    if (!stream.ok()) return stream.status();
    return h.AwaitResult(WriteRaw(*stream, std::move(bytes), half_close));
  }
  // Waits for the server's Status of the one request of the test.
  Status ServedOne() {
    if (!h.RunUntil([&] { return !served.empty(); })) return Status::Aborted("the server never returned");
    EXPECT_EQ(served.size(), 1u);
    return served[0];
  }

  HostHarness h;
  TestHost* server = nullptr;
  TestHost* client = nullptr;
  std::vector<Status> served;
};

TEST_F(RequestResponse, RequestExactlyAtTheLimitSucceeds) {
  ServeEcho();
  const std::string request = sov::testing::RandomBytes(64 * 1024, 7);
  auto r = RequestNow(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, request);
  Status s = ServedOne();
  EXPECT_TRUE(s.ok()) << s.ToString();
  // Both sides closed the stream cleanly.
  ASSERT_TRUE(h.RunUntil([&] {
    auto a = client->host->Connection(server->id());
    auto b = server->host->Connection(client->id());
    return a && b && a->open_streams == 0 && b->open_streams == 0;
  }));
}

TEST_F(RequestResponse, RequestOneByteOverIsRefusedByTheServer) {
  ServeEcho();
  RequestResponseOptions lax;
  lax.max_request_bytes = 64 * 1024 + 1;  // the client lets it go; the server's limit is 64 KiB
  auto r = RequestNow(std::string(64 * 1024 + 1, 'x'), lax);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0 request: message of 65537 bytes exceeds the limit of 65536"))
      << s.ToString();
}

TEST_F(RequestResponse, RequestOneByteOverIsRefusedLocallyByTheClient) {
  ServeEcho();
  auto r = RequestNow(std::string(64 * 1024 + 1, 'x'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << r.status().ToString();
  EXPECT_TRUE(Contains(r.status().message(), "/sov-test/rr/1.0.0: request of 65537 bytes exceeds the limit of 65536"))
      << r.status().ToString();
  // Nothing was sent: the server saw the stream reset before any request.
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0 request: yamux stream")) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "reset by peer")) << s.ToString();
}

TEST_F(RequestResponse, ResponseOneByteOverIsRefusedByTheClient) {
  RequestResponseOptions server_options;
  server_options.max_response_bytes = 1025;
  Serve(server_options, [](std::string) -> Task<Result<std::string>> { co_return std::string(1025, 'r'); });
  RequestResponseOptions client_options;
  client_options.max_response_bytes = 1024;
  auto r = RequestNow("hello", client_options);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_TRUE(Contains(r.status().message(), "/sov-test/rr/1.0.0 response: message of 1025 bytes exceeds the limit of 1024"))
      << r.status().ToString();
  // The server wrote its whole response before the client refused it.
  Status s = ServedOne();
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(RequestResponse, OversizeResponseIsNotSentByTheServer) {
  RequestResponseOptions options;
  options.max_response_bytes = 1024;
  Serve(options, [](std::string) -> Task<Result<std::string>> { co_return std::string(1025, 'r'); });
  auto r = RequestNow("hello", options);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0: response of 1025 bytes exceeds the limit of 1024"))
      << s.ToString();
}

TEST_F(RequestResponse, TruncatedLengthPrefixIsRefused) {
  ServeEcho();
  auto r = RawNow(std::string("\x80", 1), true);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0 request: stream ended inside a length prefix"))
      << s.ToString();
}

TEST_F(RequestResponse, ShortBodyIsRefused) {
  ServeEcho();
  auto r = RawNow(EncodeUvarint(10) + "abc", true);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0 request: stream ended after 3 of 10 bytes")) << s.ToString();
}

TEST_F(RequestResponse, BytesAfterTheRequestAreAProtocolError) {
  ServeEcho();
  auto r = RawNow(Framed("abc") + "x", true);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0 request: bytes after the message")) << s.ToString();
}

TEST_F(RequestResponse, RequestWithoutHalfCloseTimesOut) {
  RequestResponseOptions options;
  options.deadline = 200ms;
  ServeEcho(options);
  auto r = RawNow(Framed("abc"), false);  // the client never ends its side
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0: no end of stream after the request within 200 ms"))
      << s.ToString();
}

TEST_F(RequestResponse, ServerThatNeverAnswersTimesOutOnTheClient) {
  auto release = std::make_shared<Signal>(h.ex());
  Serve({}, [release](std::string request) -> Task<Result<std::string>> {
    co_await release->Wait();
    co_return request;
  });
  RequestResponseOptions options;
  options.deadline = 200ms;
  auto r = RequestNow("anyone there?", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kAborted) << r.status().ToString();
  EXPECT_TRUE(Contains(r.status().message(), "/sov-test/rr/1.0.0: no response within 200 ms")) << r.status().ToString();
  // The handler finishes late: the client has reset the stream, so the response cannot be sent.
  // (Let the reset reach the server first: both hosts share this thread's io_context.)
  h.RunFor(100ms);
  release->Notify();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0: sending the response")) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "reset by peer")) << s.ToString();
}

TEST_F(RequestResponse, ServerDeadlineCoversTheHandler) {
  auto release = std::make_shared<Signal>(h.ex());
  RequestResponseOptions options;
  options.deadline = 200ms;
  Serve(options, [release](std::string request) -> Task<Result<std::string>> {
    co_await release->Wait();
    co_return request;
  });
  auto pending = h.Start(Request("slow", RequestResponseOptions{}));  // the client would wait 10 s
  ASSERT_TRUE(h.RunUntil([&] { return pending->has_value(); }));    // the server's reset ends it
  const Result<std::string>& r = **pending;
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
  release->Notify();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kAborted) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0: no response sent within 200 ms")) << s.ToString();
}

TEST_F(RequestResponse, ClientThatNeverSendsTimesOutOnTheServer) {
  RequestResponseOptions options;
  options.deadline = 200ms;
  ServeEcho(options);
  auto stream = h.AwaitResult(Open());
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kAborted) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "/sov-test/rr/1.0.0: no request within 200 ms")) << s.ToString();
  // The client's stream was reset.
  auto r = h.AwaitResult(ReadAll(*stream));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
}

TEST_F(RequestResponse, HandlerErrorResetsTheStreamAndIsReturned) {
  Serve({}, [](std::string request) -> Task<Result<std::string>> {
    co_return Status::NotFound("no record named " + request);
  });
  auto r = RequestNow("ghost");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "/sov-test/rr/1.0.0 response: yamux stream")) << r.status().ToString();
  EXPECT_TRUE(Contains(r.status().message(), "reset by peer")) << r.status().ToString();
  Status s = ServedOne();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(s.message(), "/sov-test/rr/1.0.0: handler: no record named ghost");
}

TEST_F(RequestResponse, TwentyConcurrentRequestsOnOneConnectionGetTheirOwnAnswers) {
  constexpr size_t kRequests = 20;
  Serve({}, [](std::string request) -> Task<Result<std::string>> { co_return "answer to " + request; });
  const uint64_t conn = client->host->Connection(server->id())->id;
  std::vector<std::shared_ptr<std::optional<Result<std::string>>>> results;
  for (size_t i = 0; i < kRequests; ++i) {
    results.push_back(h.Start(Request(fmt::format("request {}", i), RequestResponseOptions{})));
  }
  ASSERT_TRUE(h.RunUntil([&] {
    for (const auto& r : results) {
      if (!r->has_value()) return false;
    }
    return true;
  }));
  for (size_t i = 0; i < kRequests; ++i) {
    const Result<std::string>& r = **results[i];
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    EXPECT_EQ(*r, fmt::format("answer to request {}", i));
  }
  ASSERT_TRUE(h.RunUntil([&] { return served.size() == kRequests; }));
  for (const Status& s : served) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(client->host->Connection(server->id())->id, conn);
  EXPECT_EQ(client->host->connection_count(), 1u);
}

TEST_F(RequestResponse, EmptyRequestAndEmptyResponse) {
  std::optional<std::string> seen;
  Serve({}, [&seen](std::string request) -> Task<Result<std::string>> {
    seen = request;
    co_return std::string();
  });
  auto r = RequestNow("");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "");
  Status s = ServedOne();
  EXPECT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, "");
}

// ---------------------------------------------------------------------------------------------
// DecodeSingleMessage: the framing check alone.

TEST(RequestResponseDecode, MessageAtTheLimit) {
  const std::string body(300, 'b');
  const std::string bytes = Framed(body);
  auto r = DecodeSingleMessage(bytes, 300, "t");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, body);
  EXPECT_EQ(r->data(), bytes.data() + 2);  // a view into the input, after the 2-byte prefix
}

TEST(RequestResponseDecode, EmptyMessage) {
  auto r = DecodeSingleMessage(std::string(1, '\0'), 0, "t");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "");
}

TEST(RequestResponseDecode, OneByteOverTheLimit) {
  auto r = DecodeSingleMessage(Framed(std::string(301, 'b')), 300, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_EQ(r.status().message(), "t: message of 301 bytes (length prefix at offset 0) exceeds the limit of 300");
}

TEST(RequestResponseDecode, TruncatedPrefix) {
  auto r = DecodeSingleMessage(std::string("\x80", 1), 300, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "t: length prefix truncated at offset 1");
  auto empty = DecodeSingleMessage("", 300, "t");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "t: length prefix truncated at offset 0");
}

TEST(RequestResponseDecode, TenBytePrefix) {
  const std::string prefix = std::string(9, '\xff') + "\x01";
  auto r = DecodeSingleMessage(prefix + "body", 300, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "t: length prefix at offset 0: uvarint longer than 9 bytes");
  auto non_minimal = DecodeSingleMessage(std::string("\x81\x00", 2) + "b", 300, "t");
  ASSERT_FALSE(non_minimal.ok());
  EXPECT_EQ(non_minimal.status().message(), "t: length prefix at offset 0: uvarint is not minimally encoded");
}

TEST(RequestResponseDecode, ShortBody) {
  auto r = DecodeSingleMessage(EncodeUvarint(10) + "abc", 300, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "t: message of 10 bytes starting at offset 1 is cut short at offset 4");
}

TEST(RequestResponseDecode, TrailingBytes) {
  auto r = DecodeSingleMessage(Framed("abc") + "xy", 300, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "t: 2 trailing bytes at offset 4 after the message");
}

}  // namespace
}  // namespace sov::p2p
