#include "node/p2p/transport/noise_connection.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace sov::p2p {
namespace {

// ReadFrame asks the socket for the rest of the frame being assembled plus this much: a bulk
// transfer takes one read per frame, small frames arrive a few per read, and only what a read may
// fill is zero-filled (std::string::resize) and shifted out after the frame (erase).
constexpr size_t kReadAhead = 4096;

std::string Frame(std::string_view message) {
  std::string out;
  out.reserve(2 + message.size());
  out.push_back(static_cast<char>(message.size() >> 8));
  out.push_back(static_cast<char>(message.size() & 0xff));
  out.append(message);
  return out;
}

// Reads one framed handshake message; `in` keeps what was read past it.
Task<Result<std::string>> ReadHandshakeFrame(ByteStream& raw, std::string& in) {
  char chunk[4096];
  for (;;) {
    if (in.size() >= 2) {
      size_t length = (static_cast<uint8_t>(in[0]) << 8) | static_cast<uint8_t>(in[1]);
      if (in.size() >= 2 + length) {
        std::string message = in.substr(2, length);
        in.erase(0, 2 + length);
        co_return message;
      }
    }
    auto n = co_await raw.ReadSome(std::span<char>(chunk, sizeof chunk));
    if (!n.ok()) co_return n.status().WithContext("noise handshake");
    if (*n == 0) co_return Status::Corruption("noise handshake: connection closed by the peer");
    in.append(chunk, *n);
  }
}

}  // namespace

Task<std::variant<NoiseConnection::Upgraded, NoiseConnection::Failure>> NoiseConnection::Handshake(
    std::shared_ptr<ByteStream> raw, NoiseHandshake::Role role, const Signer& identity,
    std::optional<PeerId> expected_remote, NoiseOptions options) {
  NoiseHandshake hs(role, identity, std::move(expected_remote), std::move(options));
  std::string in;
  auto io_failure = [](const Status& s) { return Failure{NoiseError::kNone, s}; };
  auto noise_failure = [&](const Status& s) { return Failure{hs.error(), s}; };
  if (role == NoiseHandshake::Role::kInitiator) {
    auto a = hs.WriteMessageA();
    if (!a.ok()) co_return noise_failure(a.status());
    if (Status s = co_await raw->Write(Frame(*a)); !s.ok()) co_return io_failure(s);
    auto b = co_await ReadHandshakeFrame(*raw, in);
    if (!b.ok()) co_return io_failure(b.status());
    if (Status s = hs.ReadMessageB(*b); !s.ok()) co_return noise_failure(s);
    auto c = hs.WriteMessageC();
    if (!c.ok()) co_return noise_failure(c.status());
    if (Status s = co_await raw->Write(Frame(*c)); !s.ok()) co_return io_failure(s);
  } else {
    auto a = co_await ReadHandshakeFrame(*raw, in);
    if (!a.ok()) co_return io_failure(a.status());
    if (Status s = hs.ReadMessageA(*a); !s.ok()) co_return noise_failure(s);
    auto b = hs.WriteMessageB();
    if (!b.ok()) co_return noise_failure(b.status());
    if (Status s = co_await raw->Write(Frame(*b)); !s.ok()) co_return io_failure(s);
    auto c = co_await ReadHandshakeFrame(*raw, in);
    if (!c.ok()) co_return io_failure(c.status());
    if (Status s = hs.ReadMessageC(*c); !s.ok()) co_return noise_failure(s);
  }
  auto transport = hs.Split();
  if (!transport.ok()) co_return noise_failure(transport.status());
  Upgraded up;
  up.connection = std::make_shared<NoiseConnection>(std::move(raw), std::move(*transport), std::move(in));
  up.remote = hs.remote_peer_id();
  up.remote_identity_key = hs.remote_identity_key();
  up.remote_stream_muxers = hs.remote_stream_muxers();
  co_return up;
}

Task<Result<std::optional<std::string>>> NoiseConnection::ReadFrame() {
  for (;;) {
    if (in_.size() >= 2) {
      size_t length = (static_cast<uint8_t>(in_[0]) << 8) | static_cast<uint8_t>(in_[1]);
      if (length < kNoiseTagBytes) {
        co_return Status::Corruption(fmt::format("noise: frame of {} bytes is shorter than its tag", length));
      }
      if (in_.size() >= 2 + length) {
        std::string plain;
        plain.reserve(length - kNoiseTagBytes);
        Status s = transport_.recv.Decrypt(std::string_view(in_).substr(2, length), &plain);
        in_.erase(0, 2 + length);
        if (!s.ok()) co_return s.WithContext("noise: frame failed to decrypt");
        co_return std::optional<std::string>(std::move(plain));
      }
    }
    size_t old = in_.size();
    size_t want = kReadAhead;
    if (old >= 2) want += 2 + ((static_cast<uint8_t>(in_[0]) << 8) | static_cast<uint8_t>(in_[1])) - old;
    in_.resize(old + want);
    auto n = co_await raw_->ReadSome(std::span<char>(in_.data() + old, want));
    in_.resize(old + (n.ok() ? *n : 0));
    if (!n.ok()) co_return n.status();
    if (*n == 0) {
      if (in_.empty()) co_return std::optional<std::string>();  // clean end between frames
      co_return Status::Corruption(fmt::format("noise: connection ended inside a frame ({} bytes of it)", in_.size()));
    }
  }
}

Task<Result<size_t>> NoiseConnection::ReadSome(std::span<char> buffer) {
  if (!failed_.ok()) co_return failed_;
  while (plain_offset_ == plain_.size()) {
    auto frame = co_await ReadFrame();
    if (!frame.ok()) {
      if (frame.status().IsCorruption()) failed_ = frame.status();
      co_return frame.status();
    }
    if (!frame->has_value()) co_return size_t{0};
    plain_ = std::move(**frame);
    plain_offset_ = 0;
  }
  size_t n = std::min(buffer.size(), plain_.size() - plain_offset_);
  std::memcpy(buffer.data(), plain_.data() + plain_offset_, n);
  plain_offset_ += n;
  co_return n;
}

Task<Status> NoiseConnection::Write(std::string_view data) {
  if (!failed_.ok()) co_return failed_;
  std::string out;
  out.reserve(data.size() + (data.size() / kNoiseMaxPlaintext + 1) * (2 + kNoiseTagBytes));
  while (!data.empty()) {
    size_t n = std::min(data.size(), kNoiseMaxPlaintext);
    size_t at = out.size();
    out.append(2, '\0');
    Status s = transport_.send.Encrypt(data.substr(0, n), &out);
    if (!s.ok()) co_return s;
    size_t length = out.size() - at - 2;
    out[at] = static_cast<char>(length >> 8);
    out[at + 1] = static_cast<char>(length & 0xff);
    data.remove_prefix(n);
  }
  co_return co_await raw_->Write(out);
}

}  // namespace sov::p2p
