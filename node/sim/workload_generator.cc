#include "node/sim/workload_generator.h"

#include <string>
#include <vector>

#include "node/identity/peer_id.h"
#include "store/base/crypto.h"

namespace sov::node::workload_internal {

Generator::Generator(const WorkloadOptions& o) : opt(o), rng(o.seed) {
  (void)crypto::Init();
  if (opt.peers == 0) opt.peers = 1;
  now = opt.start_ns;
  origin = OriginIdentity(opt.seed);
  if (!opt.origin_did.empty()) {
    origin.did = opt.origin_did;
    origin.peer_id.clear();
    auto pk = crypto::PublicKeyFromDidKey(opt.origin_did);
    if (pk.ok()) origin.peer_id = identity::PeerId::FromEd25519(*pk).ToString();
    origin.wallet = WalletOf(origin.did);
  } else {
    opt.origin_did = origin.did;
  }
  peers.resize(opt.peers);
  ids.resize(opt.peers);
  for (uint32_t i = 0; i < opt.peers; ++i) peers[i].profile = kProfilePattern[(i + opt.seed) % 10];
  next_restart = static_cast<uint64_t>(rng.Range(1200, 2400));
  next_revoke_all = static_cast<uint64_t>(rng.Range(3000, 4500));
}

void Generator::Step() {
  if (!started) {
    Start(true);
    return;
  }
  if (generated >= next_restart) {
    Restart();
    next_restart = generated + static_cast<uint64_t>(rng.Range(4000, 12000));
    return;
  }
  if (generated >= next_revoke_all && !sessions.empty()) {
    RevokeAll();
    next_revoke_all = generated + static_cast<uint64_t>(rng.Range(15000, 40000));
    return;
  }
  // Continue a call in flight with probability n/(n+3); always at the cap.
  const size_t n = calls.size();
  if (n > 0 && (n >= kMaxOpenCalls || rng.Below(n + 3) < n)) {
    now += rng.Range(1, 250) * kMs;
    Expire();
    StepCall(PickDueCall());
    return;
  }
  AdvanceIdle();
  Expire();
  bool ok = false;
  switch (rng.Weighted({420, 150, 100, 35, 45, 30, 50, 8, 14, 25, 1, 6})) {
    case 0: ok = StartCall(); break;
    case 1: ok = DoWorkspace(); break;
    case 2: ok = DoTeam(); break;
    case 3: ok = Discover(static_cast<uint32_t>(rng.Below(opt.peers))); break;
    case 4: ok = Connect(static_cast<uint32_t>(rng.Skewed(opt.peers))); break;
    case 5: ok = Disconnect(); break;
    case 6: ok = Handshake(); break;
    case 7: ok = Revoke(); break;
    case 8: ok = ChangeRules(); break;
    case 9: ok = SettleDebts(); break;
    case 10: ok = IdleGap(); break;
    default: ok = Handshake(600); break;
  }
  if (!ok) ok = StartCall();
  if (!ok) Discover(static_cast<uint32_t>(rng.Below(opt.peers)));
}

// Time between unrelated activities: bursts of milliseconds, quiet spells of minutes.
void Generator::AdvanceIdle() {
  switch (rng.Weighted({500, 350, 130, 20})) {
    case 0: now += rng.Range(5, 2000) * kMs; break;
    case 1: now += rng.Range(2, 30) * kSec; break;
    case 2: now += rng.Range(30, 180) * kSec; break;
    default: now += rng.Range(3, 30) * kMin; break;
  }
}

bool Generator::IdleGap() {  // a quiet stretch of hours; a peer's idle connection is closed
  now += rng.Range(1, 8) * kHour;
  Expire();
  if (connected.empty()) return false;
  const uint32_t p = connected[rng.Below(connected.size())];
  EmitDisconnected(p, fb::DisconnectReason::IdleTimeout);
  return true;
}

void Generator::Start(bool first) {
  const int64_t ts = Tick();
  const auto did = S(origin.did);
  const auto pid = S(origin.peer_id);
  const auto version = S(kVersion);
  const std::vector<std::string> listen = {"/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001",
                                           "/ip4/0.0.0.0/udp/4001/quic-v1"};
  const auto addrs = F().CreateVectorOfStrings(listen);
  Emit(ts, fb::Event::NodeStarted, fb::CreateNodeStarted(F(), did, pid, version, addrs));
  started = true;
  if (first) {
    // Deny-all by default; a global allow for the everyday tools and a global deny.
    AddRule(-1, fb::FirewallAction::Allow, {"web_*", "summarize", "translate", "echo", "vector_search"}, 120);
    AddRule(-1, fb::FirewallAction::Deny, {"shell_exec"}, 0);
  }
}

void Generator::Restart() {
  while (!calls.empty()) StepCall(PickDueCall());  // calls in flight finish first
  while (!connected.empty()) EmitDisconnected(connected.back(), fb::DisconnectReason::Shutdown);
  {
    static constexpr const char* kReasons[] = {"restart", "upgrade to a new version", "host reboot", "shutdown"};
    const char* reason = rng.Pick(kReasons);
    const int64_t ts = Tick();
    const auto did = S(origin.did);
    const auto why = S(reason);
    Emit(ts, fb::Event::NodeStopped, fb::CreateNodeStopped(F(), did, why));
  }
  // Down for an hour, a night or a weekend (the first time: a weekend).
  switch (restarts++ == 0 ? 2 : rng.Weighted({35, 40, 25})) {
    case 0: now += rng.Range(5, 90) * kMin; break;
    case 1: now += rng.Range(8, 20) * kHour; break;
    default: now += rng.Range(24, 64) * kHour; break;
  }
  Start(false);
  Expire();
}

}  // namespace sov::node::workload_internal
