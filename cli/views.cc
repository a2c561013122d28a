// `sov views …`: list, status (checkpoint and lag per view), rebuild [VIEW], digest [VIEW].
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/context.h"
#include "pipeline/runner.h"

namespace sov::cli {

namespace {

Status CheckView(const std::string& view) {
  if (view.empty()) return Status::OK();
  for (const auto& n : pipeline::ViewNames()) {
    if (n == view) return Status::OK();
  }
  std::string known;
  for (const auto& n : pipeline::ViewNames()) known += (known.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown view '" + view + "' (views: " + known + ")");
}

int List(Context& ctx) {
  auto names = pipeline::ViewNames();
  if (ctx.json) {
    PrintJson(names);
  } else {
    for (const auto& n : names) std::cout << n << '\n';
  }
  return 0;
}

int StatusCmd(Context& ctx) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  const auto& db = (*h)->db();
  auto head = (*h)->store().reader().Head();
  if (!head.ok()) return Fail(head.status());
  nlohmann::json arr = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& name : pipeline::ViewNames()) {
    auto cf = db.Family(pipeline::ViewFamily(name));
    if (!cf.ok()) return Fail(cf.status());
    auto cp = pipeline::ReadViewCheckpoint(db, *cf, name);
    if (!cp.ok()) return Fail(cp.status());
    uint64_t lag = head->seq > cp->first ? head->seq - cp->first : 0;
    arr.push_back({{"view", name}, {"checkpointSeq", cp->first}, {"version", cp->second}, {"headSeq", head->seq},
                   {"lag", lag}, {"estimatedKeys", db.EstimateKeys(*cf)}});
    rows.push_back({name, std::to_string(cp->first), std::to_string(cp->second), std::to_string(head->seq),
                    std::to_string(lag), std::to_string(db.EstimateKeys(*cf))});
  }
  if (ctx.json) {
    PrintJson(arr);
  } else {
    PrintTable({"VIEW", "CHECKPOINT", "VERSION", "HEAD", "LAG", "KEYS (EST.)"}, rows);
  }
  return 0;
}

int Rebuild(Context& ctx, const std::string& view) {
  if (Status s = CheckView(view); !s.ok()) return Fail(s);
  auto w = WriteHandle::Open(ctx);
  if (!w.ok()) return Fail(w.status());
  auto* runner = (*w)->store->runner();
  const bool tty = ::isatty(STDERR_FILENO);
  pipeline::ProgressFn progress = [tty](std::string_view v, uint64_t done, uint64_t total) {
    if (tty) std::cerr << "\rrebuilding " << v << ": " << done << "/" << total << std::flush;
  };
  nlohmann::json arr = nlohmann::json::array();
  auto t0 = std::chrono::steady_clock::now();
  // All views refold in one pass over the log; one view alone refolds by itself.
  Status s = view.empty() ? runner->RebuildAll(progress) : runner->Rebuild(view, progress);
  if (tty) std::cerr << "\r" << std::string(60, ' ') << "\r";
  if (!s.ok()) return Fail(s);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& name : pipeline::ViewNames()) {
    if (!view.empty() && name != view) continue;
    auto digest = pipeline::ViewDigest((*w)->store->db(), name);
    if (!digest.ok()) return Fail(digest.status());
    arr.push_back({{"view", name}, {"seconds", secs}, {"digest", *digest}});
    if (!ctx.json) std::cout << "rebuilt " << name << ", digest " << *digest << std::endl;
  }
  if (!ctx.json) std::cout << "rebuilt in " << secs << " s" << std::endl;
  if (ctx.json) PrintJson(arr);
  return 0;
}

int Digest(Context& ctx, const std::string& view) {
  if (Status s = CheckView(view); !s.ok()) return Fail(s);
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  nlohmann::json obj = nlohmann::json::object();
  std::vector<std::vector<std::string>> rows;
  for (const auto& name : pipeline::ViewNames()) {
    if (!view.empty() && name != view) continue;
    auto d = pipeline::ViewDigest((*h)->db(), name);
    if (!d.ok()) return Fail(d.status());
    obj[name] = *d;
    rows.push_back({name, *d});
  }
  if (ctx.json) {
    PrintJson(obj);
  } else {
    PrintTable({"VIEW", "DIGEST (BLAKE2b-256)"}, rows);
  }
  return 0;
}

}  // namespace

void AddViewsCommands(CLI::App& app, Context& ctx) {
  auto* views = app.add_subcommand("views", "Materialized views: list, status, rebuild, digest");
  views->require_subcommand(1);
  views->fallthrough();
  views->add_subcommand("list", "Names of all views")->callback([&ctx] { ctx.exit_code = List(ctx); });
  views->add_subcommand("status", "Checkpoint and lag of each view")->callback([&ctx] {
    ctx.exit_code = StatusCmd(ctx);
  });
  auto* rebuild = views->add_subcommand("rebuild", "Drop a view (or all) and refold it from record 1");
  auto rview = std::make_shared<std::string>();
  rebuild->add_option("VIEW", *rview, "One view (default: all)");
  rebuild->callback([&ctx, rview] { ctx.exit_code = Rebuild(ctx, *rview); });
  auto* digest = views->add_subcommand("digest", "BLAKE2b-256 of each view's bytes (compare live and rebuilt)");
  auto dview = std::make_shared<std::string>();
  digest->add_option("VIEW", *dview, "One view (default: all)");
  digest->callback([&ctx, dview] { ctx.exit_code = Digest(ctx, *dview); });
}

}  // namespace sov::cli
