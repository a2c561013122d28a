// `sov triples export --format nt|ttl|csv [-s S] [-p P] [-o FILE]` and
// `sov triples query [-s S] [-p P] [-o O] [--count]`: the triples view (the chronicler's graph).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/context.h"
#include "pipeline/triples/triples_export.h"
#include "pipeline/triples/triples_view.h"

namespace sov::cli {

namespace {

struct ExportArgs {
  std::string format = "nt";
  std::string subject, predicate, output;
  CLI::Option *s = nullptr, *p = nullptr;
};

struct QueryArgs {
  std::string subject, predicate, object;
  bool count = false;
  CLI::Option *s = nullptr, *p = nullptr, *o = nullptr;
};

// A flag given (even as "") is part of the pattern, so an empty term is reported, not ignored.
std::optional<std::string> Opt(const CLI::Option* given, const std::string& value) {
  return given->count() > 0 ? std::optional<std::string>(value) : std::nullopt;
}

int Export(Context& ctx, const ExportArgs& a) {
  auto format = pipeline::ParseRdfFormat(a.format);
  if (!format.ok()) return Fail(format.status());
  pipeline::ExportOptions o;
  o.format = *format;
  o.filter.subject = Opt(a.s, a.subject);
  o.filter.predicate = Opt(a.p, a.predicate);
  if (Status s = pipeline::ValidatePattern(o.filter); !s.ok()) return Fail(s);
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  const bool tty = ::isatty(STDERR_FILENO);
  if (tty) {
    o.progress = [](uint64_t done, uint64_t total) {
      std::cerr << "\rexporting triples: " << done << "/" << total << std::flush;
    };
  }
  auto clear_progress = [tty] {
    if (tty) std::cerr << "\r" << std::string(60, ' ') << "\r" << std::flush;
  };
  if (a.output.empty()) {
    auto n = pipeline::ExportTriples((*h)->db(), o, std::cout);
    clear_progress();
    if (!n.ok()) return Fail(n.status().WithContext("export to stdout"));
    return 0;
  }
  const std::string tmp = a.output + ".tmp";
  Status result;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Fail("cannot write " + tmp + ": " + std::strerror(errno));
    auto n = pipeline::ExportTriples((*h)->db(), o, out);
    clear_progress();
    if (!n.ok()) result = n.status();
    out.close();
    if (result.ok() && !out) result = Status::IOError("closing the file failed");
  }
  std::error_code ec;
  if (result.ok()) {
    std::filesystem::rename(tmp, a.output, ec);
    if (ec) result = Status::IOError("renaming " + tmp + ": " + ec.message());
  }
  if (!result.ok()) {
    std::filesystem::remove(tmp, ec);
    return Fail(result.WithContext("export to " + a.output));
  }
  return 0;
}

int Query(Context& ctx, const QueryArgs& a) {
  pipeline::TriplePattern pattern;
  pattern.subject = Opt(a.s, a.subject);
  pattern.predicate = Opt(a.p, a.predicate);
  pattern.object = Opt(a.o, a.object);
  if (Status s = pipeline::ValidatePattern(pattern); !s.ok()) return Fail(s);
  auto h = ReadHandle::Open(ctx);
  if (!h.ok()) return Fail(h.status());
  if (a.count) {
    auto n = pipeline::CountTriples((*h)->db(), pattern);
    if (!n.ok()) return Fail(n.status());
    if (ctx.json) {
      PrintJson({{"count", *n}});
    } else {
      std::cout << *n << std::endl;
    }
    return 0;
  }
  // Streamed, so a large result never sits in memory; JSON is an array written element by element.
  bool first = true;
  auto n = pipeline::ForEachTriple((*h)->db(), pattern, [&](const pipeline::Triple& t) {
    if (ctx.json) {
      nlohmann::ordered_json j = {{"subject", pipeline::ToNTriples(t.subject)},
                          {"predicate", pipeline::ToNTriples(t.predicate)},
                          {"object", pipeline::ToNTriples(t.object)}};
      std::cout << (first ? "[\n  " : ",\n  ") << j.dump();
    } else {
      std::cout << pipeline::ToNTriples(t) << '\n';
    }
    first = false;
    return std::cout.good();
  });
  if (ctx.json) std::cout << (first ? "[]\n" : "\n]\n");
  std::cout.flush();
  if (!n.ok()) return Fail(n.status());
  if (!std::cout.good()) return Fail("writing to stdout failed");
  return 0;
}

}  // namespace

void AddTriplesCommands(CLI::App& app, Context& ctx) {
  auto* triples = app.add_subcommand("triples", "The knowledge graph folded from the log (the triples view)");
  triples->require_subcommand(1);
  triples->fallthrough();

  auto ea = std::make_shared<ExportArgs>();
  auto* exp = triples->add_subcommand("export", "Write the graph as N-Triples, Turtle or CSV (streamed)");
  exp->fallthrough();
  exp->add_option("--format", ea->format, "nt (N-Triples, default), ttl (Turtle) or csv");
  ea->s = exp->add_option("-s,--subject", ea->subject, "Only this subject (<iri>, bare IRI or prefix:name)");
  ea->p = exp->add_option("-p,--predicate", ea->predicate, "Only this predicate (<iri>, bare IRI or prefix:name)");
  exp->add_option("-o,--output", ea->output, "Write to FILE (via FILE.tmp, renamed when complete) instead of stdout");
  exp->callback([&ctx, ea] { ctx.exit_code = Export(ctx, *ea); });

  auto qa = std::make_shared<QueryArgs>();
  auto* query = triples->add_subcommand("query", "Print the triples matching a pattern (N-Triples lines)");
  query->fallthrough();
  qa->s = query->add_option("-s,--subject", qa->subject, "Subject: <iri>, bare IRI or prefix:name");
  qa->p = query->add_option("-p,--predicate", qa->predicate, "Predicate: <iri>, bare IRI or prefix:name");
  qa->o = query->add_option("-o,--object", qa->object, "Object: an IRI as above, or a literal \"text\" / \"5\"^^xsd:integer");
  query->add_flag("--count", qa->count, "Print only the number of matching triples");
  query->callback([&ctx, qa] { ctx.exit_code = Query(ctx, *qa); });
}

}  // namespace sov::cli
