#include "pipeline/triples/triples_export.h"

#include <memory>
#include <optional>

namespace sov::pipeline {

namespace {

// A conservative subset of Turtle's PN_LOCAL that every Turtle parser accepts.
bool SafeLocalName(std::string_view local) {
  if (local.empty()) return false;
  for (size_t i = 0; i < local.size(); ++i) {
    const auto c = static_cast<unsigned char>(local[i]);
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool more = (c >= '0' && c <= '9') || c == '-';
    if (!(alpha || (i > 0 && more))) return false;
  }
  return true;
}

std::string PrefixedOrFull(std::string_view iri) {
  for (const RdfPrefix& p : kRdfPrefixes) {
    if (iri.starts_with(p.ns) && SafeLocalName(iri.substr(p.ns.size()))) {
      return std::string(p.prefix) + ":" + std::string(iri.substr(p.ns.size()));
    }
  }
  return "<" + std::string(iri) + ">";
}

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void Begin(std::ostream&) {}
  virtual void Write(std::ostream& out, const Triple& t) = 0;
  virtual void End(std::ostream&) {}
};

class NTriplesWriter final : public Writer {
 public:
  void Write(std::ostream& out, const Triple& t) override { out << ToNTriples(t) << '\n'; }
};

class TurtleWriter final : public Writer {
 public:
  void Begin(std::ostream& out) override {
    for (const RdfPrefix& p : kRdfPrefixes) out << "@prefix " << p.prefix << ": <" << p.ns << "> .\n";
    out << '\n';
  }
  void Write(std::ostream& out, const Triple& t) override {
    if (subject_ && *subject_ == t.subject) {
      if (predicate_ && *predicate_ == t.predicate) {
        out << " ,\n        " << ToTurtle(t.object);
      } else {
        out << " ;\n    " << ToTurtle(t.predicate, true) << ' ' << ToTurtle(t.object);
        predicate_ = t.predicate;
      }
      return;
    }
    if (subject_) out << " .\n";
    out << ToTurtle(t.subject) << ' ' << ToTurtle(t.predicate, true) << ' ' << ToTurtle(t.object);
    subject_ = t.subject;
    predicate_ = t.predicate;
  }
  void End(std::ostream& out) override {
    if (subject_) out << " .\n";
  }

 private:
  std::optional<RdfTerm> subject_, predicate_;
};

class CsvWriter final : public Writer {
 public:
  void Begin(std::ostream& out) override { out << "subject,predicate,object,object_kind,datatype\r\n"; }
  void Write(std::ostream& out, const Triple& t) override {
    out << CsvField(t.subject.value) << ',' << CsvField(t.predicate.value) << ',' << CsvField(t.object.value);
    if (t.object.is_iri()) {
      out << ",iri,\r\n";
    } else {
      const std::string datatype =
          t.object.datatype.empty() ? std::string(kXsdNs) + "string" : t.object.datatype;
      out << ",literal," << CsvField(datatype) << "\r\n";
    }
  }
};

}  // namespace

Result<RdfFormat> ParseRdfFormat(std::string_view name) {
  if (name == "nt") return RdfFormat::kNTriples;
  if (name == "ttl") return RdfFormat::kTurtle;
  if (name == "csv") return RdfFormat::kCsv;
  return Status::InvalidArgument("--format: expected nt, ttl or csv, got '" + std::string(name) + "'");
}

std::string ToTurtle(const RdfTerm& term, bool predicate) {
  if (term.is_iri()) {
    if (predicate && term.value == std::string(kRdfNs) + "type") return "a";
    return PrefixedOrFull(term.value);
  }
  std::string out = "\"" + EscapeLiteral(term.value) + "\"";
  if (!term.datatype.empty()) out += "^^" + PrefixedOrFull(term.datatype);
  return out;
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Result<uint64_t> ExportTriples(const store::Db& db, const ExportOptions& options, std::ostream& out) {
  SOV_RETURN_IF_ERROR(ValidatePattern(options.filter));
  uint64_t total = 0;
  if (options.progress) {
    SOV_ASSIGN_OR_RETURN(total, CountTriples(db, options.filter));
    options.progress(0, total);
  }
  std::unique_ptr<Writer> writer;
  switch (options.format) {
    case RdfFormat::kNTriples: writer = std::make_unique<NTriplesWriter>(); break;
    case RdfFormat::kTurtle: writer = std::make_unique<TurtleWriter>(); break;
    case RdfFormat::kCsv: writer = std::make_unique<CsvWriter>(); break;
  }
  writer->Begin(out);
  uint64_t written = 0;
  const uint64_t every = options.progress_every == 0 ? 1 : options.progress_every;
  auto n = ForEachTriple(db, options.filter, [&](const Triple& t) {
    writer->Write(out, t);
    ++written;
    if (options.progress && written % every == 0) options.progress(written, total);
    return out.good();
  });
  if (!n.ok()) return n.status();
  writer->End(out);
  out.flush();
  if (!out.good()) return Status::IOError("writing the export failed after " + std::to_string(written) + " triples");
  if (options.progress) options.progress(written, total);
  return written;
}

}  // namespace sov::pipeline
