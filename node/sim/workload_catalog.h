// The world the workload generator plays in: time units, the generator's own limits, the tools
// peers call (price, popularity, danger, typical duration), peer behaviour profiles, and the words,
// goals and error texts events carry. Constants only; changing any of them changes the stream.
// Internal to the workload generator: included by node/workload*.cc and node/workload_*.h only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sov::node::workload_internal {

inline constexpr int64_t kUs = 1000;
inline constexpr int64_t kMs = 1000 * kUs;
inline constexpr int64_t kSec = 1000 * kMs;
inline constexpr int64_t kMin = 60 * kSec;
inline constexpr int64_t kHour = 60 * kMin;
inline constexpr uint32_t kToolTimeoutMs = 15000;

// The node's trust thresholds, session and quote lifetimes are node/policy's (trust.h, ...).
inline constexpr uint32_t kMaxConsecutiveFailures = 5;
inline constexpr const char* kCurrency = "USDC";
inline constexpr const char* kVersion = "sov/0.1.0";

struct ToolSpec {
  const char* name;
  int64_t price;  // USDC micro-units; 0 = free
  uint32_t weight;
  bool dangerous;
  uint32_t typical_ms;
};
inline constexpr ToolSpec kTools[] = {
    {"web_search", 2000, 200, false, 900},   {"web_fetch", 1000, 110, false, 1500},
    {"summarize", 10000, 140, false, 2500},  {"translate", 5000, 80, false, 1200},
    {"echo", 0, 70, false, 20},              {"vector_search", 3000, 80, false, 300},
    {"code_review", 50000, 40, false, 6000}, {"image_caption", 20000, 40, false, 3000},
    {"kv_get", 0, 40, false, 15},            {"fs_read", 0, 30, false, 40},
    {"fs_write", 0, 20, true, 60},           {"git_diff", 0, 30, false, 200},
    {"shell_exec", 100000, 15, true, 4000},
};
inline constexpr size_t kToolCount = sizeof(kTools) / sizeof(kTools[0]);

// How a peer behaves: per-mille chances of a failed / timed-out call, a refused dial, a denied handshake.
struct Profile {
  uint32_t fail, timeout, dial_fail, deny;
};
inline constexpr Profile kProfiles[] = {
    {30, 10, 40, 20},     // reliable
    {120, 40, 90, 50},    // average
    {300, 150, 200, 120}, // flaky
    {700, 100, 300, 250}, // mostly fails
};
// Profiles by peer index: every ten consecutive peers hold each kind, so reputations always differ.
inline constexpr uint8_t kProfilePattern[10] = {0, 0, 1, 0, 2, 0, 1, 3, 0, 2};

inline constexpr const char* kWords[] = {"atlas", "borealis", "cedar", "delta", "ember", "fjord", "granite",
                                         "harbor", "indigo", "juniper", "kestrel", "lumen", "meridian", "nimbus",
                                         "onyx", "prairie", "quartz", "raven", "sierra", "tundra"};
inline constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

inline constexpr const char* kGoals[] = {
    "index the public research corpus and answer citation queries",
    "review pull requests of the payments service before release",
    "translate the onboarding guide into five languages",
    "benchmark vector search backends on the product catalog",
    "triage incoming bug reports and reproduce the top ten",
    "summarize weekly market data for the treasury agent",
};
inline constexpr size_t kGoalCount = sizeof(kGoals) / sizeof(kGoals[0]);

inline constexpr const char* kToolErrors[] = {"upstream returned HTTP 502", "invalid input: missing field 'query'",
                                              "sandbox: memory limit exceeded", "rate limited by upstream provider",
                                              "tool panicked: index out of range"};
inline constexpr const char* kDialErrors[] = {"connection refused", "i/o timeout", "no route to host",
                                              "peer id mismatch", "all dials failed"};
inline constexpr const char* kPaymentErrors[] = {"transaction reverted: insufficient balance",
                                                 "receipt timeout after 2m0s", "nonce too low",
                                                 "authorization expired before submission"};

}  // namespace sov::node::workload_internal
