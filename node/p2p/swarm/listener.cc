#include "node/p2p/swarm/listener.h"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <string>

#include <asio/ip/v6_only.hpp>
#include <fmt/format.h>

namespace sov::p2p {

using asio::ip::tcp;

namespace {

// This machine's addresses for a wildcard listener (loopback included).
std::vector<std::string> InterfaceAddresses(bool v6) {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* it = list; it; it = it->ifa_next) {
    if (!it->ifa_addr) continue;
    if (!v6 && it->ifa_addr->sa_family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(it->ifa_addr);
      asio::ip::address_v4::bytes_type b;
      std::memcpy(b.data(), &sin->sin_addr, 4);
      out.push_back(asio::ip::address_v4(b).to_string());
    } else if (v6 && it->ifa_addr->sa_family == AF_INET6) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(it->ifa_addr);
      asio::ip::address_v6::bytes_type b;
      std::memcpy(b.data(), &sin6->sin6_addr, 16);
      asio::ip::address_v6 a(b);
      if (!a.is_link_local()) out.push_back(a.to_string());
    }
  }
  freeifaddrs(list);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Multiaddr AddrOf(const tcp::endpoint& endpoint) {
  auto ma = Multiaddr::FromTcp(endpoint.address().to_string(), endpoint.port());
  return ma.ok() ? *ma : Multiaddr();
}

Result<BoundListener> BindListener(Executor ex, const Multiaddr& addr) {
  auto target = addr.Tcp();
  if (!target.ok()) return target.status().WithContext("listen");
  if (target->host_protocol != MultiaddrProtocol::kIp4 && target->host_protocol != MultiaddrProtocol::kIp6) {
    return Status::InvalidArgument(fmt::format("listen {}: only ip4 and ip6 addresses can be listened on", addr.ToString()));
  }
  std::error_code ec;
  auto ip = asio::ip::make_address(target->host, ec);
  if (ec) return Status::InvalidArgument(fmt::format("listen {}: {}", addr.ToString(), ec.message()));
  BoundListener out;
  out.acceptor = std::make_unique<tcp::acceptor>(ex);
  tcp::endpoint endpoint(ip, target->port);
  out.acceptor->open(endpoint.protocol(), ec);
  if (!ec) out.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec && ip.is_v6()) out.acceptor->set_option(asio::ip::v6_only(true), ec);
  if (!ec) out.acceptor->bind(endpoint, ec);
  if (!ec) out.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IOError(fmt::format("listen {}: {}", addr.ToString(), ec.message()));
  auto bound = out.acceptor->local_endpoint(ec);
  out.bound = AddrOf(bound);
  if (ip.is_unspecified()) {
    for (const auto& local : InterfaceAddresses(ip.is_v6())) {
      if (auto ma = Multiaddr::FromTcp(local, bound.port()); ma.ok()) out.addrs.push_back(*ma);
    }
  } else {
    out.addrs.push_back(out.bound);
  }
  return out;
}

}  // namespace sov::p2p
