#include "pipeline/triples/rdf_terms.h"

#include <cctype>
#include <cstdio>

namespace sov::pipeline {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Characters N-Triples forbids inside <…> (besides controls and space).
bool IsIriExcluded(unsigned char c) {
  return c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' || c == '\\' ||
         c == '^' || c == '`';
}

// An absolute IRI starts with a scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
bool HasScheme(std::string_view iri) {
  const size_t colon = iri.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(iri[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(iri[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// Parses one command-line pattern term (see ParseTerm); errors name the flag and the text.
class TermParser {
 public:
  TermParser(std::string_view text, std::string_view flag) : text_(text), flag_(flag) {}

  Result<RdfTerm> Parse() {
    if (text_.empty()) return Status::InvalidArgument(std::string(flag_) + ": empty term");
    if (text_[0] == '<') {
      std::string iri;
      SOV_RETURN_IF_ERROR(IriRef(&iri));
      if (pos_ != text_.size()) return Bad("unexpected text after the IRI");
      return RdfTerm::Iri(std::move(iri));
    }
    if (text_[0] == '"') return LiteralTerm();
    if (text_.starts_with("_:")) return Bad("blank nodes are not used in the sov graph");
    std::string iri;
    SOV_RETURN_IF_ERROR(NameOrBareIri(text_, &iri));
    return RdfTerm::Iri(std::move(iri));
  }

 private:
  Status Bad(const std::string& why) const {
    return Status::InvalidArgument(std::string(flag_) + ": " + why + " in term '" + std::string(text_) + "'");
  }

  // \uXXXX or \UXXXXXXXX at pos_ (just after the backslash and the letter).
  Status Uchar(size_t digits, std::string* out) {
    if (pos_ + digits > text_.size()) return Bad("truncated \\u escape");
    uint32_t cp = 0;
    for (size_t i = 0; i < digits; ++i) {
      const char c = text_[pos_ + i];
      int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (v < 0) return Bad("bad hex digit in \\u escape");
      cp = (cp << 4) | static_cast<uint32_t>(v);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return Bad("\\u escape is not a Unicode scalar value");
    pos_ += digits;
    AppendUtf8(out, cp);
    return Status::OK();
  }

  Status IriRef(std::string* out) {
    ++pos_;  // '<'
    while (pos_ < text_.size() && text_[pos_] != '>') {
      const char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) return Bad("truncated escape in IRI");
        const char k = text_[pos_++];
        if (k == 'u') {
          SOV_RETURN_IF_ERROR(Uchar(4, out));
        } else if (k == 'U') {
          SOV_RETURN_IF_ERROR(Uchar(8, out));
        } else {
          return Bad("only \\u and \\U escapes are allowed in an IRI");
        }
      } else {
        out->push_back(c);
      }
    }
    if (pos_ >= text_.size()) return Bad("missing '>'");
    ++pos_;  // '>'
    return CheckIri(*out);
  }

  Status CheckIri(std::string_view iri) const {
    if (!IriCharsOk(iri)) return Bad("character not allowed in an IRI (space, <>\"{}|\\^` or a control character)");
    if (!HasScheme(iri)) return Bad("not an absolute IRI (no scheme)");
    return Status::OK();
  }

  // prefix:local with a known prefix, or else a bare absolute IRI.
  Status NameOrBareIri(std::string_view s, std::string* out) const {
    const size_t colon = s.find(':');
    if (colon != std::string_view::npos) {
      for (const RdfPrefix& p : kRdfPrefixes) {
        if (s.substr(0, colon) == p.prefix) {
          *out = std::string(p.ns) + std::string(s.substr(colon + 1));
          return CheckIri(*out);
        }
      }
    }
    *out = std::string(s);
    return CheckIri(*out);
  }

  Result<RdfTerm> LiteralTerm() {
    ++pos_;  // '"'
    std::string lexical;
    bool closed = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') {
        closed = true;
        break;
      }
      if (c != '\\') {
        lexical.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return Bad("truncated escape in literal");
      const char k = text_[pos_++];
      switch (k) {
        case 't': lexical.push_back('\t'); break;
        case 'b': lexical.push_back('\b'); break;
        case 'n': lexical.push_back('\n'); break;
        case 'r': lexical.push_back('\r'); break;
        case 'f': lexical.push_back('\f'); break;
        case '"': lexical.push_back('"'); break;
        case '\'': lexical.push_back('\''); break;
        case '\\': lexical.push_back('\\'); break;
        case 'u': SOV_RETURN_IF_ERROR(Uchar(4, &lexical)); break;
        case 'U': SOV_RETURN_IF_ERROR(Uchar(8, &lexical)); break;
        default: return Bad(std::string("unknown escape \\") + k + " in literal");
      }
    }
    if (!closed) return Bad("unterminated literal");
    if (!IsValidUtf8(lexical)) return Bad("literal is not valid UTF-8");
    const std::string_view rest = text_.substr(pos_);
    if (rest.empty()) return RdfTerm::Literal(std::move(lexical));
    if (rest[0] == '@') return Bad("language-tagged literals are not used in the sov graph");
    if (!rest.starts_with("^^")) return Bad("unexpected text after the literal");
    pos_ += 2;
    std::string datatype;
    if (pos_ < text_.size() && text_[pos_] == '<') {
      SOV_RETURN_IF_ERROR(IriRef(&datatype));
      if (pos_ != text_.size()) return Bad("unexpected text after the datatype");
    } else {
      SOV_RETURN_IF_ERROR(NameOrBareIri(text_.substr(pos_), &datatype));
    }
    if (datatype == XsdDatatype("string")) datatype.clear();  // "x"^^xsd:string is the plain literal "x"
    return RdfTerm::Literal(std::move(lexical), std::move(datatype));
  }

  std::string_view text_;
  std::string_view flag_;
  size_t pos_ = 0;
};

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool IriCharsOk(std::string_view iri) {
  for (unsigned char c : iri) {
    if (IsIriExcluded(c)) return false;
  }
  return IsValidUtf8(iri);
}

std::string XsdDatatype(std::string_view local) { return std::string(kXsdNs) + std::string(local); }

std::string EscapeLiteral(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

std::string ToNTriples(const RdfTerm& term) {
  if (term.kind == RdfTerm::Kind::kIri) return "<" + term.value + ">";
  std::string out = "\"" + EscapeLiteral(term.value) + "\"";
  if (!term.datatype.empty()) out += "^^<" + term.datatype + ">";
  return out;
}

std::string ToNTriples(const Triple& t) {
  return ToNTriples(t.subject) + " " + ToNTriples(t.predicate) + " " + ToNTriples(t.object) + " .";
}

Result<RdfTerm> ParseTerm(std::string_view text, std::string_view flag) { return TermParser(text, flag).Parse(); }

std::string PercentEncodeIri(std::string_view id, bool component) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(id.size());
  for (char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    const bool encode = IsIriExcluded(c) || c >= 0x7f || c == '%' ||
                        (component && (c == '/' || c == '?' || c == '#'));
    if (encode) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string AgentIri(std::string_view did) {
  if (did.starts_with("did:")) return PercentEncodeIri(did, false);
  return "urn:sov:agent:" + PercentEncodeIri(did);
}

std::string FormatXsdDateTime(int64_t ns) {
  constexpr int64_t kNs = 1000000000;
  int64_t secs = ns / kNs, frac = ns % kNs;
  if (frac < 0) {
    frac += kNs;
    --secs;
  }
  int64_t days = secs / 86400, sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm; proleptic Gregorian).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", static_cast<long long>(year),
                        static_cast<long long>(month), static_cast<long long>(day),
                        static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                        static_cast<long long>(sod % 60));
  if (frac % 1000000 == 0) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%03lld", static_cast<long long>(frac / 1000000));
  } else if (frac % 1000 == 0) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%06lld", static_cast<long long>(frac / 1000));
  } else {
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%09lld", static_cast<long long>(frac));
  }
  return std::string(buf, static_cast<size_t>(n)) + "Z";
}

}  // namespace sov::pipeline
