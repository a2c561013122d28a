#include "node/p2p/transport/async.h"

#include <spdlog/spdlog.h>

#include <asio/experimental/awaitable_operators.hpp>

namespace sov::p2p {

void LogEscapedException(const std::string& what, std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("{}: unexpected exception: {}", what, ex.what());
  } catch (...) {
    spdlog::error("{}: unexpected non-standard exception", what);
  }
}

Task<bool> Signal::WaitFor(Clock::duration timeout) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer guard(timer_.get_executor(), timeout);
  auto result = co_await (timer_.async_wait(kUseAwaitable) || guard.async_wait(kUseAwaitable));
  co_return result.index() == 0;
}

Deadline::Deadline(Executor ex, Clock::duration timeout, std::function<void()> on_expire)
    : timer_(ex, timeout) {
  timer_.async_wait([expired = expired_, cancelled = cancelled_, fn = std::move(on_expire)](std::error_code ec) {
    if (ec || *cancelled) return;
    *expired = true;
    fn();
  });
}

void Deadline::Cancel() {
  *cancelled_ = true;
  timer_.cancel();
}

}  // namespace sov::p2p
