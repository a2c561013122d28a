// The yamux frame header codec (big-endian, invalid headers refused) and the session-end names.

#include <gtest/gtest.h>

#include "support/yamux_harness.h"

namespace sov::p2p {
namespace {

using namespace yamux_testing;  // NOLINT: the harness is this test's vocabulary
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Codec.

TEST(YamuxFrame, EncodesBigEndianAndRoundTrips) {
  const std::string bytes = Frame(FrameType::kWindowUpdate, yamux::kFlagSyn | yamux::kFlagFin, 0x01020304, 0x0A0B0C0D);
  EXPECT_EQ(bytes, std::string("\x00\x01\x00\x05\x01\x02\x03\x04\x0A\x0B\x0C\x0D", 12));
  auto h = yamux::DecodeHeader(bytes);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->type, FrameType::kWindowUpdate);
  EXPECT_EQ(h->flags, yamux::kFlagSyn | yamux::kFlagFin);
  EXPECT_EQ(h->stream_id, 0x01020304u);
  EXPECT_EQ(h->length, 0x0A0B0C0Du);
  EXPECT_EQ(Frame(FrameType::kData, 0, 3, 2, "hi"), std::string("\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x02hi", 14));
  EXPECT_EQ(yamux::FlagsName(yamux::kFlagAck | yamux::kFlagRst), "ACK|RST");
}

TEST(YamuxFrame, RejectsInvalidHeaders) {
  auto bad = [](std::string bytes) {
    auto h = yamux::DecodeHeader(bytes);
    return h.ok() ? std::string("accepted") : h.status().message();
  };
  EXPECT_TRUE(Contains(bad(std::string("\x07\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00", 12)), "version 7"));
  EXPECT_TRUE(Contains(bad(std::string("\x00\x04\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00", 12)), "frame type 4"));
  EXPECT_TRUE(Contains(bad(std::string("\x00\x00\x00\x10\x00\x00\x00\x01\x00\x00\x00\x00", 12)), "flags 0x10"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kData, 0, 0, 0)), "data frame on stream 0"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kWindowUpdate, 0, 0, 5)), "window_update frame on stream 0"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kPing, yamux::kFlagSyn, 1, 0)), "ping frame on stream 1"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kPing, yamux::kFlagSyn | yamux::kFlagAck, 0, 0)), "SYN|ACK"));
  EXPECT_TRUE(Contains(bad(Frame(FrameType::kGoAway, 0, 3, 0)), "go_away frame on stream 3"));
  EXPECT_TRUE(Contains(bad("short"), "5 bytes"));
  EXPECT_EQ(bad(Frame(FrameType::kGoAway, 0, 0, 2)), "accepted");
}

TEST(YamuxEnd, SnakeCaseNames) {
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kNone), "none");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kLocalClose), "local_close");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kRemoteGoAway), "remote_go_away");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kEof), "eof");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kIoError), "io_error");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kProtocolError), "protocol_error");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kFlowControl), "flow_control");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kStreamLimit), "stream_limit");
  EXPECT_STREQ(YamuxEndName(YamuxEnd::kKeepaliveTimeout), "keepalive_timeout");
}

}  // namespace
}  // namespace sov::p2p
