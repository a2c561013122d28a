// Fuzzes the node's config file (node/config*: toml++ under the key registry). Any text either
// parses to a config that satisfies every cross-key rule, or fails with an error that names the
// origin file. A config that parses renders back to TOML that parses to the same config.
#include <cstddef>
#include <cstdint>
#include <string>

#include "node/config.h"
#include "node/config_registry.h"
#include "node/config_spec.h"
#include "tests/fuzz/support/fuzz_check.h"

namespace {

std::string Render(const sov::node::Config& c) {
  return sov::node::RenderToml(sov::node::NodeConfigKeys(), c.ToValues(), "# fuzz");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;  // config files are small; the parser's cost is not the point
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = sov::node::Config::Parse(text, "fuzz.toml");
  if (!config.ok()) {
    FUZZ_CHECK(config.status().message().find("fuzz.toml") != std::string::npos);
    return 0;
  }
  FUZZ_CHECK(config->p2p_low_watermark <= config->p2p_max_peers);
  const std::string rendered = Render(*config);
  auto again = sov::node::Config::Parse(rendered, "rendered.toml");
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(Render(*again) == rendered);
  return 0;
}
