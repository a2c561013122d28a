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

}  // namespace
}  // namespace sov
