// Multiaddr text <-> binary for ip4, ip6, dns, dns4, dns6, tcp, udp, p2p and quic-v1. Every length
// is bounded when reading bytes; errors quote the address and name the part that is wrong.
#include "node/p2p/wire/multiaddr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

#include "store/base/varint.h"

namespace sov::p2p {
namespace {

constexpr size_t kMaxDnsName = 255;
constexpr size_t kMaxPeerIdBytes = 128;

enum class ValueKind { kNone, kIp4, kIp6, kPort, kDnsName, kPeerId };

struct ProtocolInfo {
  MultiaddrProtocol protocol;
  std::string_view name;
  ValueKind kind;
};

constexpr ProtocolInfo kProtocols[] = {
    {MultiaddrProtocol::kIp4, "ip4", ValueKind::kIp4},
    {MultiaddrProtocol::kTcp, "tcp", ValueKind::kPort},
    {MultiaddrProtocol::kUdp, "udp", ValueKind::kPort},
    {MultiaddrProtocol::kDns, "dns", ValueKind::kDnsName},
    {MultiaddrProtocol::kDns4, "dns4", ValueKind::kDnsName},
    {MultiaddrProtocol::kDns6, "dns6", ValueKind::kDnsName},
    {MultiaddrProtocol::kIp6, "ip6", ValueKind::kIp6},
    {MultiaddrProtocol::kP2p, "p2p", ValueKind::kPeerId},
    {MultiaddrProtocol::kQuicV1, "quic-v1", ValueKind::kNone},
};

const ProtocolInfo* FindByName(std::string_view name) {
  if (name == "ipfs") name = "p2p";  // legacy name of /p2p
  for (const auto& p : kProtocols) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const ProtocolInfo* FindByCode(uint64_t code) {
  for (const auto& p : kProtocols) {
    if (static_cast<uint64_t>(p.protocol) == code) return &p;
  }
  return nullptr;
}

const ProtocolInfo& Info(MultiaddrProtocol protocol) {
  const ProtocolInfo* p = FindByCode(static_cast<uint64_t>(protocol));
  return p != nullptr ? *p : kProtocols[0];  // parts are only built from the table
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Checks a DNS name value (text or binary): non-empty, bounded, no '/' or NUL.
std::optional<std::string> DnsNameProblem(std::string_view name) {
  if (name.empty()) return "empty name";
  if (name.size() > kMaxDnsName) return "name of " + std::to_string(name.size()) + " bytes is too long";
  if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return "name contains '/' or NUL";
  }
  return std::nullopt;
}

std::string IpText(int family, std::string_view bytes) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(family, bytes.data(), buf, sizeof(buf)) == nullptr) return "?";
  return buf;
}

// The text value of a part (empty for protocols without one).
std::string ValueText(const MultiaddrPart& part) {
  switch (Info(part.protocol).kind) {
    case ValueKind::kNone:
      return "";
    case ValueKind::kIp4:
      return IpText(AF_INET, part.value);
    case ValueKind::kIp6:
      return IpText(AF_INET6, part.value);
    case ValueKind::kPort:
      return std::to_string((static_cast<uint8_t>(part.value[0]) << 8) | static_cast<uint8_t>(part.value[1]));
    case ValueKind::kDnsName:
      return part.value;
    case ValueKind::kPeerId: {
      auto id = PeerId::FromBytes(part.value);
      return id.ok() ? id->ToString() : "?";
    }
  }
  return "";
}

// Text value -> binary value; the error says what is wrong with the value (without the address).
Result<std::string> ParseValue(const ProtocolInfo& info, std::string_view value) {
  switch (info.kind) {
    case ValueKind::kNone:
      return std::string();
    case ValueKind::kIp4:
    case ValueKind::kIp6: {
      const bool v4 = info.kind == ValueKind::kIp4;
      unsigned char buf[16];
      const std::string text(value);
      if (inet_pton(v4 ? AF_INET : AF_INET6, text.c_str(), buf) != 1) {
        return Status::InvalidArgument(std::string("bad ") + std::string(info.name) + " address " + Quote(value));
      }
      return std::string(reinterpret_cast<const char*>(buf), v4 ? 4 : 16);
    }
    case ValueKind::kPort: {
      uint32_t port = 0;
      bool ok = !value.empty() && value.size() <= 5;
      for (char c : value) {
        if (c < '0' || c > '9') {
          ok = false;
          break;
        }
        port = port * 10 + static_cast<uint32_t>(c - '0');
      }
      if (!ok || port > 65535) {
        return Status::InvalidArgument(std::string("bad ") + std::string(info.name) + " port " + Quote(value) +
                                       " (want 0..65535)");
      }
      return std::string{static_cast<char>(port >> 8), static_cast<char>(port & 0xff)};
    }
    case ValueKind::kDnsName:
      if (auto problem = DnsNameProblem(value)) {
        return Status::InvalidArgument(std::string("bad ") + std::string(info.name) + " " + Quote(value) + ": " +
                                       *problem);
      }
      return std::string(value);
    case ValueKind::kPeerId: {
      auto id = PeerId::Parse(value);
      if (!id.ok()) return id.status().WithContext("bad p2p value");
      return id->bytes();
    }
  }
  return Status::InvalidArgument("unknown value kind");
}

// Binary value at the front of `in` -> (value, bytes consumed).
Status ReadValue(const ProtocolInfo& info, std::string_view in, std::string* value, size_t* used) {
  size_t fixed = 0;
  switch (info.kind) {
    case ValueKind::kNone:
      *used = 0;
      value->clear();
      return Status::OK();
    case ValueKind::kIp4:
      fixed = 4;
      break;
    case ValueKind::kIp6:
      fixed = 16;
      break;
    case ValueKind::kPort:
      fixed = 2;
      break;
    case ValueKind::kDnsName:
    case ValueKind::kPeerId:
      break;
  }
  const std::string name(info.name);
  if (fixed != 0) {
    if (in.size() < fixed) {
      return Status::Corruption(name + " value needs " + std::to_string(fixed) + " bytes, " +
                                std::to_string(in.size()) + " left");
    }
    *value = std::string(in.substr(0, fixed));
    *used = fixed;
    return Status::OK();
  }
  uint64_t length = 0;
  auto n = DecodeUvarint(in, &length);
  if (!n.ok()) return n.status().WithContext(name + " value length");
  if (*n == 0) return Status::Corruption(name + " value length is truncated");
  const size_t limit = info.kind == ValueKind::kDnsName ? kMaxDnsName : kMaxPeerIdBytes;
  if (length > limit) {
    return Status::Corruption(name + " value of " + std::to_string(length) + " bytes exceeds " +
                              std::to_string(limit));
  }
  if (length > in.size() - *n) {
    return Status::Corruption(name + " value of " + std::to_string(length) + " bytes, " +
                              std::to_string(in.size() - *n) + " left");
  }
  std::string_view v = in.substr(*n, static_cast<size_t>(length));
  if (info.kind == ValueKind::kDnsName) {
    if (auto problem = DnsNameProblem(v)) return Status::Corruption(name + ": " + *problem);
  } else {
    auto id = PeerId::FromBytes(v);
    if (!id.ok()) return id.status().WithContext("p2p value");
  }
  *value = std::string(v);
  *used = *n + static_cast<size_t>(length);
  return Status::OK();
}

}  // namespace

Result<Multiaddr> Multiaddr::Parse(std::string_view text) {
  const std::string where = "multiaddr " + Quote(text.size() > 300 ? text.substr(0, 300) : text);
  if (text.empty() || text[0] != '/') return Status::InvalidArgument(where + ": must start with '/'");
  std::string_view rest = text.substr(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);  // tolerate one trailing '/'
  std::vector<std::string_view> items;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    items.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
    if (rest.empty()) items.push_back(rest);  // "a//" style: an empty last component
  }
  Multiaddr out;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string_view name = items[i];
    if (name.empty()) return Status::InvalidArgument(where + ": empty protocol name");
    const ProtocolInfo* info = FindByName(name);
    if (info == nullptr) return Status::InvalidArgument(where + ": unknown protocol " + Quote(name));
    std::string value;
    if (info->kind != ValueKind::kNone) {
      if (++i == items.size()) {
        const char* what = info->kind == ValueKind::kPort      ? "port"
                           : info->kind == ValueKind::kPeerId  ? "peer id"
                           : info->kind == ValueKind::kDnsName ? "name"
                                                               : "address";
        return Status::InvalidArgument(where + ": missing " + std::string(info->name) + " " + what);
      }
      auto parsed = ParseValue(*info, items[i]);
      if (!parsed.ok()) return parsed.status().WithContext(where);
      value = std::move(*parsed);
    }
    out.parts_.push_back(MultiaddrPart{info->protocol, std::move(value)});
  }
  return out;
}

Result<Multiaddr> Multiaddr::FromBytes(std::string_view bytes) {
  Multiaddr out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    const std::string where = "multiaddr bytes at offset " + std::to_string(pos);
    uint64_t code = 0;
    auto n = DecodeUvarint(bytes.substr(pos), &code);
    if (!n.ok()) return n.status().WithContext(where + ": protocol code");
    if (*n == 0) return Status::Corruption(where + ": truncated protocol code");
    const ProtocolInfo* info = FindByCode(code);
    if (info == nullptr) return Status::Corruption(where + ": unknown protocol code " + Hex(code));
    pos += *n;
    MultiaddrPart part{info->protocol, {}};
    size_t used = 0;
    Status s = ReadValue(*info, bytes.substr(pos), &part.value, &used);
    if (!s.ok()) return s.WithContext(where);
    pos += used;
    out.parts_.push_back(std::move(part));
  }
  return out;
}

Result<Multiaddr> Multiaddr::FromTcp(std::string_view ip, uint16_t port) {
  const std::string text(ip);
  unsigned char buf[16];
  Multiaddr out;
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    out.parts_.push_back({MultiaddrProtocol::kIp4, std::string(reinterpret_cast<char*>(buf), 4)});
  } else if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    static constexpr unsigned char kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(buf, buf + 12, kV4Mapped)) {
      // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; they are ip4 addresses.
      out.parts_.push_back({MultiaddrProtocol::kIp4, std::string(reinterpret_cast<char*>(buf) + 12, 4)});
    } else {
      out.parts_.push_back({MultiaddrProtocol::kIp6, std::string(reinterpret_cast<char*>(buf), 16)});
    }
  } else {
    return Status::InvalidArgument("tcp endpoint: bad IP address " + Quote(ip));
  }
  out.parts_.push_back({MultiaddrProtocol::kTcp, std::string{static_cast<char>(port >> 8),
                                                             static_cast<char>(port & 0xff)}});
  return out;
}

std::string Multiaddr::ToString() const {
  std::string out;
  for (const auto& part : parts_) {
    const ProtocolInfo& info = Info(part.protocol);
    out += "/";
    out += info.name;
    if (info.kind != ValueKind::kNone) {
      out += "/";
      out += ValueText(part);
    }
  }
  return out;
}

std::string Multiaddr::ToBytes() const {
  std::string out;
  for (const auto& part : parts_) {
    const ProtocolInfo& info = Info(part.protocol);
    AppendUvarint(out, static_cast<uint64_t>(part.protocol));
    if (info.kind == ValueKind::kDnsName || info.kind == ValueKind::kPeerId) AppendUvarint(out, part.value.size());
    out += part.value;
  }
  return out;
}

Result<Multiaddr::TcpTarget> Multiaddr::Tcp() const {
  const std::string where = "multiaddr " + Quote(ToString());
  const size_t n = parts_.size();
  const bool shape = (n == 2 || (n == 3 && parts_[2].protocol == MultiaddrProtocol::kP2p)) &&
                     parts_[1].protocol == MultiaddrProtocol::kTcp;
  if (!shape) {
    return Status::InvalidArgument(where + ": not a TCP address (want /<ip4|ip6|dns|dns4|dns6>/<host>/tcp/<port>"
                                           "[/p2p/<id>])");
  }
  const MultiaddrPart& host = parts_[0];
  const ValueKind kind = Info(host.protocol).kind;
  if (kind != ValueKind::kIp4 && kind != ValueKind::kIp6 && kind != ValueKind::kDnsName) {
    return Status::InvalidArgument(where + ": " + std::string(Info(host.protocol).name) +
                                   " is not a host (want ip4, ip6, dns, dns4 or dns6)");
  }
  TcpTarget target{host.protocol, ValueText(host),
                   static_cast<uint16_t>((static_cast<uint8_t>(parts_[1].value[0]) << 8) |
                                         static_cast<uint8_t>(parts_[1].value[1]))};
  return target;
}

std::optional<PeerId> Multiaddr::peer_id() const {
  if (parts_.empty() || parts_.back().protocol != MultiaddrProtocol::kP2p) return std::nullopt;
  auto id = PeerId::FromBytes(parts_.back().value);
  if (!id.ok()) return std::nullopt;
  return *id;
}

Multiaddr Multiaddr::WithPeerId(const PeerId& id) const {
  Multiaddr out = WithoutPeerId();
  out.parts_.push_back({MultiaddrProtocol::kP2p, id.bytes()});
  return out;
}

Multiaddr Multiaddr::WithoutPeerId() const {
  Multiaddr out = *this;
  if (!out.parts_.empty() && out.parts_.back().protocol == MultiaddrProtocol::kP2p) out.parts_.pop_back();
  return out;
}

}  // namespace sov::p2p
