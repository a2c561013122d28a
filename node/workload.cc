#include "node/workload.h"

#include <algorithm>
#include <array>
#include <deque>
#include <optional>
#include <random>
#include <string_view>

#include "events_generated.h"
#include "store/bytes.h"
#include "store/crypto.h"
#include "store/envelope.h"

namespace sov::node {

namespace {

constexpr int64_t kUs = 1000;
constexpr int64_t kMs = 1000 * kUs;
constexpr int64_t kSec = 1000 * kMs;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kSessionTtl = 24 * kHour;
constexpr int64_t kQuoteTtl = 5 * kMin;
constexpr uint32_t kToolTimeoutMs = 15000;

// Caps on live state: the generator's memory does not grow with the number of events.
constexpr size_t kMaxLiveSessions = 512;
constexpr size_t kMaxConnected = 256;
constexpr size_t kMaxOpenCalls = 24;
constexpr size_t kMaxRules = 40;
constexpr size_t kMinTeams = 2, kMaxTeams = 8;
constexpr size_t kMinWorkspaces = 2, kMaxWorkspaces = 8;
constexpr size_t kMaxTeamWorkers = 6;
constexpr size_t kMaxWorkspaceMembers = 10;
constexpr size_t kMaxPendingBundles = 4;
constexpr size_t kMaxDebts = 256;  // older post-pay debts stay outstanding forever
constexpr size_t kRecentMessages = 8;

// The node's policy, as the generator plays it (lango §2.8, §3.2, §4, §5.2).
constexpr double kMinTrust = 0.3;
constexpr double kPostPayTrust = 0.7;
constexpr uint32_t kReputationWarmup = 8;  // outcomes before the reputation gate applies to a peer
constexpr uint32_t kMaxConsecutiveFailures = 5;
constexpr const char* kCurrency = "USDC";
constexpr const char* kVersion = "sov/0.1.0";

struct ToolSpec {
  const char* name;
  int64_t price;  // USDC micro-units; 0 = free
  uint32_t weight;
  bool dangerous;
  uint32_t typical_ms;
};
constexpr ToolSpec kTools[] = {
    {"web_search", 2000, 200, false, 900},   {"web_fetch", 1000, 110, false, 1500},
    {"summarize", 10000, 140, false, 2500},  {"translate", 5000, 80, false, 1200},
    {"echo", 0, 70, false, 20},              {"vector_search", 3000, 80, false, 300},
    {"code_review", 50000, 40, false, 6000}, {"image_caption", 20000, 40, false, 3000},
    {"kv_get", 0, 40, false, 15},            {"fs_read", 0, 30, false, 40},
    {"fs_write", 0, 20, true, 60},           {"git_diff", 0, 30, false, 200},
    {"shell_exec", 100000, 15, true, 4000},
};
constexpr size_t kToolCount = sizeof(kTools) / sizeof(kTools[0]);

// How a peer behaves: per-mille chances of a failed / timed-out call, a refused dial, a denied handshake.
struct Profile {
  uint32_t fail, timeout, dial_fail, deny;
};
constexpr Profile kProfiles[] = {
    {30, 10, 40, 20},     // reliable
    {120, 40, 90, 50},    // average
    {300, 150, 200, 120}, // flaky
    {700, 100, 300, 250}, // mostly fails
};
// Profiles by peer index: every ten consecutive peers hold each kind, so reputations always differ.
constexpr uint8_t kProfilePattern[10] = {0, 0, 1, 0, 2, 0, 1, 3, 0, 2};

constexpr const char* kWords[] = {"atlas", "borealis", "cedar", "delta", "ember", "fjord", "granite", "harbor",
                                  "indigo", "juniper", "kestrel", "lumen", "meridian", "nimbus", "onyx",
                                  "prairie", "quartz", "raven", "sierra", "tundra"};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

constexpr const char* kGoals[] = {
    "index the public research corpus and answer citation queries",
    "review pull requests of the payments service before release",
    "translate the onboarding guide into five languages",
    "benchmark vector search backends on the product catalog",
    "triage incoming bug reports and reproduce the top ten",
    "summarize weekly market data for the treasury agent",
};
constexpr size_t kGoalCount = sizeof(kGoals) / sizeof(kGoals[0]);

constexpr const char* kToolErrors[] = {"upstream returned HTTP 502", "invalid input: missing field 'query'",
                                       "sandbox: memory limit exceeded", "rate limited by upstream provider",
                                       "tool panicked: index out of range"};
constexpr const char* kDialErrors[] = {"connection refused", "i/o timeout", "no route to host",
                                       "peer id mismatch", "all dials failed"};
constexpr const char* kPaymentErrors[] = {"transaction reverted: insufficient balance",
                                          "receipt timeout after 2m0s", "nonce too low",
                                          "authorization expired before submission"};

struct Peer {
  uint8_t profile = 0;
  bool discovered = false;
  bool connected = false;
  bool card = false;
  bool session = false;
  uint8_t consecutive_failures = 0;
  uint32_t successes = 0, failures = 0, timeouts = 0;  // what the reputation view counts
  uint32_t session_gen = 0;
  uint32_t session_slot = 0;  // index in Impl::sessions while `session`
  uint32_t conn_slot = 0;     // index in Impl::connected while `connected`
  uint32_t History() const { return successes + failures + timeouts; }
  double Score() const {
    const double s = successes, f = failures, t = timeouts;
    return s / (s + 2.0 * f + 1.5 * t + 1.0);
  }
};

struct Identity {
  std::string did, peer_id, wallet;
};

struct FwRule {
  std::string id;
  int64_t peer = -1;  // -1 = "*"
  fb::FirewallAction action = fb::FirewallAction::Allow;
  std::vector<std::string> tools;
  uint32_t rate = 0;
};

enum class Stage : uint8_t { kQuote, kAuthorize, kDefer, kInvoke, kOutcome, kSettle, kDone };
enum class Mode : uint8_t { kFree, kPrepay, kPostpay };
enum class Outcome : uint8_t { kSuccess, kFailure, kTimeout };

// One tool call in flight, from the firewall's allow to its last payment event.
struct Call {
  uint32_t peer = 0;
  uint8_t tool = 0;
  Stage stage = Stage::kInvoke;
  Mode mode = Mode::kFree;
  Outcome outcome = Outcome::kSuccess;
  std::string call_id, quote_id, payment_id;
  int64_t amount = 0;
  int64_t due_ns = 0;
  int64_t invoked_ns = 0;
  int64_t quote_expires_ns = 0;
  uint32_t duration_ms = 0;
};

struct Debt {
  std::string payment_id;
  uint32_t peer = 0;
  int64_t amount = 0;
};

struct Member {
  uint32_t peer = 0;
  fb::TeamRole role = fb::TeamRole::Worker;
};

struct TeamTask {
  std::string id;
  uint8_t tool = 0;
  std::vector<uint32_t> workers;
  std::vector<uint8_t> state;  // 0 pending, 1 success, 2 failure
  std::vector<uint32_t> duration_ms;
  size_t pending = 0;
  bool infeasible = false;  // bad parameters: most workers fail whoever they are
};

struct Team {
  std::string id;
  std::optional<uint32_t> leader_peer;  // nullopt: this node leads
  uint32_t max_members = 0;
  int64_t budget = 0, spent = 0;
  std::vector<Member> members, invited;
  std::optional<TeamTask> task;
  uint32_t tasks_done = 0;
  bool budget_exhausted = false;
};

struct PendingBundle {
  std::string id;
  uint32_t from = 0;
  uint64_t size = 0;
  fb::GitRejectReason fate = fb::GitRejectReason::Unknown;  // Unknown = will be applied
};

struct Workspace {
  std::string id;
  std::vector<uint32_t> members;  // peers; this node is the creator
  std::array<std::string, kRecentMessages> recent;
  size_t recent_count = 0;
  std::vector<PendingBundle> pending;
  uint32_t messages = 0;
};

struct SessionExpiry {
  int64_t expires_ns;
  uint32_t peer, gen;
};

flatbuffers::Offset<flatbuffers::Vector<uint8_t>> Bytes(flatbuffers::FlatBufferBuilder& fbb, std::string_view s) {
  return fbb.CreateVector(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// A stand-in settlement wallet address (0x + 20 bytes) for a DID.
std::string WalletOf(const std::string& did) {
  return "0x" + ToHex(crypto::Blake2b256Of("sov.sim.wallet" + did).substr(0, 20));
}

Identity DeriveIdentity(std::string_view seed32) {
  Identity id;
  auto kp = crypto::KeyPairFromSeed(seed32);
  if (!kp.ok()) return id;  // cannot happen for a 32-byte seed
  id.did = crypto::DidKeyFromPublicKey(kp->public_key);
  id.peer_id = crypto::PeerIdFromPublicKey(kp->public_key);
  id.wallet = WalletOf(id.did);
  return id;
}

std::string PeerSeed(uint64_t seed, uint32_t index) {
  std::string m = "sov.sim.peer";
  PutBigEndian64(&m, seed);
  PutBigEndian64(&m, index);
  return crypto::Blake2b256Of(m);
}

std::string OriginSeed(uint64_t seed) {
  std::string m = "sov.sim.origin";
  PutBigEndian64(&m, seed);
  return crypto::Blake2b256Of(m);
}

}  // namespace

std::string WorkloadPeerDid(uint64_t seed, uint32_t index) {
  (void)crypto::Init();
  return DeriveIdentity(PeerSeed(seed, index)).did;
}

std::string WorkloadOriginDid(uint64_t seed) {
  (void)crypto::Init();
  return DeriveIdentity(OriginSeed(seed)).did;
}

// The generator. Determinism rule for this struct: C++ leaves the order in which a call's arguments
// (and the operands of `+`) are evaluated unspecified, so every draw from `rng` and every allocation
// in the FlatBuffers builder is a statement of its own; Create* calls only take values already made.
struct Workload::Impl {
  using Fbb = flatbuffers::FlatBufferBuilder;
  using StrOff = flatbuffers::Offset<flatbuffers::String>;

  WorkloadOptions opt;
  std::mt19937_64 rng;
  store::EnvelopeBuilder b;
  std::deque<std::string> out;  // generated, not yet handed out
  uint64_t produced = 0;
  uint64_t generated = 0;
  int64_t now = 0;

  Identity origin;
  std::vector<Peer> peers;
  std::vector<Identity> ids;  // derived on first use

  std::vector<uint32_t> sessions;      // peers with a live session
  std::deque<SessionExpiry> expiries;  // in creation order = expiry order
  std::vector<uint32_t> connected;
  std::vector<FwRule> rules;
  uint64_t rule_counter = 0;
  std::vector<Call> calls;
  std::deque<Debt> debts;
  std::vector<Team> teams;
  std::vector<Workspace> workspaces;

  bool started = false;
  uint32_t restarts = 0;
  uint64_t next_restart = 0;
  uint64_t next_revoke_all = 0;
  // Reason enums rotate (each draw takes the next value) so every value shows up early in a run.
  uint32_t deny_turn = 0, reject_turn = 0, git_turn = 0, strategy_turn = 0;
  template <class E>
  E Rotate(uint32_t* turn) {
    return static_cast<E>(1 + (*turn)++ % static_cast<uint32_t>(E::MAX));
  }

  explicit Impl(const WorkloadOptions& o) : opt(o), rng(o.seed) {
    (void)crypto::Init();
    if (opt.peers == 0) opt.peers = 1;
    now = opt.start_ns;
    origin = DeriveIdentity(OriginSeed(opt.seed));
    if (!opt.origin_did.empty()) {
      origin.did = opt.origin_did;
      origin.peer_id.clear();
      auto pk = crypto::PublicKeyFromDidKey(opt.origin_did);
      if (pk.ok()) origin.peer_id = crypto::PeerIdFromPublicKey(*pk);
      origin.wallet = WalletOf(origin.did);
    } else {
      opt.origin_did = origin.did;
    }
    peers.resize(opt.peers);
    ids.resize(opt.peers);
    for (uint32_t i = 0; i < opt.peers; ++i) peers[i].profile = kProfilePattern[(i + opt.seed) % 10];
    next_restart = static_cast<uint64_t>(Range(1200, 2400));
    next_revoke_all = static_cast<uint64_t>(Range(3000, 4500));
  }

  // ---------- randomness (integer mapping only, identical on every platform) ----------
  uint64_t Below(uint64_t n) { return n <= 1 ? 0 : rng() % n; }
  int64_t Range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1)); }
  bool Chance(uint32_t per_mille) { return Below(1000) < per_mille; }
  // Skewed toward the front: index i is picked about 1/(i+1) as often as index 0.
  size_t Skewed(size_t n) { return static_cast<size_t>(Below(Below(n) + 1)); }
  template <size_t N>
  const char* Pick(const char* const (&list)[N]) {
    return list[Below(N)];
  }
  size_t Weighted(std::initializer_list<uint32_t> weights) {
    uint32_t sum = 0;
    for (uint32_t w : weights) sum += w;
    uint64_t r = Below(sum);
    size_t i = 0;
    for (uint32_t w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return 0;
  }
  std::string RandomBytes(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; i += 8) {
      const uint64_t v = rng();
      for (size_t j = 0; j < 8 && i + j < n; ++j) s[i + j] = static_cast<char>((v >> (8 * j)) & 0xff);
    }
    return s;
  }
  std::string Hex(size_t bytes) { return ToHex(RandomBytes(bytes)); }
  std::string Uuid() {
    std::string r = RandomBytes(16);
    r[6] = static_cast<char>((r[6] & 0x0f) | 0x40);
    r[8] = static_cast<char>((r[8] & 0x3f) | 0x80);
    const std::string h = ToHex(r);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
  }
  std::string Word() { return kWords[Below(kWordCount)]; }
  std::string Num(int64_t lo, int64_t hi) { return std::to_string(Range(lo, hi)); }
  std::string Branch() {
    std::string s = "feature/" + Word();
    s += "-" + Num(1, 999);
    return s;
  }
  size_t PickTool(bool allow_dangerous) {
    uint32_t sum = 0;
    for (const auto& t : kTools) sum += t.weight;
    for (;;) {
      uint64_t r = Below(sum);
      size_t i = 0;
      for (; i + 1 < kToolCount && r >= kTools[i].weight; ++i) r -= kTools[i].weight;
      if (allow_dangerous || !kTools[i].dangerous) return i;
    }
  }

  // ---------- identities ----------
  const Identity& Id(uint32_t peer) {
    Identity& id = ids[peer];
    if (id.did.empty()) id = DeriveIdentity(PeerSeed(opt.seed, peer));
    return id;
  }
  const std::string& Did(uint32_t peer) { return Id(peer).did; }
  static std::string Address(uint32_t peer) {
    return "/ip4/10." + std::to_string((peer >> 16) & 0xff) + "." + std::to_string((peer >> 8) & 0xff) + "." +
           std::to_string(peer & 0xff) + "/tcp/" + std::to_string(4001 + peer % 7);
  }
  static std::string AgentName(uint32_t peer) { return std::string(kWords[peer % kWordCount]) + "-" + std::to_string(peer); }
  static std::vector<std::string> Capabilities(uint32_t peer) {
    std::vector<std::string> caps;
    for (size_t k = 0; k < 3; ++k) caps.emplace_back(kTools[(peer * 7 + k * 5) % kToolCount].name);
    return caps;
  }

  // ---------- emitting ----------
  // Every event is a little later than the one before it (1 µs .. 0.4 ms).
  int64_t Tick() {
    now += kUs + static_cast<int64_t>(Below(400 * kUs));
    return now;
  }
  Fbb& F() { return b.fbb(); }
  StrOff S(std::string_view s) { return F().CreateString(s.data(), s.size()); }
  template <class T>
  void Emit(int64_t ts, fb::Event type, flatbuffers::Offset<T> payload) {
    out.push_back(b.Finish(ts, origin.did, type, payload.Union()));
    ++generated;
  }

  // ---------- the main loop ----------
  void Step() {
    if (!started) {
      Start(true);
      return;
    }
    if (generated >= next_restart) {
      Restart();
      next_restart = generated + static_cast<uint64_t>(Range(4000, 12000));
      return;
    }
    if (generated >= next_revoke_all && !sessions.empty()) {
      RevokeAll();
      next_revoke_all = generated + static_cast<uint64_t>(Range(15000, 40000));
      return;
    }
    // Continue a call in flight with probability n/(n+3); always at the cap.
    const size_t n = calls.size();
    if (n > 0 && (n >= kMaxOpenCalls || Below(n + 3) < n)) {
      now += Range(1, 250) * kMs;
      Expire();
      StepCall(PickDueCall());
      return;
    }
    AdvanceIdle();
    Expire();
    bool ok = false;
    switch (Weighted({420, 150, 100, 35, 45, 30, 50, 8, 14, 25, 1, 6})) {
      case 0: ok = StartCall(); break;
      case 1: ok = DoWorkspace(); break;
      case 2: ok = DoTeam(); break;
      case 3: ok = Discover(static_cast<uint32_t>(Below(opt.peers))); break;
      case 4: ok = Connect(static_cast<uint32_t>(Skewed(opt.peers))); break;
      case 5: ok = Disconnect(); break;
      case 6: ok = Handshake(); break;
      case 7: ok = Revoke(); break;
      case 8: ok = ChangeRules(); break;
      case 9: ok = SettleDebts(); break;
      case 10: ok = IdleGap(); break;
      default: ok = Handshake(600); break;
    }
    if (!ok) ok = StartCall();
    if (!ok) Discover(static_cast<uint32_t>(Below(opt.peers)));
  }

  // Time between unrelated activities: bursts of milliseconds, quiet spells of minutes.
  void AdvanceIdle() {
    switch (Weighted({500, 350, 130, 20})) {
      case 0: now += Range(5, 2000) * kMs; break;
      case 1: now += Range(2, 30) * kSec; break;
      case 2: now += Range(30, 180) * kSec; break;
      default: now += Range(3, 30) * kMin; break;
    }
  }

  bool IdleGap() {  // a quiet stretch of hours; a peer's idle connection is closed
    now += Range(1, 8) * kHour;
    Expire();
    if (connected.empty()) return false;
    const uint32_t p = connected[Below(connected.size())];
    EmitDisconnected(p, fb::DisconnectReason::IdleTimeout);
    return true;
  }

  // ---------- node lifecycle ----------
  void Start(bool first) {
    const int64_t ts = Tick();
    const auto did = S(origin.did);
    const auto pid = S(origin.peer_id);
    const auto version = S(kVersion);
    const std::vector<std::string> listen = {"/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"};
    const auto addrs = F().CreateVectorOfStrings(listen);
    Emit(ts, fb::Event::NodeStarted, fb::CreateNodeStarted(F(), did, pid, version, addrs));
    started = true;
    if (first) {
      // Deny-all by default; a global allow for the everyday tools and a global deny.
      AddRule(-1, fb::FirewallAction::Allow, {"web_*", "summarize", "translate", "echo", "vector_search"}, 120);
      AddRule(-1, fb::FirewallAction::Deny, {"shell_exec"}, 0);
    }
  }

  void Restart() {
    while (!calls.empty()) StepCall(PickDueCall());  // calls in flight finish first
    while (!connected.empty()) EmitDisconnected(connected.back(), fb::DisconnectReason::ClosedLocally);
    {
      static constexpr const char* kReasons[] = {"restart", "upgrade to a new version", "host reboot", "shutdown"};
      const char* reason = Pick(kReasons);
      const int64_t ts = Tick();
      const auto did = S(origin.did);
      const auto why = S(reason);
      Emit(ts, fb::Event::NodeStopped, fb::CreateNodeStopped(F(), did, why));
    }
    // Down for an hour, a night or a weekend (the first time: a weekend).
    switch (restarts++ == 0 ? 2 : Weighted({35, 40, 25})) {
      case 0: now += Range(5, 90) * kMin; break;
      case 1: now += Range(8, 20) * kHour; break;
      default: now += Range(24, 64) * kHour; break;
    }
    Start(false);
    Expire();
  }

  // ---------- peers ----------
  bool Discover(uint32_t p) {
    const auto source = static_cast<fb::DiscoverySource>(1 + Weighted({25, 30, 30, 10, 5}));
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto pid = S(Id(p).peer_id);
    const auto name = S(AgentName(p));
    const auto caps = F().CreateVectorOfStrings(Capabilities(p));
    Emit(ts, fb::Event::AgentDiscovered, fb::CreateAgentDiscovered(F(), did, pid, name, caps, source));
    peers[p].discovered = true;
    return true;
  }

  void EmitCard(uint32_t p) {
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto pid = S(Id(p).peer_id);
    const auto name = S(AgentName(p));
    const auto desc = S("Agent " + AgentName(p) + ": " + kGoals[p % kGoalCount]);
    const auto caps = F().CreateVectorOfStrings(Capabilities(p));
    const std::vector<std::string> addr_list = {Address(p)};
    const auto addrs = F().CreateVectorOfStrings(addr_list);
    Emit(ts, fb::Event::AgentCardReceived, fb::CreateAgentCardReceived(F(), did, pid, name, desc, caps, addrs));
    peers[p].card = true;
  }

  void EmitConnected(uint32_t p, bool inbound) {
    if (connected.size() >= kMaxConnected) {
      const uint32_t victim = connected[Below(connected.size())];
      EmitDisconnected(victim, fb::DisconnectReason::Evicted);
    }
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto pid = S(Id(p).peer_id);
    const auto addr = S(Address(p));
    Emit(ts, fb::Event::PeerConnected, fb::CreatePeerConnected(F(), did, pid, addr, inbound));
    peers[p].connected = true;
    peers[p].conn_slot = static_cast<uint32_t>(connected.size());
    connected.push_back(p);
  }

  void EmitDisconnected(uint32_t p, fb::DisconnectReason reason) {
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto pid = S(Id(p).peer_id);
    Emit(ts, fb::Event::PeerDisconnected, fb::CreatePeerDisconnected(F(), did, pid, reason));
    Peer& peer = peers[p];
    const uint32_t slot = peer.conn_slot;
    connected[slot] = connected.back();
    peers[connected[slot]].conn_slot = slot;
    connected.pop_back();
    peer.connected = false;
  }

  bool Connect(uint32_t p) {
    Peer& peer = peers[p];
    if (peer.connected) {
      if (peer.card) return false;
      EmitCard(p);
      return true;
    }
    if (!peer.discovered && Chance(700)) return Discover(p);
    if (Chance(kProfiles[peer.profile].dial_fail)) {
      const char* error = Pick(kDialErrors);
      const int64_t ts = Tick();
      const auto pid = S(Id(p).peer_id);
      const auto addr = S(Address(p));
      const auto err = S(error);
      Emit(ts, fb::Event::PeerDialFailed, fb::CreatePeerDialFailed(F(), pid, addr, err));
      return true;
    }
    const bool inbound = Chance(400);
    EmitConnected(p, inbound);
    if (!peer.card || Chance(100)) EmitCard(p);
    return true;
  }

  bool Disconnect() {
    if (connected.empty()) return false;
    const uint32_t p = connected[Below(connected.size())];
    const auto reason = static_cast<fb::DisconnectReason>(1 + Weighted({40, 15, 15, 25, 5}));
    EmitDisconnected(p, reason);
    return true;
  }

  // ---------- handshake & sessions ----------
  // `extra_deny` (per mille) adds to the peer's own chance of a failed handshake: attempts from
  // misconfigured or hostile peers.
  bool Handshake(uint32_t extra_deny = 0) {
    std::optional<uint32_t> target;
    for (int attempt = 0; attempt < 4 && !target && !connected.empty(); ++attempt) {
      const uint32_t p = connected[Below(connected.size())];
      if (!peers[p].session) target = p;
    }
    if (!target) return Connect(static_cast<uint32_t>(Skewed(opt.peers)));
    const uint32_t p = *target;
    // lango §2.6: a known peer below the minimum trust is not auto-approved, and the owner mostly
    // declines it too (when the owner approves, the firewall's reputation gate still refuses its calls).
    const bool distrusted =
        peers[p].History() >= kReputationWarmup && peers[p].Score() < kMinTrust && Chance(650);
    if (distrusted || Chance(kProfiles[peers[p].profile].deny + extra_deny)) {
      const auto reason = distrusted ? fb::HandshakeDenyReason::LowReputation
                                     : Rotate<fb::HandshakeDenyReason>(&deny_turn);
      const int64_t ts = Tick();
      const auto did = S(Did(p));
      const auto pid = S(Id(p).peer_id);
      Emit(ts, fb::Event::HandshakeDenied, fb::CreateHandshakeDenied(F(), did, pid, reason));
      if (Chance(600)) EmitDisconnected(p, fb::DisconnectReason::ClosedLocally);
      return true;
    }
    if (sessions.size() >= kMaxLiveSessions) {
      const uint32_t victim = sessions[Below(sessions.size())];
      EmitRevoked(victim, fb::RevokeReason::Manual);
    }
    {
      const bool v12 = Chance(700);
      const bool initiator = Chance(300);
      const int64_t ts = Tick();
      const auto did = S(Did(p));
      const auto pid = S(Id(p).peer_id);
      const auto version = S(v12 ? "1.2" : "1.1");
      Emit(ts, fb::Event::HandshakeCompleted, fb::CreateHandshakeCompleted(F(), did, pid, version, initiator));
    }
    const std::string token_hash = RandomBytes(32);
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto hash = Bytes(F(), token_hash);
    Emit(ts, fb::Event::SessionCreated, fb::CreateSessionCreated(F(), did, hash, ts, ts + kSessionTtl));
    Peer& peer = peers[p];
    peer.session = true;
    peer.session_gen++;
    peer.session_slot = static_cast<uint32_t>(sessions.size());
    peer.consecutive_failures = 0;
    sessions.push_back(p);
    expiries.push_back({ts + kSessionTtl, p, peer.session_gen});
    return true;
  }

  void DropSession(uint32_t p) {
    Peer& peer = peers[p];
    const uint32_t slot = peer.session_slot;
    sessions[slot] = sessions.back();
    peers[sessions[slot]].session_slot = slot;
    sessions.pop_back();
    peer.session = false;
    peer.consecutive_failures = 0;
  }

  void EmitRevoked(uint32_t p, fb::RevokeReason reason) {
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    Emit(ts, fb::Event::SessionRevoked, fb::CreateSessionRevoked(F(), did, reason));
    DropSession(p);
  }

  bool Revoke() {
    if (sessions.empty()) return false;
    static constexpr fb::RevokeReason kReasons[] = {fb::RevokeReason::Manual, fb::RevokeReason::SecurityEvent,
                                                    fb::RevokeReason::Logout};
    const uint32_t p = sessions[Below(sessions.size())];
    const fb::RevokeReason reason = kReasons[Weighted({40, 20, 40})];
    EmitRevoked(p, reason);
    return true;
  }

  void RevokeAll() {
    while (!sessions.empty()) EmitRevoked(sessions.back(), fb::RevokeReason::All);
  }

  // Sessions whose 24 h ran out (in event time) expire, oldest first.
  void Expire() {
    while (!expiries.empty()) {
      const SessionExpiry e = expiries.front();
      const Peer& peer = peers[e.peer];
      if (!peer.session || peer.session_gen != e.gen) {
        expiries.pop_front();  // revoked before it expired
        continue;
      }
      if (e.expires_ns > now) break;
      expiries.pop_front();
      const int64_t ts = Tick();
      const auto did = S(Did(e.peer));
      Emit(ts, fb::Event::SessionExpired, fb::CreateSessionExpired(F(), did));
      DropSession(e.peer);
    }
    if (expiries.size() > 4 * kMaxLiveSessions) {  // bounded: forget entries of revoked sessions
      std::deque<SessionExpiry> live;
      for (const auto& e : expiries) {
        if (peers[e.peer].session && peers[e.peer].session_gen == e.gen) live.push_back(e);
      }
      expiries.swap(live);
    }
  }

  // ---------- firewall ----------
  void AddRule(int64_t peer, fb::FirewallAction action, std::vector<std::string> tools, uint32_t rate) {
    FwRule r;
    r.id = "fw-" + std::to_string(++rule_counter);
    r.id += "-" + Hex(3);
    r.peer = peer;
    r.action = action;
    r.tools = std::move(tools);
    r.rate = rate;
    const int64_t ts = Tick();
    const auto id = S(r.id);
    const auto peer_did = S(peer < 0 ? std::string("*") : Did(static_cast<uint32_t>(peer)));
    const auto tv = F().CreateVectorOfStrings(r.tools);
    Emit(ts, fb::Event::FirewallRuleAdded, fb::CreateFirewallRuleAdded(F(), id, peer_did, action, tv, rate));
    rules.push_back(std::move(r));
  }

  bool ChangeRules() {
    if (rules.size() >= kMaxRules || (rules.size() > 6 && Chance(450))) {
      const size_t i = 1 + Below(rules.size() - 1);  // the first rule (the global allow) stays
      const int64_t ts = Tick();
      const auto id = S(rules[i].id);
      Emit(ts, fb::Event::FirewallRuleRemoved, fb::CreateFirewallRuleRemoved(F(), id));
      rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
    if (Chance(200)) {
      static const std::vector<std::vector<std::string>> kGlobalDeny = {{"fs_write"}, {"image_*"}, {"web_fetch"}};
      static const std::vector<std::vector<std::string>> kGlobalAllow = {{"git_*"}, {"kv_get"}};
      if (Chance(600)) {
        const auto& tools = kGlobalDeny[Below(kGlobalDeny.size())];
        AddRule(-1, fb::FirewallAction::Deny, tools, 0);
      } else {
        const auto& tools = kGlobalAllow[Below(kGlobalAllow.size())];
        const uint32_t rate = Chance(500) ? 60 : 0;
        AddRule(-1, fb::FirewallAction::Allow, tools, rate);
      }
      return true;
    }
    int64_t peer = static_cast<int64_t>(Skewed(opt.peers));
    if (Chance(650)) {
      static const std::vector<std::vector<std::string>> kAllow = {
          {"code_review", "image_caption"}, {"kv_get", "fs_*"}, {"git_*", "code_review"}, {"*"},
          {"fs_write", "shell_exec"},       {"image_caption"},  {}};
      const auto& tools = kAllow[Below(kAllow.size())];
      const uint32_t rate = Chance(400) ? static_cast<uint32_t>(Range(10, 60)) : 0;
      AddRule(peer, fb::FirewallAction::Allow, tools, rate);
    } else {
      // Mostly a tool or two; now and then a peer is shut out entirely (any peer, not the busiest).
      static const std::vector<std::vector<std::string>> kDeny = {{"web_fetch"}, {"image_*"}, {"summarize"},
                                                                  {"shell_exec", "fs_write"}, {"*"}, {}};
      const size_t which = Weighted({30, 25, 20, 15, 6, 4});
      if (which >= 4) peer = static_cast<int64_t>(Below(opt.peers));
      AddRule(peer, fb::FirewallAction::Deny, kDeny[which], 0);
    }
    return true;
  }

  // lango §3.1: empty list or "*" = every tool, "prefix*" = prefix, anything else exact.
  static bool MatchTool(const std::vector<std::string>& patterns, std::string_view tool) {
    if (patterns.empty()) return true;
    for (const auto& p : patterns) {
      if (p == "*" || p == tool) return true;
      if (!p.empty() && p.back() == '*' && tool.substr(0, p.size() - 1) == std::string_view(p).substr(0, p.size() - 1)) {
        return true;
      }
    }
    return false;
  }

  void EmitDecided(uint32_t p, size_t tool, const std::string& call_id, fb::FirewallAction action,
                   const std::string& rule_id, fb::FirewallReason reason) {
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    const auto name = S(kTools[tool].name);
    const auto call = S(call_id);
    const auto rule = S(rule_id);
    Emit(ts, fb::Event::FirewallDecided, fb::CreateFirewallDecided(F(), did, name, call, action, rule, reason));
  }

  // ---------- tool calls ----------
  bool StartCall() {
    if (calls.size() >= kMaxOpenCalls) {
      StepCall(PickDueCall());
      return true;
    }
    if (sessions.empty()) return Handshake();
    if (Chance(30) && !connected.empty()) {
      // A connected peer calls without a session: refused before anything else.
      const uint32_t p = connected[Below(connected.size())];
      if (!peers[p].session) {
        const size_t tool = PickTool(true);
        const std::string call_id = "call-" + Hex(8);
        EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, "", fb::FirewallReason::NoSession);
        return true;
      }
    }
    const uint32_t p = sessions[Skewed(sessions.size())];
    if (!peers[p].connected) {  // the peer reconnects (its session still valid) before it calls
      EmitConnected(p, true);
      return true;
    }
    const size_t tool = PickTool(true);
    const std::string call_id = "call-" + Hex(8);
    const Peer& peer = peers[p];
    // lango's order: rate limit, reputation, ACL (a matching deny always wins, else an allow is needed).
    const FwRule* allow = nullptr;
    const FwRule* deny = nullptr;
    const FwRule* limited = nullptr;
    for (const auto& r : rules) {
      if ((r.peer >= 0 && r.peer != p) || !MatchTool(r.tools, kTools[tool].name)) continue;
      if (r.action == fb::FirewallAction::Deny && deny == nullptr) deny = &r;
      if (r.action == fb::FirewallAction::Allow && allow == nullptr) allow = &r;
      if (r.action == fb::FirewallAction::Allow && r.rate > 0) limited = &r;
    }
    if (limited != nullptr && Chance(25)) {  // a burst the token bucket refuses
      const int64_t ts = Tick();
      const auto did = S(Did(p));
      const auto name = S(kTools[tool].name);
      const auto rule = S(limited->id);
      Emit(ts, fb::Event::FirewallRateLimited, fb::CreateFirewallRateLimited(F(), did, name, rule, limited->rate));
      EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, limited->id, fb::FirewallReason::RateLimited);
      return true;
    }
    const uint32_t history = peer.History();
    const double score = peer.Score();
    if (history >= kReputationWarmup && score > 0 && score < kMinTrust) {
      EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, "", fb::FirewallReason::ReputationBelowMinimum);
      return true;
    }
    if (deny != nullptr) {
      EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, deny->id, fb::FirewallReason::RuleDeny);
      return true;
    }
    if (allow == nullptr) {
      EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, "", fb::FirewallReason::NoMatchingAllow);
      return true;
    }
    if (kTools[tool].dangerous && Chance(500)) {
      EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, allow->id, fb::FirewallReason::SafetyLevel);
      return true;
    }
    if (kTools[tool].price >= 50000 && Chance(200)) {  // the owner's approval for expensive calls
      EmitDecided(p, tool, call_id, fb::FirewallAction::Deny, allow->id, fb::FirewallReason::OwnerDenied);
      return true;
    }
    EmitDecided(p, tool, call_id, fb::FirewallAction::Allow, allow->id, fb::FirewallReason::RuleAllow);
    Call c;
    c.peer = p;
    c.tool = static_cast<uint8_t>(tool);
    c.call_id = call_id;
    c.amount = kTools[tool].price;
    if (c.amount == 0) {
      c.mode = Mode::kFree;
      c.stage = Stage::kInvoke;
    } else if (history >= kReputationWarmup && score > kPostPayTrust) {
      c.mode = Mode::kPostpay;  // trusted (lango: score > 0.7): run first, pay later
      c.stage = Stage::kDefer;
    } else {
      c.mode = Mode::kPrepay;
      c.stage = Stage::kQuote;
    }
    c.due_ns = now + Range(1, 40) * kMs;
    calls.push_back(std::move(c));
    return true;
  }

  // An open call that is due; if none of a few picks is, the earliest of them (time moves to it).
  size_t PickDueCall() {
    size_t best = Below(calls.size());
    for (int attempt = 0; attempt < 3 && calls[best].due_ns > now; ++attempt) {
      const size_t i = Below(calls.size());
      if (calls[i].due_ns < calls[best].due_ns) best = i;
    }
    if (calls[best].due_ns > now) now = calls[best].due_ns;
    return best;
  }

  void StepCall(size_t index) {
    Call& c = calls[index];
    const std::string did_str = Did(c.peer);
    const char* tool = kTools[c.tool].name;
    switch (c.stage) {
      case Stage::kQuote: {
        c.quote_id = "q-" + Hex(8);
        const int64_t ts = Tick();
        c.quote_expires_ns = ts + kQuoteTtl;
        const auto quote = S(c.quote_id);
        const auto did = S(did_str);
        const auto name = S(tool);
        const auto cur = S(kCurrency);
        Emit(ts, fb::Event::PriceQuoted, fb::CreatePriceQuoted(F(), quote, did, name, c.amount, cur, c.quote_expires_ns));
        c.stage = Stage::kAuthorize;
        c.due_ns = now + Range(50, 3000) * kMs;
        break;
      }
      case Stage::kAuthorize: {
        c.payment_id = "pay-" + Hex(8);
        if (Chance(peers[c.peer].profile == 3 ? 300 : 70)) {
          const auto reason = Rotate<fb::PaymentRejectReason>(&reject_turn);
          int64_t amount = c.amount;
          if (reason == fb::PaymentRejectReason::InsufficientAmount) amount = c.amount - Range(1, c.amount / 2);
          if (reason == fb::PaymentRejectReason::QuoteExpired && now <= c.quote_expires_ns) {
            now = c.quote_expires_ns + Range(1, 120) * kSec;  // the buyer came back too late
          }
          const int64_t ts = Tick();
          const auto pay = S(c.payment_id);
          const auto quote = S(c.quote_id);
          const auto did = S(did_str);
          const auto name = S(tool);
          Emit(ts, fb::Event::PaymentRejected, fb::CreatePaymentRejected(F(), pay, quote, did, name, amount, reason));
          c.stage = Stage::kDone;
          break;
        }
        const int64_t ts = Tick();
        const auto pay = S(c.payment_id);
        const auto quote = S(c.quote_id);
        const auto did = S(did_str);
        const auto name = S(tool);
        const auto cur = S(kCurrency);
        const auto payer = S(Id(c.peer).wallet);
        const auto payee = S(origin.wallet);
        Emit(ts, fb::Event::PaymentAuthorized,
             fb::CreatePaymentAuthorized(F(), pay, quote, did, name, c.amount, cur, fb::PaymentMode::Prepay, payer, payee));
        c.stage = Stage::kInvoke;
        c.due_ns = now + Range(5, 300) * kMs;
        break;
      }
      case Stage::kDefer: {
        c.payment_id = Uuid();  // lango's deferred-ledger ids are UUIDs
        const int64_t ts = Tick();
        const auto pay = S(c.payment_id);
        const auto did = S(did_str);
        const auto name = S(tool);
        const auto call = S(c.call_id);
        const auto cur = S(kCurrency);
        Emit(ts, fb::Event::PaymentDeferred, fb::CreatePaymentDeferred(F(), pay, did, name, call, c.amount, cur));
        if (debts.size() >= kMaxDebts) debts.pop_front();  // stays outstanding
        debts.push_back({c.payment_id, c.peer, c.amount});
        c.stage = Stage::kInvoke;
        c.due_ns = now + Range(1, 50) * kMs;
        break;
      }
      case Stage::kInvoke: {
        const bool small = Chance(900);
        const uint64_t input = static_cast<uint64_t>(small ? Range(16, 4096) : Range(4096, 1 << 20));
        const Profile& prof = kProfiles[peers[c.peer].profile];
        const uint64_t r = Below(1000);
        c.outcome = r < prof.fail ? Outcome::kFailure : r < prof.fail + prof.timeout ? Outcome::kTimeout : Outcome::kSuccess;
        const uint32_t typical = kTools[c.tool].typical_ms;
        c.duration_ms = c.outcome == Outcome::kFailure ? static_cast<uint32_t>(Range(5, typical))
                                                       : static_cast<uint32_t>(Range(typical / 4 + 1, typical * 2));
        const int64_t ts = Tick();
        const auto call = S(c.call_id);
        const auto did = S(did_str);
        const auto name = S(tool);
        Emit(ts, fb::Event::ToolInvoked, fb::CreateToolInvoked(F(), call, did, name, input));
        c.invoked_ns = ts;
        c.due_ns = ts + static_cast<int64_t>(c.outcome == Outcome::kTimeout ? kToolTimeoutMs : c.duration_ms) * kMs;
        c.stage = Stage::kOutcome;
        break;
      }
      case Stage::kOutcome: {
        const uint32_t p = c.peer;
        const double old_score = peers[p].Score();
        switch (c.outcome) {
          case Outcome::kSuccess: {
            const uint64_t output = static_cast<uint64_t>(Range(2, 64 * 1024));
            const int64_t ts = Tick();
            const auto call = S(c.call_id);
            const auto did = S(did_str);
            const auto name = S(tool);
            Emit(ts, fb::Event::ToolSucceeded, fb::CreateToolSucceeded(F(), call, did, name, c.duration_ms, output));
            peers[p].successes++;
            peers[p].consecutive_failures = 0;
            break;
          }
          case Outcome::kFailure: {
            const char* error = Pick(kToolErrors);
            const int64_t ts = Tick();
            const auto call = S(c.call_id);
            const auto did = S(did_str);
            const auto name = S(tool);
            const auto err = S(error);
            Emit(ts, fb::Event::ToolFailed, fb::CreateToolFailed(F(), call, did, name, err, c.duration_ms));
            peers[p].failures++;
            peers[p].consecutive_failures++;
            break;
          }
          case Outcome::kTimeout: {
            const int64_t ts = Tick();
            const auto call = S(c.call_id);
            const auto did = S(did_str);
            const auto name = S(tool);
            Emit(ts, fb::Event::ToolTimedOut, fb::CreateToolTimedOut(F(), call, did, name, kToolTimeoutMs));
            peers[p].timeouts++;
            peers[p].consecutive_failures++;
            break;
          }
        }
        if (c.mode == Mode::kPrepay && c.outcome == Outcome::kSuccess) {
          // The seller submits the buyer's authorization and waits for the receipt (lango §5.4).
          c.stage = Stage::kSettle;
          c.due_ns = now + Range(1500, 15000) * kMs;
        } else {
          c.stage = Stage::kDone;  // a failed call's authorization is never submitted
        }
        // Below only emits events and touches sessions and teams; `calls` is left alone.
        ReputationMoved(p, old_score);
        if (peers[p].session && peers[p].consecutive_failures >= kMaxConsecutiveFailures) {
          EmitRevoked(p, fb::RevokeReason::RepeatedFailures);
        }
        break;
      }
      case Stage::kSettle: {
        const uint32_t p = c.peer;
        const double old_score = peers[p].Score();
        if (Chance(930)) {
          const std::string tx = "0x" + Hex(32);
          const int64_t ts = Tick();
          const auto pay = S(c.payment_id);
          const auto did = S(did_str);
          const auto cur = S(kCurrency);
          const auto txh = S(tx);
          Emit(ts, fb::Event::PaymentSettled, fb::CreatePaymentSettled(F(), pay, did, c.amount, cur, txh));
          peers[p].successes++;
        } else {
          const char* error = Pick(kPaymentErrors);
          const int64_t ts = Tick();
          const auto pay = S(c.payment_id);
          const auto did = S(did_str);
          const auto err = S(error);
          Emit(ts, fb::Event::PaymentFailed, fb::CreatePaymentFailed(F(), pay, did, c.amount, err));
          peers[p].failures++;
        }
        c.stage = Stage::kDone;
        ReputationMoved(p, old_score);
        break;
      }
      case Stage::kDone:
        break;
    }
    if (calls[index].stage == Stage::kDone) {
      calls[index] = std::move(calls.back());
      calls.pop_back();
    }
  }

  // A debtor (mostly one of the oldest) pays what it owes, one settlement per deferred payment.
  bool SettleDebts() {
    if (debts.empty()) return false;
    const uint32_t debtor = debts[Skewed(debts.size())].peer;
    for (size_t i = 0, paid = 0; i < debts.size() && paid < 16;) {
      if (debts[i].peer != debtor) {
        ++i;
        continue;
      }
      const Debt d = debts[i];
      debts.erase(debts.begin() + static_cast<std::ptrdiff_t>(i));
      SettleDebt(d);
      ++paid;
    }
    return true;
  }

  void SettleDebt(const Debt& d) {
    const double old_score = peers[d.peer].Score();
    if (Chance(960)) {
      const std::string tx = "0x" + Hex(32);
      const int64_t ts = Tick();
      const auto pay = S(d.payment_id);
      const auto did = S(Did(d.peer));
      const auto cur = S(kCurrency);
      const auto txh = S(tx);
      Emit(ts, fb::Event::PaymentSettled, fb::CreatePaymentSettled(F(), pay, did, d.amount, cur, txh));
      peers[d.peer].successes++;
    } else {
      const char* error = Pick(kPaymentErrors);
      const int64_t ts = Tick();
      const auto pay = S(d.payment_id);
      const auto did = S(Did(d.peer));
      const auto err = S(error);
      Emit(ts, fb::Event::PaymentFailed, fb::CreatePaymentFailed(F(), pay, did, d.amount, err));
      peers[d.peer].failures++;
    }
    ReputationMoved(d.peer, old_score);
  }

  // ---------- reputation ----------
  // After an outcome moved a peer's counts: reputation.changed when the score crosses a policy
  // threshold (and now and then otherwise). A published score below the minimum costs the peer its
  // session (lango §2.8) and its team memberships (§4), except in a team whose task it is still on.
  void ReputationMoved(uint32_t p, double old_score) {
    const double score = peers[p].Score();
    auto crossed = [&](double t) { return (old_score < t) != (score < t); };
    const bool publish = crossed(kMinTrust) || crossed(kPostPayTrust);
    if (!publish && !Chance(40)) return;
    const int64_t ts = Tick();
    const auto did = S(Did(p));
    Emit(ts, fb::Event::ReputationChanged, fb::CreateReputationChanged(F(), did, old_score, score));
    if (score >= kMinTrust) return;
    if (peers[p].session) EmitRevoked(p, fb::RevokeReason::ReputationDrop);
    for (Team& t : teams) {
      if (t.task) continue;
      for (size_t i = 0; i < t.members.size(); ++i) {
        if (t.members[i].peer == p && t.members[i].role != fb::TeamRole::Leader) {
          EmitMemberLeft(t, i, "kicked: reputation below minimum");
          break;
        }
      }
    }
  }

  // ---------- teams ----------
  bool DoTeam() {
    if (teams.size() < kMinTeams || (teams.size() < kMaxTeams && Chance(60))) return FormTeam();
    const size_t index = Below(teams.size());
    Team& t = teams[index];
    if (t.task) return TeamResult(t);
    size_t workers = 0;
    for (const auto& m : t.members) workers += m.role == fb::TeamRole::Worker ? 1 : 0;
    if (t.budget_exhausted || (t.tasks_done >= 3 && teams.size() > kMinTeams && Chance(200))) {
      DisbandTeam(index);
      return true;
    }
    if (!t.invited.empty() && Chance(600)) {
      const Member m = t.invited.front();
      t.invited.erase(t.invited.begin());
      const int64_t ts = Tick();
      const auto id = S(t.id);
      const auto did = S(Did(m.peer));
      Emit(ts, fb::Event::TeamMemberJoined, fb::CreateTeamMemberJoined(F(), id, did, m.role));
      t.members.push_back(m);
      return true;
    }
    if (t.members.size() + t.invited.size() < t.max_members && (workers == 0 || Chance(250))) {
      const fb::TeamRole role =
          workers == 0 ? fb::TeamRole::Worker : static_cast<fb::TeamRole>(2 + Weighted({70, 20, 10}));
      return Invite(t, role);
    }
    if (workers > 0 && Chance(750)) return Delegate(t);
    if (t.members.size() > 1 && Chance(300)) {
      for (size_t tries = 0; tries < 3; ++tries) {
        const size_t i = Below(t.members.size());
        if (t.members[i].role == fb::TeamRole::Leader) continue;
        static constexpr const char* kReasons[] = {"left: task load", "unhealthy: missed 3 health pings",
                                                   "left: capacity needed elsewhere"};
        EmitMemberLeft(t, i, Pick(kReasons));
        return true;
      }
    }
    return workers > 0 && Delegate(t);
  }

  bool FormTeam() {
    Team t;
    t.id = Uuid();
    t.max_members = static_cast<uint32_t>(Range(3, 8));
    const bool funded = Chance(700);
    t.budget = funded ? Range(1, 50) * 1000000 : 0;
    std::string name = "team-" + Word();
    name += "-" + Hex(2);
    const char* goal = kGoals[Below(kGoalCount)];
    if (Chance(200) && !sessions.empty()) t.leader_peer = sessions[Below(sessions.size())];
    const std::string leader = t.leader_peer ? Did(*t.leader_peer) : origin.did;
    {
      const int64_t ts = Tick();
      const auto id = S(t.id);
      const auto n = S(name);
      const auto g = S(goal);
      const auto l = S(leader);
      const auto cur = S(kCurrency);
      Emit(ts, fb::Event::TeamFormed, fb::CreateTeamFormed(F(), id, n, g, l, t.max_members, t.budget, cur));
    }
    if (t.leader_peer) {
      const int64_t ts = Tick();
      const auto id = S(t.id);
      const auto l = S(leader);
      Emit(ts, fb::Event::TeamMemberJoined, fb::CreateTeamMemberJoined(F(), id, l, fb::TeamRole::Leader));
      t.members.push_back({*t.leader_peer, fb::TeamRole::Leader});
    }
    teams.push_back(std::move(t));
    return true;
  }

  static bool IsInTeam(const Team& t, uint32_t p) {
    for (const auto& m : t.members) {
      if (m.peer == p) return true;
    }
    for (const auto& m : t.invited) {
      if (m.peer == p) return true;
    }
    return false;
  }

  uint32_t PickCandidate(uint32_t outsider_per_mille) {
    if (sessions.empty() || Chance(outsider_per_mille)) return static_cast<uint32_t>(Skewed(opt.peers));
    return sessions[Below(sessions.size())];
  }

  bool Invite(Team& t, fb::TeamRole role) {
    for (int tries = 0; tries < 6; ++tries) {
      const uint32_t p = PickCandidate(150);
      if (IsInTeam(t, p)) continue;
      const bool answers = !Chance(100);  // one in ten never answers
      const int64_t ts = Tick();
      const auto id = S(t.id);
      const auto did = S(Did(p));
      Emit(ts, fb::Event::TeamMemberInvited, fb::CreateTeamMemberInvited(F(), id, did, role));
      if (answers) t.invited.push_back({p, role});
      return true;
    }
    return false;
  }

  // lango §6.2: a task fans out to every worker.
  bool Delegate(Team& t) {
    TeamTask task;
    task.id = "task-" + Hex(6);
    task.tool = static_cast<uint8_t>(PickTool(false));
    task.infeasible = Chance(80);
    for (const auto& m : t.members) {
      if (m.role == fb::TeamRole::Worker && task.workers.size() < kMaxTeamWorkers) task.workers.push_back(m.peer);
    }
    if (task.workers.empty()) return false;
    task.state.assign(task.workers.size(), 0);
    task.duration_ms.assign(task.workers.size(), 0);
    task.pending = task.workers.size();
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto tid = S(task.id);
    const auto tool = S(kTools[task.tool].name);
    std::vector<StrOff> w;
    for (uint32_t p : task.workers) w.push_back(S(Did(p)));
    const auto wv = F().CreateVector(w);
    Emit(ts, fb::Event::TeamTaskDelegated, fb::CreateTeamTaskDelegated(F(), id, tid, tool, wv));
    t.task = std::move(task);
    return true;
  }

  bool TeamResult(Team& t) {
    TeamTask& task = *t.task;
    size_t i = Below(task.workers.size());
    while (task.state[i] != 0) i = (i + 1) % task.workers.size();
    const uint32_t p = task.workers[i];
    const Profile& prof = kProfiles[peers[p].profile];
    const bool ok = !Chance(task.infeasible ? 800 : prof.fail + prof.timeout);
    const uint32_t typical = kTools[task.tool].typical_ms;
    const uint32_t duration =
        static_cast<uint32_t>(ok ? Range(typical / 4 + 1, typical * 2) : Range(10, 30000));
    int64_t cost = 0;
    if (t.budget > 0 && ok) {
      cost = std::max<int64_t>(kTools[task.tool].price, 100000);  // at least 0.1 USDC per successful call
      if (t.spent + cost >= t.budget) {
        cost = t.budget - t.spent;
        t.budget_exhausted = true;
      }
      t.spent += cost;
    }
    const std::string result_hash = ok ? RandomBytes(32) : std::string();
    const char* error = ok ? nullptr : Pick(kToolErrors);
    const double old_score = peers[p].Score();
    {
      const int64_t ts = Tick();
      const auto id = S(t.id);
      const auto tid = S(task.id);
      const auto did = S(Did(p));
      flatbuffers::Offset<flatbuffers::Vector<uint8_t>> hash;
      if (ok) hash = Bytes(F(), result_hash);
      StrOff err;
      if (!ok) err = S(error);
      Emit(ts, fb::Event::TeamTaskResult,
           fb::CreateTeamTaskResult(F(), id, tid, did, ok, hash, err, duration, cost));
    }
    task.state[i] = ok ? 1 : 2;
    task.duration_ms[i] = duration;
    --task.pending;
    if (ok) {
      peers[p].successes++;
    } else {
      peers[p].failures++;
    }
    if (task.pending == 0) {
      if (task.workers.size() >= 2 && Chance(600)) ResolveConflict(t);
      t.task.reset();
      t.tasks_done++;
    }
    ReputationMoved(p, old_score);
    return true;
  }

  // lango §6.3: trust_weighted takes the fastest success, majority_vote and leader_decides the first;
  // fail_on_conflict fails when several successes disagree.
  void ResolveConflict(Team& t) {
    const TeamTask& task = *t.task;
    const auto strategy = Rotate<fb::ConflictStrategy>(&strategy_turn);
    std::vector<size_t> ok;
    for (size_t i = 0; i < task.workers.size(); ++i) {
      if (task.state[i] == 1) ok.push_back(i);
    }
    fb::ConflictOutcome outcome = fb::ConflictOutcome::Resolved;
    std::string winner;
    if (ok.empty()) {
      outcome = fb::ConflictOutcome::NoSuccess;
    } else if (strategy == fb::ConflictStrategy::FailOnConflict && ok.size() > 1 && Chance(600)) {
      outcome = fb::ConflictOutcome::Conflict;
    } else if (strategy == fb::ConflictStrategy::TrustWeighted) {
      size_t best = ok[0];
      for (size_t i : ok) {
        if (task.duration_ms[i] < task.duration_ms[best]) best = i;
      }
      winner = Did(task.workers[best]);
    } else {
      winner = Did(task.workers[ok[0]]);
    }
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto tid = S(task.id);
    const auto win = S(winner);
    Emit(ts, fb::Event::TeamConflictResolved, fb::CreateTeamConflictResolved(F(), id, tid, strategy, outcome, win));
  }

  void EmitMemberLeft(Team& t, size_t member, const char* reason) {
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto did = S(Did(t.members[member].peer));
    const auto why = S(reason);
    Emit(ts, fb::Event::TeamMemberLeft, fb::CreateTeamMemberLeft(F(), id, did, why));
    t.members.erase(t.members.begin() + static_cast<std::ptrdiff_t>(member));
  }

  // lango §6.2: every member leaves ("team disbanded"), then the team is disbanded.
  void DisbandTeam(size_t index) {
    Team& t = teams[index];
    while (!t.members.empty()) EmitMemberLeft(t, t.members.size() - 1, "team disbanded");
    static constexpr const char* kReasons[] = {"goal reached", "leader request", "idle: no tasks for a day"};
    const char* reason = t.budget_exhausted ? "budget exhausted" : Pick(kReasons);
    const int64_t ts = Tick();
    const auto id = S(t.id);
    const auto why = S(reason);
    Emit(ts, fb::Event::TeamDisbanded, fb::CreateTeamDisbanded(F(), id, why));
    teams.erase(teams.begin() + static_cast<std::ptrdiff_t>(index));
  }

  // ---------- workspaces & git ----------
  bool DoWorkspace() {
    if (workspaces.size() < kMinWorkspaces || (workspaces.size() < kMaxWorkspaces && Chance(25))) {
      return CreateWorkspace();
    }
    const size_t index = Below(workspaces.size());
    Workspace& w = workspaces[index];
    const size_t r = Below(1000);
    if (w.members.empty() || (w.members.size() < kMaxWorkspaceMembers && r < 90)) return JoinWorkspace(w);
    if (!w.pending.empty() && r < 250) return ResolveBundle(w, 0);
    if (r < 700) return Post(w, std::nullopt, std::nullopt);
    if (r < 780) return CreateBundle(w);
    if (r < 870) return ReceiveBundle(w);
    if (r < 940 && w.members.size() > 2) return LeaveWorkspace(w);
    if (r >= 940 && w.messages > 25 && workspaces.size() > kMinWorkspaces) {
      ArchiveWorkspace(index);
      return true;
    }
    return Post(w, std::nullopt, std::nullopt);
  }

  bool CreateWorkspace() {
    Workspace w;
    w.id = Uuid();
    std::string name = Word();
    name += "-" + Word();
    const char* goal = kGoals[Below(kGoalCount)];
    {
      const int64_t ts = Tick();
      const auto id = S(w.id);
      const auto n = S(name);
      const auto g = S(goal);
      const auto creator = S(origin.did);
      Emit(ts, fb::Event::WorkspaceCreated, fb::CreateWorkspaceCreated(F(), id, n, g, creator));
    }
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto did = S(origin.did);
    Emit(ts, fb::Event::WorkspaceMemberJoined, fb::CreateWorkspaceMemberJoined(F(), id, did, fb::WorkspaceRole::Creator));
    workspaces.push_back(std::move(w));
    return true;
  }

  static bool IsMember(const Workspace& w, uint32_t p) {
    return std::find(w.members.begin(), w.members.end(), p) != w.members.end();
  }

  bool JoinWorkspace(Workspace& w) {
    for (int tries = 0; tries < 6; ++tries) {
      const uint32_t p = PickCandidate(200);
      if (IsMember(w, p)) continue;
      const int64_t ts = Tick();
      const auto id = S(w.id);
      const auto did = S(Did(p));
      Emit(ts, fb::Event::WorkspaceMemberJoined, fb::CreateWorkspaceMemberJoined(F(), id, did, fb::WorkspaceRole::Member));
      w.members.push_back(p);
      if (Chance(600)) Post(w, fb::WorkspaceMessageType::MemberJoined, p);
      return true;
    }
    return false;
  }

  bool LeaveWorkspace(Workspace& w) {
    const size_t i = Below(w.members.size());
    const uint32_t p = w.members[i];
    if (Chance(600)) Post(w, fb::WorkspaceMessageType::MemberLeft, p);
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto did = S(Did(p));
    Emit(ts, fb::Event::WorkspaceMemberLeft, fb::CreateWorkspaceMemberLeft(F(), id, did));
    w.members.erase(w.members.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }

  bool Post(Workspace& w, std::optional<fb::WorkspaceMessageType> forced, std::optional<uint32_t> sender_peer) {
    using T = fb::WorkspaceMessageType;
    static constexpr T kTypes[] = {T::TaskProposal,   T::LogStream,     T::CommitSignal, T::KnowledgeShare,
                                   T::ConflictReport, T::BranchCreated, T::BranchMerged, T::SyncRequest,
                                   T::MemberJoined,   T::MemberLeft};
    const T type = forced ? *forced : kTypes[Weighted({12, 26, 10, 18, 5, 8, 6, 7, 1, 1})];
    std::string sender = origin.did;
    if (sender_peer) {
      sender = Did(*sender_peer);
    } else if (!w.members.empty() && Chance(750)) {
      sender = Did(w.members[Below(w.members.size())]);
    }
    std::string content;
    std::vector<std::pair<std::string, std::string>> meta;
    meta.reserve(2);
    const std::string oid = Hex(20);
    switch (type) {
      case T::TaskProposal: {
        content = "Proposal: split the " + Word();
        content += std::string(" pipeline so ") + kTools[PickTool(false)].name + " runs in parallel";
        meta.emplace_back("priority", Chance(300) ? "high" : "normal");
        meta.emplace_back("estimate", Num(1, 16) + "h");
        break;
      }
      case T::LogStream: {
        static constexpr const char* kLevels[] = {"info", "info", "warn", "error", "debug"};
        const char* level = Pick(kLevels);
        content = std::string("[") + level + "] " + Word();
        content += ": processed batch " + Num(1, 9999);
        content += " in " + Num(2, 4000) + " ms";
        meta.emplace_back("level", level);
        break;
      }
      case T::CommitSignal: {
        const std::string branch = Chance(500) ? std::string("main") : Branch();
        content = "commit " + oid.substr(0, 7) + " on " + branch + ": ";
        content += Word() + " handles empty input";
        meta.emplace_back("commit", oid);
        meta.emplace_back("branch", branch);
        break;
      }
      case T::KnowledgeShare: {
        content = "Finding: " + Word();
        content += " latency halves when results are cached for " + Num(1, 60) + " minutes";
        meta.emplace_back("topic", Word());
        meta.emplace_back("confidence", "0." + Num(50, 99));
        break;
      }
      case T::ConflictReport: {
        const std::string file = "src/" + Word() + ".cc";
        content = "Conflict in " + file + " between " + Branch() + " and main";
        meta.emplace_back("file", file);
        meta.emplace_back("severity", Chance(300) ? "high" : "low");
        break;
      }
      case T::BranchCreated: {
        const std::string branch = Branch();
        content = "Created " + branch + " from main@" + oid.substr(0, 7);
        meta.emplace_back("branch", branch);
        meta.emplace_back("base", oid);
        break;
      }
      case T::BranchMerged: {
        const std::string branch = Branch();
        content = "Merged " + branch + " into main (" + Num(1, 20) + " commits)";
        meta.emplace_back("branch", branch);
        break;
      }
      case T::SyncRequest:
        content = "Please sync to main@" + oid.substr(0, 7) + " before the next task";
        meta.emplace_back("ref", "refs/heads/main");
        meta.emplace_back("oid", oid);
        break;
      case T::MemberJoined:
        content = std::string("Joined; can run ") + kTools[PickTool(false)].name;
        break;
      case T::MemberLeft:
        content = "Leaving the workspace; open tasks handed over";
        break;
      default:
        break;
    }
    if (meta.size() > 1 && Chance(300)) meta.pop_back();
    std::string parent;
    if (w.recent_count > 0 && Chance(350)) parent = w.recent[Below(std::min(w.recent_count, kRecentMessages))];
    const std::string message_id = Uuid();
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto mid = S(message_id);
    const auto snd = S(sender);
    const auto body = S(content);
    const auto par = S(parent);
    std::vector<flatbuffers::Offset<fb::KeyValue>> kv;
    for (const auto& [k, v] : meta) {
      const auto ko = S(k);
      const auto vo = S(v);
      kv.push_back(fb::CreateKeyValue(F(), ko, vo));
    }
    const auto kvv = F().CreateVector(kv);
    Emit(ts, fb::Event::WorkspaceMessagePosted,
         fb::CreateWorkspaceMessagePosted(F(), id, mid, snd, type, body, par, kvv));
    w.recent[w.recent_count % kRecentMessages] = message_id;
    w.recent_count++;
    w.messages++;
    return true;
  }

  // Refs a bundle carries: main and sometimes a feature branch. Draws first, then builds.
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::GitRef>>> Refs() {
    std::vector<std::pair<std::string, std::string>> list;
    list.emplace_back("refs/heads/main", Hex(20));
    if (Chance(400)) {
      std::string name = "refs/heads/" + Branch();
      list.emplace_back(std::move(name), Hex(20));
    }
    std::vector<flatbuffers::Offset<fb::GitRef>> refs;
    for (const auto& [name, oid] : list) {
      const auto n = S(name);
      const auto o = S(oid);
      refs.push_back(fb::CreateGitRef(F(), n, o));
    }
    return F().CreateVector(refs);
  }

  bool CreateBundle(Workspace& w) {
    const std::string bundle_id = "bundle-" + Hex(8);
    const std::string base = Hex(20);
    const auto commits = static_cast<uint32_t>(Range(1, 12));
    const auto size = static_cast<uint64_t>(Range(2048, 2 << 20));
    const auto refs = Refs();
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto bid = S(bundle_id);
    const auto author = S(origin.did);
    const auto base_oid = S(base);
    Emit(ts, fb::Event::GitBundleCreated,
         fb::CreateGitBundleCreated(F(), id, bid, author, refs, base_oid, commits, size));
    if (Chance(400)) Post(w, fb::WorkspaceMessageType::CommitSignal, std::nullopt);
    return true;
  }

  bool ReceiveBundle(Workspace& w) {
    if (w.pending.size() >= kMaxPendingBundles) return ResolveBundle(w, 0);
    PendingBundle pb;
    pb.id = "bundle-" + Hex(8);
    pb.size = static_cast<uint64_t>(Range(2048, 4 << 20));
    if (Chance(80) || w.members.empty()) {  // from a peer that is not a member
      const uint32_t p = static_cast<uint32_t>(Below(opt.peers));
      if (IsMember(w, p)) return Post(w, std::nullopt, std::nullopt);
      pb.from = p;
      pb.fate = fb::GitRejectReason::NotMember;
    } else {
      pb.from = w.members[Below(w.members.size())];
      if (Chance(220)) {
        using R = fb::GitRejectReason;
        pb.fate = Rotate<R>(&git_turn);
        if (pb.fate == R::NotMember) pb.fate = Rotate<R>(&git_turn);  // members are never NotMember
        if (pb.fate == R::TooLarge) pb.size = static_cast<uint64_t>(Range(65 << 20, 512 << 20));
      }
    }
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto bid = S(pb.id);
    const auto from = S(Did(pb.from));
    Emit(ts, fb::Event::GitBundleReceived, fb::CreateGitBundleReceived(F(), id, bid, from, pb.size));
    w.pending.push_back(std::move(pb));
    return true;
  }

  bool ResolveBundle(Workspace& w, size_t i) {
    const PendingBundle pb = w.pending[i];
    w.pending.erase(w.pending.begin() + static_cast<std::ptrdiff_t>(i));
    if (pb.fate == fb::GitRejectReason::Unknown) {
      const auto commits = static_cast<uint32_t>(Range(1, 12));
      const uint64_t code_bytes = pb.size - Below(pb.size / 2);
      const auto refs = Refs();
      const int64_t ts = Tick();
      const auto id = S(w.id);
      const auto bid = S(pb.id);
      const auto from = S(Did(pb.from));
      Emit(ts, fb::Event::GitBundleApplied, fb::CreateGitBundleApplied(F(), id, bid, from, refs, commits, code_bytes));
      return true;
    }
    std::string detail;
    switch (pb.fate) {
      case fb::GitRejectReason::TooLarge:
        detail = "bundle of " + std::to_string(pb.size) + " bytes exceeds the 64 MiB limit";
        break;
      case fb::GitRejectReason::MissingPrerequisites:
        detail = "prerequisite commit " + Hex(20) + " is not in the repository";
        break;
      case fb::GitRejectReason::BadFormat: detail = "not a v2 git bundle: bad header"; break;
      case fb::GitRejectReason::NotMember: detail = "sender is not a member of the workspace"; break;
      case fb::GitRejectReason::RefConflict: detail = "refs/heads/main would not fast-forward"; break;
      case fb::GitRejectReason::VerifyFailed: detail = "git bundle verify failed: object " + Hex(20) + " missing"; break;
      default: break;
    }
    const int64_t ts = Tick();
    const auto id = S(w.id);
    const auto bid = S(pb.id);
    const auto from = S(Did(pb.from));
    const auto det = S(detail);
    Emit(ts, fb::Event::GitBundleRejected, fb::CreateGitBundleRejected(F(), id, bid, from, pb.fate, det));
    return true;
  }

  // Pending bundles are decided first; members stay listed (lango: archive from any state).
  void ArchiveWorkspace(size_t index) {
    Workspace& w = workspaces[index];
    while (!w.pending.empty()) ResolveBundle(w, 0);
    const int64_t ts = Tick();
    const auto id = S(w.id);
    Emit(ts, fb::Event::WorkspaceArchived, fb::CreateWorkspaceArchived(F(), id));
    workspaces.erase(workspaces.begin() + static_cast<std::ptrdiff_t>(index));
  }
};

Workload::Workload(const WorkloadOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Workload::~Workload() = default;

std::vector<std::string> Workload::NextBatch(size_t max_events) {
  std::vector<std::string> batch;
  const uint64_t left = impl_->opt.events - impl_->produced;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(max_events, left));
  batch.reserve(want);
  while (batch.size() < want) {
    if (impl_->out.empty()) impl_->Step();
    batch.push_back(std::move(impl_->out.front()));
    impl_->out.pop_front();
  }
  impl_->produced += batch.size();
  return batch;
}

uint64_t Workload::produced() const { return impl_->produced; }
uint64_t Workload::total() const { return impl_->opt.events; }
const std::string& Workload::origin_did() const { return impl_->opt.origin_did; }

Result<uint64_t> RunWorkload(pipeline::EventStore& store, const WorkloadOptions& options, size_t batch_size,
                             const std::function<void(uint64_t done, uint64_t total)>& progress) {
  if (batch_size == 0) return Status::InvalidArgument("workload batch size must be at least 1");
  Workload w(options);
  uint64_t done = 0;
  for (;;) {
    auto batch = w.NextBatch(batch_size);
    if (batch.empty()) break;
    const size_t n = batch.size();
    auto r = store.Append(std::move(batch));
    if (!r.ok()) return r.status().WithContext("appending workload events " + std::to_string(done + 1) + ".." +
                                               std::to_string(done + n));
    done += n;
    if (progress) progress(done, w.total());
  }
  return done;
}

}  // namespace sov::node
