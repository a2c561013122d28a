// Every control-socket command, declared once: its name, its request fields and the fields of its
// success response (besides "ok"). The server validates requests against these before calling a
// handler; the CLI checks responses against them before reading. To add a command: add a
// CommandSpec here and to kAllCommands, register its handler in node/node.cc, add a CLI file.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "node/gateway/control/fields.h"

namespace sov::node::control {

struct CommandSpec {
  std::string_view name;
  std::span<const Field> request;   // besides "cmd"
  std::span<const Field> response;  // besides "ok"
};

namespace spec {

using enum FieldType;

// One connection as "peers" lists it and "connect" returns it.
inline constexpr Field kConnection[] = {
    {"peerId", kString},      {"did", kString},         {"address", kString},       {"direction", kString},
    {"openedAtNs", kInt},     {"streams", kInt},        {"identified", kBool},      {"agentVersion", kString},
    {"protocolVersion", kString}, {"protocols", kArray}, {"listenAddrs", kArray},   {"observedAddr", kString}};

inline constexpr Field kStatusResponse[] = {
    {"peerId", kString},  {"did", kString},         {"version", kString},     {"listenAddrs", kArray},
    {"connectedPeers", kInt}, {"maxPeers", kInt},   {"lowWatermark", kInt},   {"protocols", kArray},
    {"startedAtNs", kInt}, {"eventsRecorded", kInt}, {"features", kObject}};
inline constexpr Field kIdentityResponse[] = {
    {"peerId", kString}, {"did", kString}, {"keyFile", kString}, {"listenAddrs", kArray}};
inline constexpr Field kPeersResponse[] = {{"peers", kArray}};
inline constexpr Field kConnectRequest[] = {{"addr", kString}};
inline constexpr Field kConnectResponse[] = {{"peer", kObject}};
inline constexpr Field kPeerRequest[] = {{"peer", kString}};  // peer id or did:key
inline constexpr Field kDisconnectResponse[] = {{"peerId", kString}, {"closed", kInt}};
inline constexpr Field kPingResponse[] = {{"peerId", kString}, {"rttNs", kInt}};

}  // namespace spec

inline constexpr CommandSpec kStatus{"status", {}, spec::kStatusResponse};
inline constexpr CommandSpec kIdentity{"identity", {}, spec::kIdentityResponse};
inline constexpr CommandSpec kPeers{"peers", {}, spec::kPeersResponse};
inline constexpr CommandSpec kConnect{"connect", spec::kConnectRequest, spec::kConnectResponse};
inline constexpr CommandSpec kDisconnect{"disconnect", spec::kPeerRequest, spec::kDisconnectResponse};
inline constexpr CommandSpec kPing{"ping", spec::kPeerRequest, spec::kPingResponse};
inline constexpr CommandSpec kStop{"stop", {}, {}};

inline constexpr std::array<const CommandSpec*, 7> kAllCommands = {&kStatus,     &kIdentity, &kPeers, &kConnect,
                                                                   &kDisconnect, &kPing,     &kStop};

}  // namespace sov::node::control
