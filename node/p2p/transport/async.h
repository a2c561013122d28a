// Small building blocks for the node's coroutines. Every connection of a node lives on one
// io_context thread, so these need no locks: Task<T> (an asio awaitable), Spawn (co_spawn that
// logs a coroutine's escaped exception instead of dropping it), Signal (wake every waiter; waiters
// re-check their condition) and Deadline (runs an action if not cancelled in time; used for the
// per-phase timeouts: negotiation, handshake, idle).
#pragma once

// A standard header before any asio one: asio chooses its allocator from a libstdc++ macro that only
// exists once the standard library is included, and every TU must make the same choice (ODR; ASan
// reports a mismatch as alloc-dealloc-mismatch).
#include <cstddef>

#include <asio/any_io_executor.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace sov::p2p {

template <class T>
using Task = asio::awaitable<T>;
using Executor = asio::any_io_executor;
using Clock = std::chrono::steady_clock;
// asio 1.22 keeps as_tuple in experimental: completion values come back as a tuple, no exceptions.
inline constexpr auto kUseAwaitable = asio::experimental::as_tuple(asio::use_awaitable);

// Logs (spdlog, error level, naming `what`) an exception that escapes a spawned coroutine.
void LogEscapedException(const std::string& what, std::exception_ptr e);

template <class Awaitable>
void Spawn(Executor ex, Awaitable&& task, std::string what) {
  asio::co_spawn(ex, std::forward<Awaitable>(task), [what = std::move(what)](std::exception_ptr e) {
    if (e) LogEscapedException(what, e);
  });
}

// Wakes every coroutine waiting on it. Wait() returns after the next Notify() (or Cancel()).
class Signal {
 public:
  explicit Signal(Executor ex) : timer_(ex, Clock::time_point::max()) {}
  Task<void> Wait() { co_await timer_.async_wait(kUseAwaitable); }
  // Waits at most `timeout`; returns false if it timed out.
  Task<bool> WaitFor(Clock::duration timeout);
  void Notify() { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

// Calls `on_expire` once after `timeout` unless Cancel() ran (or the Deadline was destroyed) first.
class Deadline {
 public:
  Deadline(Executor ex, Clock::duration timeout, std::function<void()> on_expire);
  ~Deadline() { Cancel(); }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  void Cancel();
  bool expired() const { return *expired_; }

 private:
  asio::steady_timer timer_;
  std::shared_ptr<bool> expired_ = std::make_shared<bool>(false);
  std::shared_ptr<bool> cancelled_ = std::make_shared<bool>(false);
};

}  // namespace sov::p2p

// SOV_RETURN_IF_ERROR for coroutines (co_return instead of return).
#define SOV_CO_RETURN_IF_ERROR(expr)                   \
  do {                                                 \
    ::sov::Status sov_co_status_ = (expr);             \
    if (!sov_co_status_.ok()) co_return sov_co_status_; \
  } while (0)
