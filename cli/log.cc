// `sov log …`: stats, tail [-f] [-n N], show SEQ, verify [--did D], export --format jsonl,
// backup DIR, restore DIR, repair. Read commands follow the writer as a secondary reader.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "cli/context.h"
#include "cli/event_text.h"
#include "events_generated.h"
#include "store/base/bytes.h"
#include "store/base/clock.h"
#include "store/event_names.h"
#include "store/verify.h"

namespace sov::cli {

namespace {

std::atomic<bool> g_interrupted{false};  // set by SIGINT during `tail -f` only

int Stats(Context& ctx, bool by_type) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  const auto& reader = (*h)->store().reader();
  auto head = reader.Head();
  if (!head.ok()) return Fail(head.status());
  int64_t first_ts = 0, last_ts = 0;
  if (head->seq > 0) {
    auto first = reader.Read(1);
    if (!first.ok()) return Fail(first.status());
    first_ts = first->envelope().timestamp_ns();
    auto last = reader.Read(head->seq);
    if (!last.ok()) return Fail(last.status());
    last_ts = last->envelope().timestamp_ns();
  }
  std::map<std::string, uint64_t> types;
  if (by_type) {
    auto c = reader.Scan(1);
    for (; c.Valid(); c.Next()) ++types[store::EventTypeName(c.entry().envelope().payload_type())];
    if (!c.status().ok()) return Fail(c.status());
  }
  const auto& db = (*h)->db();
  uint64_t bytes = db.EstimateLiveBytes(reader.log_family());
  if (ctx.json) {
    nlohmann::json j = {{"records", head->seq},
                        {"headHash", ToHex(head->chain_hash)},
                        {"lastCheckpointSeq", head->last_checkpoint_seq},
                        {"firstEventTime", FormatTime(first_ts)},
                        {"lastEventTime", FormatTime(last_ts)},
                        {"estimatedBytes", bytes}};
    if (by_type) j["byType"] = types;
    PrintJson(j);
  } else {
    PrintTable({"FIELD", "VALUE"}, {{"records", std::to_string(head->seq)},
                                    {"head hash", ToHex(head->chain_hash)},
                                    {"last checkpoint", std::to_string(head->last_checkpoint_seq)},
                                    {"first event", FormatTime(first_ts)},
                                    {"last event", FormatTime(last_ts)},
                                    {"estimated bytes", std::to_string(bytes)}});
    if (by_type) {
      std::vector<std::vector<std::string>> rows;
      for (auto& [t, n] : types) rows.push_back({t, std::to_string(n)});
      std::cout << '\n';
      PrintTable({"TYPE", "COUNT"}, rows);
    }
  }
  return 0;
}

int PrintEntry(Context& ctx, const EventText& text, const store::LogEntry& e) {
  if (ctx.json) {
    auto j = text.ToJson(e);
    if (!j.ok()) return Fail(j.status());
    std::cout << j->dump() << '\n';
  } else {
    std::cout << text.Line(e) << '\n';
  }
  return 0;
}

int Tail(Context& ctx, uint64_t n, bool follow) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto text = EventText::Create();
  if (!text.ok()) return Fail(text.status());
  auto& store = (*h)->store();
  auto head = store.reader().Head();
  if (!head.ok()) return Fail(head.status());
  uint64_t next = head->seq > n ? head->seq - n + 1 : 1;
  if (follow) {
    std::signal(SIGINT, [](int) { g_interrupted = true; });
    std::signal(SIGTERM, [](int) { g_interrupted = true; });
  }
  for (;;) {
    auto c = store.reader().Scan(next);
    for (; c.Valid(); c.Next()) {
      if (int rc = PrintEntry(ctx, **text, c.entry()); rc != 0) return rc;
      next = c.entry().seq() + 1;
    }
    if (!c.status().ok()) return Fail(c.status());
    std::cout.flush();
    if (!follow) return 0;
    // Another process writes: catch up with its WAL every 100 ms (a RocksDB secondary has no push).
    for (int i = 0; i < 10 && !g_interrupted; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (g_interrupted) return 0;
    Status s = store.Refresh();
    if (!s.ok()) return Fail(s);
  }
}

int Show(Context& ctx, uint64_t seq) {
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto text = EventText::Create();
  if (!text.ok()) return Fail(text.status());
  auto e = (*h)->store().reader().Read(seq);
  if (!e.ok()) return Fail(e.status());
  auto j = (*text)->ToJson(*e);
  if (!j.ok()) return Fail(j.status());
  if (ctx.json) {
    PrintJson(*j);
  } else {
    std::cout << "seq:        " << (*j)["seq"] << "\ntime:       " << (*j)["time"].get<std::string>()
              << "\ntype:       " << (*j)["type"].get<std::string>() << "\norigin:     "
              << (*j)["origin"].get<std::string>() << "\nchain hash: " << (*j)["chainHash"].get<std::string>()
              << "\npayload:    " << (*j)["payload"].dump(2) << std::endl;
  }
  return 0;
}

int Verify(Context& ctx, const std::string& did_flag) {
  std::string did = did_flag;
  if (!did.empty()) {
    Status s = CheckDid("--did", did);
    if (!s.ok()) return Fail(s);
  } else {
    auto key = identity::Keystore::Load(ctx.home().key());
    if (key.ok()) did = (*key)->did();
    // An auditor may hold only the log: without a key or --did, checkpoints are checked against the
    // DID each names, which proves integrity but not authorship; say so.
  }
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  store::VerifyOptions o;
  o.expected_did = did;
  if (::isatty(STDERR_FILENO)) {
    o.progress = [](uint64_t seq, uint64_t head) { std::cerr << "\rverified " << seq << "/" << head << std::flush; };
  }
  auto report = store::VerifyLog((*h)->db(), o);
  if (o.progress) std::cerr << "\r" << std::string(40, ' ') << "\r";
  if (!report.ok()) return Fail(report.status());
  if (ctx.json) {
    PrintJson({{"ok", report->ok},
               {"records", report->records},
               {"checkpoints", report->checkpoints},
               {"lastSignedSeq", report->last_signed_seq},
               {"headHash", report->head_hash},
               {"signer", did.empty() ? nlohmann::json(nullptr) : nlohmann::json(did)},
               {"badSeq", report->ok ? nlohmann::json(nullptr) : nlohmann::json(report->bad_seq)},
               {"error", report->ok ? nlohmann::json(nullptr) : nlohmann::json(report->error)}});
  }
  if (!report->ok) {
    if (!ctx.json) return Fail("verify failed at record " + std::to_string(report->bad_seq) + ": " + report->error);
    return 1;
  }
  if (!ctx.json) {
    std::cout << "ok: " << report->records << " records, chain intact, " << report->checkpoints
              << " signed checkpoints (last covers record " << report->last_signed_seq << ")"
              << (did.empty() ? ", signer not pinned (pass --did)" : ", signed by " + did) << "\nhead hash "
              << report->head_hash << std::endl;
    // The record right after the last signed one is that checkpoint itself.
    if (report->last_signed_seq + 1 < report->records) {
      std::cout << "note: records " << report->last_signed_seq + 1 << ".." << report->records
                << " are chained but not yet covered by a signature" << std::endl;
    }
  }
  return 0;
}

int Export(Context& ctx, const std::string& format, const std::string& out_path) {
  if (format != "jsonl") return Fail("--format: only jsonl is supported, not '" + format + "'");
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto text = EventText::Create();
  if (!text.ok()) return Fail(text.status());
  std::ofstream file;
  std::ostream* out = &std::cout;
  const std::string tmp = out_path + ".tmp";
  if (!out_path.empty()) {
    file.open(tmp, std::ios::binary | std::ios::trunc);
    if (!file) return Fail("cannot write " + tmp);
    out = &file;
  }
  auto c = (*h)->store().reader().Scan(1);
  uint64_t n = 0;
  for (; c.Valid(); c.Next()) {
    auto j = (*text)->ToJson(c.entry());
    if (!j.ok()) return Fail(j.status());
    *out << j->dump() << '\n';
    ++n;
  }
  if (!c.status().ok()) {
    if (!out_path.empty()) std::filesystem::remove(tmp);
    return Fail(c.status());
  }
  if (!out_path.empty()) {
    file.close();
    if (!file) return Fail("writing " + tmp);
    std::filesystem::rename(tmp, out_path);
    std::cerr << "exported " << n << " events to " << out_path << std::endl;
  }
  return 0;
}

int Backup(Context& ctx, const std::string& dir) {
  // Beside a running writer the backup is taken from a secondary reader caught up with it.
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  Status s = (*h)->store().db().BackupTo(dir);
  if (!s.ok()) return Fail(s);
  auto head = (*h)->store().reader().Head();
  if (ctx.json) {
    PrintJson({{"backupDir", dir}, {"records", head.ok() ? head->seq : 0}});
  } else {
    std::cout << "backed up " << (head.ok() ? head->seq : 0) << " records to " << dir << std::endl;
  }
  return 0;
}

int Restore(Context& ctx, const std::string& dir, bool force) {
  auto layout = ctx.home();
  namespace fs = std::filesystem;
  if (!fs::exists(dir)) return Fail("no backup directory " + dir);
  if (fs::exists(layout.db() + "/CURRENT")) {
    if (!force) return Fail("the home at " + layout.home + " already has a log; pass --force to replace it");
    // Refuse while a writer holds it: opening as writer proves nobody does.
    auto w = WriteHandle::Open(ctx, /*views=*/false);
    if (!w.ok()) return Fail(w.status());
  }
  Status s = store::Db::RestoreLatestBackup(dir, layout.db());
  if (!s.ok()) return Fail(s);
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  auto head = (*h)->store().reader().Head();
  if (!head.ok()) return Fail(head.status());
  if (ctx.json) {
    PrintJson({{"restoredFrom", dir}, {"records", head->seq}});
  } else {
    std::cout << "restored " << head->seq << " records from " << dir << " (run `sov log verify` to audit)" << std::endl;
  }
  return 0;
}

// A name for the copy of a damaged log: db.damaged-20261201T223000Z (-2, -3... if taken).
std::string DamagedCopyDir(const node::HomeLayout& layout) {
  const std::time_t now = static_cast<std::time_t>(WallClockNs() / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
  std::string dir = layout.home + "/db.damaged-" + stamp;
  for (int i = 2; std::filesystem::exists(dir); ++i) dir = layout.home + "/db.damaged-" + stamp + "-" + std::to_string(i);
  return dir;
}

int Repair(Context& ctx) {
  auto h = WriteHandle::Prepare(ctx);
  if (!h.ok()) return Fail(h.status());
  auto layout = ctx.home();
  const std::string backup = DamagedCopyDir(layout);
  auto report = pipeline::EventStore::Repair(layout.db(), backup, (*h)->options, WallClockNs());
  if (!report.ok()) return Fail(report.status());
  if (ctx.json) {
    PrintJson({{"repaired", report->repaired},
               {"intactThrough", report->intact_through},
               {"firstLost", report->repaired ? report->intact_through + 1 : 0},
               {"signedThrough", report->signed_through},
               {"damage", report->damage},
               {"damagedCopy", report->backup_dir}});
    return 0;
  }
  if (!report->repaired) {
    std::cout << "the log at " << layout.db() << " is intact: nothing to repair" << std::endl;
    return 0;
  }
  std::cout << "repaired the log at " << layout.db() << ":\n"
            << "  damage        " << report->damage << "\n"
            << "  kept          records 1.." << report->intact_through << "\n"
            << "  lost          from record " << report->intact_through + 1
            << (report->signed_through > report->intact_through
                    ? " (through at least " + std::to_string(report->signed_through) + ", which a checkpoint had signed)"
                    : std::string())
            << "\n"
            << "  damaged copy  " << report->backup_dir << "\n"
            << "recorded as log.repaired (run `sov log verify` to audit)" << std::endl;
  return 0;
}

}  // namespace

void AddLogCommands(CLI::App& app, Context& ctx) {
  auto* log = app.add_subcommand("log", "The event log: stats, tail, show, verify, export, backup, restore, repair");
  log->require_subcommand(1);
  log->fallthrough();

  auto* stats = log->add_subcommand("stats", "Records, head hash, last checkpoint, time span");
  auto by_type = std::make_shared<bool>(false);
  stats->add_flag("--by-type", *by_type, "Also count records per event type (scans the log)");
  stats->callback([&ctx, by_type] { ctx.exit_code = Stats(ctx, *by_type); });

  auto* tail = log->add_subcommand("tail", "The last events, one per line (--json: JSON lines)");
  auto n = std::make_shared<uint64_t>(10);
  auto follow = std::make_shared<bool>(false);
  tail->add_option("-n", *n, "How many of the last events to print")->check(CLI::Range(uint64_t{0}, uint64_t{1} << 40));
  tail->add_flag("-f,--follow", *follow, "Keep printing new events until interrupted");
  tail->callback([&ctx, n, follow] { ctx.exit_code = Tail(ctx, *n, *follow); });

  auto* show = log->add_subcommand("show", "One event in full");
  auto seq = std::make_shared<uint64_t>(0);
  // The upper bound also refuses "-1", which the unsigned parse would wrap to 2^64-1.
  show->add_option("SEQ", *seq, "Sequence number")->required()->check(CLI::Range(uint64_t{1}, uint64_t{INT64_MAX}));
  show->callback([&ctx, seq] { ctx.exit_code = Show(ctx, *seq); });

  auto* verify = log->add_subcommand("verify", "Recompute the hash chain and check every signed checkpoint");
  auto did = std::make_shared<std::string>();
  verify->add_option("--did", *did, "The DID the checkpoints must be signed by (default: this home's key)");
  verify->callback([&ctx, did] { ctx.exit_code = Verify(ctx, *did); });

  auto* exp = log->add_subcommand("export", "Every event, in order");
  auto format = std::make_shared<std::string>("jsonl");
  auto out = std::make_shared<std::string>();
  exp->add_option("--format", *format, "jsonl (one JSON object per line)");
  exp->add_option("-o,--output", *out, "Write to this file instead of stdout");
  exp->callback([&ctx, format, out] { ctx.exit_code = Export(ctx, *format, *out); });

  auto* backup = log->add_subcommand("backup", "Online backup of the log and views into DIR (works beside a running writer)");
  auto bdir = std::make_shared<std::string>();
  backup->add_option("DIR", *bdir, "Backup directory (created; repeated backups are incremental)")->required();
  backup->callback([&ctx, bdir] { ctx.exit_code = Backup(ctx, *bdir); });

  auto* restore = log->add_subcommand("restore", "Restore the latest backup in DIR into this home");
  auto rdir = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  restore->add_option("DIR", *rdir, "Backup directory")->required();
  restore->add_flag("--force", *force, "Replace an existing log");
  restore->callback([&ctx, rdir, force] { ctx.exit_code = Restore(ctx, *rdir, *force); });

  auto* repair = log->add_subcommand(
      "repair", "Accept the loss of a damaged log: copy its files aside, keep the intact records, record log.repaired");
  repair->callback([&ctx] { ctx.exit_code = Repair(ctx); });
}

}  // namespace sov::cli
