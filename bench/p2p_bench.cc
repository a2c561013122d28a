// sov_bench --p2p: see p2p_bench.h. The sov server is this binary re-executed with --p2p-server
// (a child process, as bench.mjs spawns its server), so each side is two processes with one event
// loop each; the js numbers come from running `node tests/interop/bench.mjs` right after.
#include "bench/p2p_bench.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "bench/p2p_bench_protocol.h"
#include "node/p2p/protocols/host.h"
#include "node/identity/key_pair_signer.h"
#include "node/p2p/wire/multiaddr.h"
#include "store/base/crypto.h"

extern char** environ;

namespace sov::bench {
namespace {

using p2p::Host;
using p2p::Task;
namespace fs = std::filesystem;

struct Flags {
  std::string mode;      // --p2p, --p2p-server, --p2p-client
  std::string target;    // --p2p-client <multiaddr>
  uint64_t mib = 64;
  double seconds = 5;
  int rounds = 3;        // --p2p: sov and js alternate this many times; each metric keeps its best round
  std::string js;        // path of bench.mjs ("" = search)
  std::string node = "node";
  std::string seed;      // --p2p-server: 64 hex chars
  bool no_stdin = false;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "sov_bench --p2p: %s\n", what.c_str());
  std::exit(1);
}

void Usage() {
  std::printf(
      "usage: sov_bench --p2p [--rounds R] [--mib M] [--seconds S] [--js PATH] [--node PATH]\n"
      "       sov_bench --p2p-server [--seed HEX64] [--no-stdin]\n"
      "       sov_bench --p2p-client <multiaddr> [--mib M] [--seconds S]\n"
      "  --rounds R   --p2p: run sov then js R times; each metric reports its best round (default 3)\n"
      "  --mib M      bulk payload: one stream of M MiB, then 64 streams of M/64 MiB (default 64)\n"
      "  --seconds S  duration of each rpc run (default 5)\n"
      "  --js PATH    tests/interop/bench.mjs (default: found above this binary or the current directory)\n"
      "  --node PATH  the Node.js binary (default: node on PATH)\n");
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  f.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--mib") {
      const std::string v = value();
      char* end = nullptr;
      f.mib = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || f.mib < 1) Die("--mib must be a positive integer, not '" + v + "'");
    } else if (a == "--rounds") {
      const std::string v = value();
      f.rounds = std::atoi(v.c_str());
      if (f.rounds < 1 || f.rounds > 100) Die("--rounds must be between 1 and 100, not '" + v + "'");
    } else if (a == "--seconds") {
      f.seconds = std::atof(value().c_str());
      if (!(f.seconds > 0)) Die("--seconds must be positive");
    } else if (a == "--js") {
      f.js = value();
    } else if (a == "--node") {
      f.node = value();
    } else if (a == "--seed") {
      f.seed = value();
    } else if (a == "--no-stdin") {
      f.no_stdin = true;
    } else if (a == "--help" || a == "-h") {
      Usage();
      std::exit(0);
    } else if (f.mode == "--p2p-client" && f.target.empty() && !a.starts_with("--")) {
      f.target = a;
    } else {
      Usage();
      Die("unknown flag " + a);
    }
  }
  if (f.mode != "--p2p" && f.mode != "--p2p-server" && f.mode != "--p2p-client") {
    Usage();
    Die("unknown mode " + f.mode);
  }
  if (f.mode == "--p2p-client" && f.target.empty()) Die("--p2p-client needs the server's multiaddr");
  return f;
}

double Round3(double x) { return std::round(x * 1000) / 1000; }

// ---------- the sov client ----------

struct SovResults {
  BulkResult bulk1, bulk64;
  RpcResult rpc1, rpc16;
};

Task<Result<SovResults>> RunAll(Host& host, identity::PeerId peer, const Flags& flags) {
  // Warm-up as bench.mjs: one 8 MiB transfer (yamux window growth), 2000 round trips.
  if (Status s = co_await BulkTransfer(host, peer, 8u << 20); !s.ok()) co_return s.WithContext("warm-up");
  std::vector<double> ignored;
  if (Status s = co_await RpcLoop(host, peer, p2p::Clock::time_point::max(), 2000, &ignored); !s.ok()) {
    co_return s.WithContext("warm-up");
  }
  SovResults r;
  const uint64_t bytes = flags.mib << 20;
  auto b1 = co_await ParallelBulk(host, peer, 1, bytes);
  if (!b1.ok()) co_return b1.status().WithContext("bulk_1");
  r.bulk1 = *b1;
  auto b64 = co_await ParallelBulk(host, peer, 64, bytes / 64);
  if (!b64.ok()) co_return b64.status().WithContext("bulk_64");
  r.bulk64 = *b64;
  auto r1 = co_await ParallelRpc(host, peer, 1, flags.seconds);
  if (!r1.ok()) co_return r1.status().WithContext("rpc_1");
  r.rpc1 = *r1;
  auto r16 = co_await ParallelRpc(host, peer, 16, flags.seconds);
  if (!r16.ok()) co_return r16.status().WithContext("rpc_16");
  r.rpc16 = *r16;
  co_return r;
}

Task<void> ClientSession(Host* host, p2p::Multiaddr target, Flags flags, std::optional<Result<SovResults>>* out,
                         asio::io_context* ioc) {
  auto conn = co_await host->Connect(target);
  if (!conn.ok()) {
    *out = conn.status();
  } else {
    *out = co_await RunAll(*host, conn->peer, flags);
  }
  co_await host->Shutdown();
  ioc->stop();
}

// One io_context thread (this one), as the server's.
Result<SovResults> RunSovClient(const std::string& address, const Flags& flags) {
  auto target = p2p::Multiaddr::Parse(address);
  if (!target.ok()) return target.status();
  asio::io_context ioc;
  identity::KeyPairSigner identity(crypto::GenerateKeyPair());
  Host host(ioc.get_executor(), identity, p2p::HostOptions{}, nullptr);
  host.Start();
  std::optional<Result<SovResults>> out;
  asio::co_spawn(ioc, ClientSession(&host, *target, flags, &out, &ioc), asio::detached);
  ioc.run();
  if (!out) return Status::Aborted("the client stopped before finishing");
  return std::move(*out);
}

nlohmann::json BulkLine(const char* name, const BulkResult& b, size_t streams) {
  return {{"bench", name}, {"mbps", Round3(b.mbps)}, {"bytes", b.bytes}, {"streams", streams}, {"secs", Round3(b.seconds)}};
}
nlohmann::json RpcLine(const char* name, const RpcResult& r, size_t streams) {
  return {{"bench", name},           {"rps", Round3(r.rps)},    {"p50_us", Round3(r.p50_us)},
          {"p99_us", Round3(r.p99_us)}, {"requests", r.requests}, {"streams", streams}};
}

// ---------- the sov server ----------

Task<void> StopServer(Host* host, asio::io_context* ioc) {
  co_await host->Shutdown();
  ioc->stop();
}

int RunSovServer(const Flags& flags) {
  auto ioc = std::make_shared<asio::io_context>();
  crypto::KeyPair key;
  if (!flags.seed.empty()) {
    const bool hex = flags.seed.size() == 64 && std::all_of(flags.seed.begin(), flags.seed.end(),
                                                             [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (!hex) Die("--seed must be 64 hex chars (32 bytes)");
    std::string seed;
    for (size_t i = 0; i < flags.seed.size(); i += 2) {
      seed.push_back(static_cast<char>(std::stoi(flags.seed.substr(i, 2), nullptr, 16)));
    }
    auto k = crypto::KeyPairFromSeed(seed);
    if (!k.ok()) Die("--seed: " + k.status().ToString());
    key.public_key = k->public_key;
    key.secret_key = k->secret_key;
  } else {
    key = crypto::GenerateKeyPair();
  }
  identity::KeyPairSigner identity(std::move(key));
  p2p::HostOptions options;
  options.listen_addrs.push_back(*p2p::Multiaddr::Parse("/ip4/127.0.0.1/tcp/0"));
  Host host(ioc->get_executor(), identity, options, nullptr);
  RegisterBenchHandlers(host);
  if (Status s = host.Listen(); !s.ok()) Die(s.ToString());
  host.Start();
  nlohmann::json addrs = nlohmann::json::array();
  for (const auto& a : host.listen_addrs()) addrs.push_back(a.WithPeerId(host.peer_id()).ToString());
  nlohmann::json line = {{"event", "listening"}, {"peerId", host.peer_id().ToString()}, {"addrs", addrs}};
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);

  bool stopping = false;
  auto stop = [&] {
    if (stopping) return;
    stopping = true;
    asio::co_spawn(*ioc, StopServer(&host, ioc.get()), asio::detached);
  };
  asio::signal_set signals(*ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code ec, int) {
    if (!ec) stop();
  });
  if (!flags.no_stdin) {
    // Stops when stdin ends (the parent is gone or done). The thread keeps the io_context alive.
    std::thread([ioc, &stop] {
      char buffer[256];
      while (::read(0, buffer, sizeof buffer) > 0) {
      }
      asio::post(*ioc, [&stop] { stop(); });
    }).detach();
  }
  ioc->run();
  std::fflush(stdout);
  std::_Exit(0);  // the stdin thread may still be blocked in read()
}

// ---------- child processes ----------

struct Child {
  pid_t pid = -1;
  int stdin_fd = -1;   // ours to write (or close); -1 if inherited
  int stdout_fd = -1;  // ours to read
};

// Starts argv[0] (searched on PATH) with a pipe to its stdout and, if `pipe_stdin`, from its stdin.
Result<Child> Spawn(const std::vector<std::string>& args, bool pipe_stdin) {
  int out[2] = {-1, -1}, in[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  if (pipe_stdin && ::pipe2(in, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (pipe_stdin) posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  Child c;
  const int rc = posix_spawnp(&c.pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (pipe_stdin) ::close(in[0]);
  if (rc != 0) {
    ::close(out[0]);
    if (pipe_stdin) ::close(in[1]);
    return Status::IOError(fmt::format("starting {}: {}", args[0], std::strerror(rc)));
  }
  c.stdout_fd = out[0];
  c.stdin_fd = pipe_stdin ? in[1] : -1;
  return c;
}

// Reads one line from `fd` (buffering in `buffer`); false at end of file with no line left.
bool ReadLine(int fd, std::string& buffer, std::string* line) {
  for (;;) {
    if (auto nl = buffer.find('\n'); nl != std::string::npos) {
      *line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      return true;
    }
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (buffer.empty()) return false;
      *line = std::move(buffer);
      buffer.clear();
      return true;
    }
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

int Wait(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string SelfExe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) Die("cannot find this executable (/proc/self/exe): " + ec.message());
  return p.string();
}

// tests/interop/bench.mjs above this binary or above the current directory.
std::string FindJsBench(const Flags& flags) {
  if (!flags.js.empty()) return flags.js;
  std::error_code ec;
  for (fs::path start : {fs::path(SelfExe()).parent_path(), fs::current_path(ec)}) {
    for (fs::path d = start; !d.empty(); d = d.parent_path()) {
      if (fs::exists(d / "tests/interop/bench.mjs", ec)) return (d / "tests/interop/bench.mjs").string();
      if (d == d.parent_path()) break;
    }
  }
  return "";
}

// Checks node and the interop packages before anything is measured.
void CheckJsSetup(const Flags& flags, const std::string& js) {
  if (js.empty()) {
    Die("tests/interop/bench.mjs not found above this binary or the current directory; pass --js PATH");
  }
  const fs::path modules = fs::path(js).parent_path() / "node_modules";
  std::error_code ec;
  if (!fs::exists(modules / "libp2p", ec)) {
    Die(fmt::format("the js-libp2p packages are not installed ({} is missing): run "
                    "`cd {} && npm ci --no-audit --no-fund` (or scripts/setup)",
                    (modules / "libp2p").string(), fs::path(js).parent_path().string()));
  }
  auto c = Spawn({flags.node, "--version"}, false);
  if (!c.ok()) {
    Die(fmt::format("Node.js is needed for the js↔js side: `{}` could not be run ({}); install Node.js 20+ "
                    "(scripts/setup) or pass --node PATH",
                    flags.node, c.status().message()));
  }
  std::string buffer, version;
  ReadLine(c->stdout_fd, buffer, &version);
  ::close(c->stdout_fd);
  if (Wait(c->pid) != 0 || version.empty()) Die(fmt::format("`{} --version` failed", flags.node));
}

// ---------- the two sides ----------

Result<SovResults> RunSovPair(const Flags& flags) {
  auto child = Spawn({SelfExe(), "--p2p-server"}, true);
  if (!child.ok()) return child.status();
  std::string buffer, line;
  std::string address;
  if (ReadLine(child->stdout_fd, buffer, &line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("addrs") && j["addrs"].is_array() && !j["addrs"].empty() &&
        j["addrs"][0].is_string()) {
      address = j["addrs"][0].get<std::string>();
    }
  }
  Result<SovResults> r = Status::Aborted("not run");
  if (address.empty()) {
    r = Status::IOError("the sov server (sov_bench --p2p-server) did not report its address: '" + line + "'");
  } else {
    r = RunSovClient(address, flags);
  }
  ::close(child->stdin_fd);  // the server stops when its stdin ends
  ::close(child->stdout_fd);
  const int code = Wait(child->pid);
  if (r.ok() && code != 0) return Status::IOError(fmt::format("the sov server exited with status {}", code));
  return r;
}

struct JsResults {
  std::map<std::string, nlohmann::json> lines;  // by "bench"
};

Result<JsResults> RunJsPair(const Flags& flags, const std::string& js) {
  auto child = Spawn({flags.node, js, "--mib", std::to_string(flags.mib), "--seconds", fmt::format("{}", flags.seconds)},
                     false);
  if (!child.ok()) return child.status();
  JsResults r;
  std::string buffer, line, error;
  while (ReadLine(child->stdout_fd, buffer, &line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    if (j.contains("bench") && j["bench"].is_string()) r.lines[j["bench"].get<std::string>()] = j;
    if (j.value("event", "") == "error") error = j.value("message", "");
  }
  ::close(child->stdout_fd);
  const int code = Wait(child->pid);
  if (!error.empty() || code != 0) {
    return Status::IOError(fmt::format("node {} failed (exit status {}): {}", js, code, error.empty() ? "see stderr" : error));
  }
  const std::vector<std::pair<const char*, std::vector<const char*>>> expected = {
      {"bulk_1", {"mbps"}}, {"bulk_64", {"mbps"}}, {"rpc_1", {"rps", "p50_us", "p99_us"}},
      {"rpc_16", {"rps", "p50_us", "p99_us"}}};
  for (const auto& [name, fields] : expected) {
    auto it = r.lines.find(name);
    if (it == r.lines.end()) return Status::Corruption(fmt::format("node {} printed no {} line", js, name));
    for (const char* field : fields) {
      if (!it->second.contains(field) || !it->second[field].is_number()) {
        return Status::Corruption(fmt::format("node {}: the {} line has no number {}", js, name, field));
      }
    }
  }
  return r;
}

// ---------- best of several rounds ----------

// Each metric keeps its best round (the least disturbed on a shared machine): the highest rate, the
// lowest latency.
void KeepBest(SovResults& best, const SovResults& r, bool first) {
  if (first) {
    best = r;
    return;
  }
  best.bulk1.mbps = std::max(best.bulk1.mbps, r.bulk1.mbps);
  best.bulk64.mbps = std::max(best.bulk64.mbps, r.bulk64.mbps);
  for (auto [b, x] : {std::pair{&best.rpc1, &r.rpc1}, std::pair{&best.rpc16, &r.rpc16}}) {
    b->rps = std::max(b->rps, x->rps);
    b->p50_us = std::min(b->p50_us, x->p50_us);
    b->p99_us = std::min(b->p99_us, x->p99_us);
  }
}

void KeepBest(JsResults& best, const JsResults& r, bool first) {
  if (first) {
    best = r;
    return;
  }
  for (const auto& [name, line] : r.lines) {
    auto& b = best.lines[name];
    for (const char* rate : {"mbps", "rps"}) {
      if (line.contains(rate)) b[rate] = std::max(b[rate].get<double>(), line[rate].get<double>());
    }
    for (const char* latency : {"p50_us", "p99_us"}) {
      if (line.contains(latency)) b[latency] = std::min(b[latency].get<double>(), line[latency].get<double>());
    }
  }
}

// ---------- the table ----------

struct Row {
  std::string metric, key, unit;
  double sov = 0, js = 0;
  enum class Target { kNone, kAtLeast3x, kAtMostThird } target = Target::kNone;
};

std::string Value(double v, const std::string& unit) {
  if (unit == "MB/s") return fmt::format("{:.1f} MB/s", v);
  if (unit == "req/s") return fmt::format("{:.0f} req/s", v);
  return fmt::format("{:.0f} us", v);
}

void PrintResults(const Flags& flags, const SovResults& sov, const JsResults& js) {
  auto num = [&](const char* bench, const char* field) { return js.lines.at(bench).at(field).get<double>(); };
  using T = Row::Target;
  const std::vector<Row> rows = {
      {"bulk, 1 stream", "bulk_1_mbps", "MB/s", sov.bulk1.mbps, num("bulk_1", "mbps"), T::kAtLeast3x},
      {"bulk, 64 parallel streams", "bulk_64_mbps", "MB/s", sov.bulk64.mbps, num("bulk_64", "mbps"), T::kAtLeast3x},
      {"rpc, 1 stream: round trips", "rpc_1_rps", "req/s", sov.rpc1.rps, num("rpc_1", "rps"), T::kAtLeast3x},
      {"rpc, 1 stream: p50 latency", "rpc_1_p50_us", "us", sov.rpc1.p50_us, num("rpc_1", "p50_us"), T::kAtMostThird},
      {"rpc, 1 stream: p99 latency", "rpc_1_p99_us", "us", sov.rpc1.p99_us, num("rpc_1", "p99_us"), T::kNone},
      {"rpc, 16 streams: round trips", "rpc_16_rps", "req/s", sov.rpc16.rps, num("rpc_16", "rps"), T::kAtLeast3x},
      {"rpc, 16 streams: p50 latency", "rpc_16_p50_us", "us", sov.rpc16.p50_us, num("rpc_16", "p50_us"), T::kAtMostThird},
      {"rpc, 16 streams: p99 latency", "rpc_16_p99_us", "us", sov.rpc16.p99_us, num("rpc_16", "p99_us"), T::kNone},
  };
  auto met = [](const Row& r, double ratio) {
    return r.target == T::kAtLeast3x ? ratio >= 3.0 : ratio <= 1.0 / 3.0;
  };
  std::vector<std::vector<std::string>> table = {{"metric", "sov<->sov", "js<->js", "ratio", "target", "result"}};
  for (const auto& r : rows) {
    const double ratio = r.js > 0 ? r.sov / r.js : 0;
    table.push_back({r.metric, Value(r.sov, r.unit), Value(r.js, r.unit), fmt::format("{:.2f}x", ratio),
                     r.target == T::kAtLeast3x ? ">= 3.00x" : r.target == T::kAtMostThird ? "<= 0.33x" : "-",
                     r.target == T::kNone ? "-" : met(r, ratio) ? "MET" : "MISS"});
  }
  std::printf("\np2p: loopback TCP, one Noise+yamux connection; server in a child process, client in this one, each "
              "on one event loop;\nbulk %llu MiB on 1 stream and 64 x %llu KiB; rpc 32-byte requests for %g s; "
              "js = node tests/interop/bench.mjs in the same run;\nsov and js alternated %d time(s), each figure is "
              "its side's best round\n\n",
              static_cast<unsigned long long>(flags.mib), static_cast<unsigned long long>((flags.mib << 10) / 64),
              flags.seconds, flags.rounds);
  std::vector<size_t> w(table[0].size(), 0);
  for (const auto& r : table) {
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  }
  for (const auto& r : table) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(w[i] - r[i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
  std::printf("\n");
  for (const auto& r : rows) {
    const double ratio = r.js > 0 ? r.sov / r.js : 0;
    nlohmann::json j = {{"p2p", r.key}, {"sov", Round3(r.sov)}, {"js", Round3(r.js)}, {"ratio", Round3(ratio)}};
    if (r.target != T::kNone) {
      j["target"] = r.target == T::kAtLeast3x ? ">=3x" : "<=1/3";
      j["met"] = met(r, ratio);
    }
    std::printf("%s\n", j.dump().c_str());
  }
  std::fflush(stdout);
}

}  // namespace

int P2pBenchMain(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  std::signal(SIGPIPE, SIG_IGN);
  if (flags.mode == "--p2p-server") return RunSovServer(flags);
  if (flags.mode == "--p2p-client") {
    auto r = RunSovClient(flags.target, flags);
    if (!r.ok()) Die(r.status().ToString());
    for (const auto& j : {BulkLine("bulk_1", r->bulk1, 1), BulkLine("bulk_64", r->bulk64, 64),
                          RpcLine("rpc_1", r->rpc1, 1), RpcLine("rpc_16", r->rpc16, 16)}) {
      std::printf("%s\n", j.dump().c_str());
    }
    return 0;
  }
  const std::string js = FindJsBench(flags);
  CheckJsSetup(flags, js);
  SovResults sov_best;
  JsResults js_best;
  for (int round = 1; round <= flags.rounds; ++round) {
    std::fprintf(stderr, "sov_bench --p2p: round %d/%d sov<->sov (server: sov_bench --p2p-server)\n", round, flags.rounds);
    auto sov = RunSovPair(flags);
    if (!sov.ok()) Die("sov<->sov: " + sov.status().ToString());
    for (const auto& j : {BulkLine("bulk_1", sov->bulk1, 1), BulkLine("bulk_64", sov->bulk64, 64),
                          RpcLine("rpc_1", sov->rpc1, 1), RpcLine("rpc_16", sov->rpc16, 16)}) {
      std::fprintf(stderr, "  sov %s\n", j.dump().c_str());
    }
    std::fprintf(stderr, "sov_bench --p2p: round %d/%d js<->js (node %s)\n", round, flags.rounds, js.c_str());
    auto jsr = RunJsPair(flags, js);
    if (!jsr.ok()) Die("js<->js: " + jsr.status().ToString());
    for (const auto& [name, j] : jsr->lines) std::fprintf(stderr, "  js %s\n", j.dump().c_str());
    KeepBest(sov_best, *sov, round == 1);
    KeepBest(js_best, *jsr, round == 1);
  }
  PrintResults(flags, sov_best, js_best);
  return 0;
}

}  // namespace sov::bench
