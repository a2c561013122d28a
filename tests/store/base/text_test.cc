// UTF-8-safe cutting: a clipped valid string stays valid, whatever the limit.
#include "store/base/text.h"

#include <gtest/gtest.h>

#include <string>

namespace sov {
namespace {

// True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or code points past U+10FFFF).
bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST(Text, ShortTextIsUnchanged) {
  EXPECT_EQ(Clip("abc", 3), "abc");
  EXPECT_EQ(Clip("abc", 10), "abc");
  EXPECT_EQ(Clip("", 0), "");
}

TEST(Text, AsciiIsCutAtTheLimit) { EXPECT_EQ(Clip("abcdef", 4), "abcd"); }

TEST(Text, NeverSplitsAMultiByteSequence) {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";  // a é € 😀 z: 1+2+3+4+1 bytes
  EXPECT_EQ(Clip(text, 1), "a");
  EXPECT_EQ(Clip(text, 2), "a");  // inside é
  EXPECT_EQ(Clip(text, 3), "a\xC3\xA9");
  EXPECT_EQ(Clip(text, 5), "a\xC3\xA9");  // inside €
  EXPECT_EQ(Clip(text, 6), "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(Clip(text, 9), "a\xC3\xA9\xE2\x82\xAC");  // inside 😀
  EXPECT_EQ(Clip(text, 10), "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  for (size_t limit = 0; limit <= text.size(); ++limit) {
    const std::string cut = Clip(text, limit);
    EXPECT_LE(cut.size(), limit);
    EXPECT_TRUE(ValidUtf8(cut)) << limit;
    EXPECT_EQ(text.compare(0, cut.size(), cut), 0);
  }
}

TEST(Text, Utf8PrefixIsAViewOfTheInput) {
  const std::string text = "\xE2\x82\xAC\xE2\x82\xAC";
  std::string_view v = Utf8Prefix(text, 4);
  EXPECT_EQ(v, "\xE2\x82\xAC");
  EXPECT_EQ(v.data(), text.data());
}

TEST(Text, SequenceLengthAcceptsOnlyWellFormedUtf8) {
  EXPECT_EQ(Utf8SequenceLength("a"), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9"), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82\xAC"), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(Utf8SequenceLength(""), 0u);
  EXPECT_EQ(Utf8SequenceLength("\x80"), 0u);              // a stray continuation byte
  EXPECT_EQ(Utf8SequenceLength("\xC0\xAF"), 0u);          // overlong "/"
  EXPECT_EQ(Utf8SequenceLength("\xE0\x80\xAF"), 0u);      // overlong, three bytes
  EXPECT_EQ(Utf8SequenceLength("\xED\xA0\x80"), 0u);      // a surrogate
  EXPECT_EQ(Utf8SequenceLength("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82"), 0u);          // truncated
  EXPECT_EQ(Utf8SequenceLength("\xFF"), 0u);
}

TEST(Text, SanitizeKeepsPrintableTextAndEscapesEverythingElse) {
  EXPECT_EQ(SanitizeText("sov/0.1 caf\xC3\xA9 \xF0\x9F\x98\x80"), "sov/0.1 caf\xC3\xA9 \xF0\x9F\x98\x80");
  // The multistream payload of issue 8: a length byte, then two bytes that are not UTF-8, then a newline.
  EXPECT_EQ(SanitizeText("\x03\xff\xfe\n"), "\\x03\xEF\xBF\xBD\xEF\xBF\xBD\\x0a");
  EXPECT_EQ(SanitizeText("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(SanitizeText("a\tb\x7f"), "a\\x09b\\x7f");
  EXPECT_EQ(SanitizeText("\xC2\x85" "next line"), "\\u0085next line");  // C1 NEL
  EXPECT_EQ(SanitizeText(std::string("nul\0byte", 8)), "nul\\x00byte");
  EXPECT_EQ(SanitizeText("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");       // each byte of a truncated sequence
}

TEST(Text, SanitizedTextIsAlwaysValidAndControlFree) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  all += "\xE2\x82\xAC\xF0\x9F";
  for (size_t limit : {size_t{0}, size_t{7}, size_t{100}, size_t{10000}}) {
    const std::string clean = SanitizeAndClip(all, limit);
    EXPECT_LE(clean.size(), limit);
    EXPECT_TRUE(ValidUtf8(clean)) << limit;
    for (unsigned char c : clean) EXPECT_FALSE(c < 0x20 || c == 0x7f) << limit;
    EXPECT_EQ(clean.find("\xC2\x80"), std::string::npos);
  }
}

}  // namespace
}  // namespace sov
