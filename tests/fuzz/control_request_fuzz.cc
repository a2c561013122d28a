// Fuzzes one control-socket request line as the server handles it (node/gateway/control): parsed
// without exceptions, then dispatched through a registry holding every command of the shared specs.
// Every line gets exactly one response: an object with a boolean "ok", and a string "error" when it
// is false; handlers run only for requests whose fields passed their spec.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "node/gateway/control/commands.h"
#include "node/gateway/control/fields.h"
#include "node/gateway/control/registry.h"
#include "tests/fuzz/support/fuzz_check.h"

namespace {

using sov::node::control::CommandRegistry;
using sov::node::control::CommandSpec;

// Every command answers {"ok": true}: the fuzzer checks the registry's validation, not the node.
const CommandRegistry& Registry() {
  static const CommandRegistry* registry = [] {
    auto* r = new CommandRegistry();
    for (const CommandSpec* spec : sov::node::control::kAllCommands) {
      const CommandSpec* s = spec;
      auto added = r->Add(*s, [s](const nlohmann::json& request) -> sov::p2p::Task<nlohmann::json> {
        FUZZ_CHECK(request.is_object());
        FUZZ_CHECK(sov::node::control::CheckFields(request, s->request, s->name).ok());
        co_return nlohmann::json{{"ok", true}};
      });
      FUZZ_CHECK(added.ok());
    }
    return r;
  }();
  return *registry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string line(reinterpret_cast<const char*>(data), size);
  nlohmann::json request = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return 0;  // the server answers "malformed JSON request"
  asio::io_context io;
  int responses = 0;
  asio::co_spawn(
      io,
      [&]() -> sov::p2p::Task<void> {
        nlohmann::json response = co_await Registry().Dispatch(request);
        FUZZ_CHECK(response.is_object());
        FUZZ_CHECK(response.contains("ok") && response["ok"].is_boolean());
        if (!response["ok"].get<bool>()) FUZZ_CHECK(response.contains("error") && response["error"].is_string());
        // The server writes it as one line.
        const std::string out = response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        FUZZ_CHECK(out.find('\n') == std::string::npos);
        ++responses;
      },
      asio::detached);
  io.run();
  FUZZ_CHECK(responses == 1);
  return 0;
}
