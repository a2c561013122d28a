// A connection secured with Noise: runs the XX handshake over a raw ByteStream (2-byte big-endian
// framing), then is itself a ByteStream that encrypts writes in frames of at most 65519 plaintext
// bytes and decrypts reads. A frame that fails to decrypt ends the connection.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "node/p2p/transport/byte_stream.h"
#include "node/p2p/wire/noise.h"

namespace sov::p2p {

class NoiseConnection final : public ByteStream {
 public:
  struct Failure {
    NoiseError error = NoiseError::kNone;  // kNone: the I/O failed, not the cryptography
    Status status;
  };
  struct Upgraded {
    std::shared_ptr<NoiseConnection> connection;
    PeerId remote;
    std::string remote_identity_key;
    std::vector<std::string> remote_stream_muxers;
  };
  // Runs the handshake on `raw`. `expected_remote`: the peer id being dialled, if known.
  static Task<std::variant<Upgraded, Failure>> Handshake(std::shared_ptr<ByteStream> raw, NoiseHandshake::Role role,
                                                         const Signer& identity, std::optional<PeerId> expected_remote,
                                                         NoiseOptions options = {});

  Task<Result<size_t>> ReadSome(std::span<char> buffer) override;
  Task<Status> Write(std::string_view data) override;
  Task<Status> CloseWrite() override { return raw_->CloseWrite(); }
  void Reset() override { raw_->Reset(); }

  NoiseConnection(std::shared_ptr<ByteStream> raw, NoiseTransport transport, std::string read_ahead)
      : raw_(std::move(raw)), transport_(std::move(transport)), in_(std::move(read_ahead)) {}

 private:
  // Reads and decrypts one whole frame from the raw stream, using and refilling `in_`; nullopt at
  // the clean end of the stream (between frames).
  Task<Result<std::optional<std::string>>> ReadFrame();

  std::shared_ptr<ByteStream> raw_;
  NoiseTransport transport_;
  std::string in_;          // raw bytes read but not yet framed
  std::string plain_;       // decrypted bytes not yet returned
  size_t plain_offset_ = 0;
  Status failed_;           // sticky: a decrypt failure ends the connection
};

}  // namespace sov::p2p
