#include "cli/context.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "store/base/crypto.h"

namespace sov::cli {

Result<std::unique_ptr<ReadHandle>> ReadHandle::Open(const Context& ctx) {
  auto layout = ctx.home();
  if (!std::filesystem::exists(layout.home)) {
    return Status::NotFound("no sov home at " + layout.home + " (run `sov init` or pass --home)");
  }
  std::unique_ptr<ReadHandle> h(new ReadHandle());
  h->secondary_dir_ = layout.readers() + "/" + std::to_string(::getpid());
  auto s = pipeline::EventStore::OpenReader(layout.db(), h->secondary_dir_);
  if (!s.ok()) return s.status();
  h->store_ = std::move(*s);
  return h;
}

ReadHandle::~ReadHandle() {
  store_.reset();
  std::error_code ec;
  if (!secondary_dir_.empty()) std::filesystem::remove_all(secondary_dir_, ec);
}

Result<std::unique_ptr<WriteHandle>> WriteHandle::Prepare(const Context& ctx, bool views) {
  auto layout = ctx.home();
  if (!std::filesystem::exists(layout.home)) {
    return Status::NotFound("no sov home at " + layout.home + " (run `sov init` or pass --home)");
  }
  auto h = std::make_unique<WriteHandle>();
  auto config = LoadHomeConfig(ctx);
  if (!config.ok()) return config.status();
  if (!config->found) return Status::NotFound("no config at " + layout.config() + " (run `sov init` first)");
  h->config = config->config;
  auto key = identity::Keystore::Load(layout.key());
  if (!key.ok()) return key.status();
  h->key = std::move(*key);
  h->options.views = views;
  h->options.log = h->config.ToLogOptions(h->key.get());
  h->options.write_buffer_bytes = h->config.store_write_buffer_mb << 20;
  return h;
}

Result<std::unique_ptr<WriteHandle>> WriteHandle::Open(const Context& ctx, bool views) {
  auto h = Prepare(ctx, views);
  if (!h.ok()) return h.status();
  auto s = pipeline::EventStore::Open(ctx.home().db(), (*h)->options);
  if (!s.ok()) return s.status();
  (*h)->store = std::move(*s);
  return h;
}

Result<node::HomeConfig> LoadHomeConfig(const Context& ctx) {
  auto config = node::LoadHomeConfig(ctx.home());
  if (config.ok() && !config->notice.empty()) std::cerr << "sov: " << config->notice << std::endl;
  return config;
}

int Fail(const Status& status) { return Fail(status.message().empty() ? status.ToString() : status.message()); }

int Fail(const std::string& message) {
  std::cerr << "sov: " << message << std::endl;
  return 1;
}

void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(width[i] - cells[i].size() + 2, ' ');
    }
    std::cout << out << '\n';
  };
  line(header);
  for (const auto& r : rows) line(r);
  std::cout.flush();
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

void PrintFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& f : fields) width = std::max(width, f.first.size());
  for (const auto& f : fields) std::cout << f.first << std::string(width - f.first.size() + 2, ' ') << f.second << '\n';
}

std::string FormatTime(int64_t ns) {
  if (ns == 0) return "-";
  std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  int64_t ms = (ns % 1000000000) / 1000000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

nlohmann::json JsonTime(int64_t ns) { return ns == 0 ? nlohmann::json(nullptr) : nlohmann::json(FormatTime(ns)); }

std::string FormatAmount(int64_t minor) {
  const bool negative = minor < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", negative ? "-" : "", static_cast<unsigned long long>(magnitude / 1000000),
                static_cast<unsigned long long>(magnitude % 1000000));
  return buf;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

std::string JoinComma(const std::vector<std::string>& items, const std::string& if_empty) {
  if (items.empty()) return if_empty;
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::string FormatScore(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", score);
  return buf;
}

Status CheckDid(const std::string& flag, const std::string& did) {
  auto pk = crypto::PublicKeyFromDidKey(did);
  if (!pk.ok()) return pk.status().WithContext(flag);
  return Status::OK();
}

}  // namespace sov::cli
