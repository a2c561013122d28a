#include "cli/log_lines.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "store/base/text.h"

namespace sov::cli {

namespace {

class Sanitizing final : public spdlog::formatter {
 public:
  explicit Sanitizing(std::unique_ptr<spdlog::formatter> inner) : inner_(std::move(inner)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    std::string clean = SanitizeText(text);
    if (clean == text) {
      inner_->format(msg, dest);
      return;
    }
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(clean.data(), clean.size());
    inner_->format(copy, dest);
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<Sanitizing>(inner_->clone());
  }

 private:
  std::unique_ptr<spdlog::formatter> inner_;
};

}  // namespace

std::unique_ptr<spdlog::formatter> SanitizingFormatter(std::unique_ptr<spdlog::formatter> inner) {
  return std::make_unique<Sanitizing>(std::move(inner));
}

void InstallStderrLogger(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("sov");
  logger->set_formatter(
      SanitizingFormatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v")));
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace sov::cli
