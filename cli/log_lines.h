// The node's log lines on stderr: one pattern, and every message passed through SanitizeText first,
// so an error that quotes a peer's bytes can neither forge a log line (newlines) nor drive the
// operator's terminal (escape sequences) nor carry invalid UTF-8.
#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>

namespace sov::cli {

// A formatter that sanitizes each message's text, then formats it with `inner`.
std::unique_ptr<spdlog::formatter> SanitizingFormatter(std::unique_ptr<spdlog::formatter> inner);

// Makes a colored stderr logger named "sov" the default, at `level` ("info", "debug", ...), with
// the sanitizing formatter over "2026-12-01T12:00:00.000 info  message".
void InstallStderrLogger(const std::string& level);

}  // namespace sov::cli
