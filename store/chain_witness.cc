#include "store/chain_witness.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/base/bytes.h"
#include "store/db.h"
#include "store/log_reader.h"

namespace sov::store {

namespace {

constexpr std::string_view kWitnessMagic = "sov.chain-witness.v1";
constexpr size_t kMaxWitnessBytes = 256;

Status Errno(const std::string& what) { return Status::IOError(what + ": " + std::strerror(errno)); }

Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("opening " + path);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) {
    errno = saved;
    return Errno("fsync of " + path);
  }
  return Status::OK();
}

}  // namespace

std::string WitnessPath(const std::string& db_path) { return db_path + "/" + kWitnessFileName; }

Result<std::optional<ChainWitness>> ReadWitness(const std::string& db_path) {
  const std::string path = WitnessPath(db_path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<ChainWitness>();
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IOError("cannot read the chain witness " + path);
  std::string text(kMaxWitnessBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(f.gcount()));
  if (text.size() > kMaxWitnessBytes) return Status::Corruption("the chain witness " + path + " is too large");
  std::istringstream in(text);
  std::string magic, seq_text, hash_hex;
  in >> magic >> seq_text >> hash_hex;
  std::optional<std::string> hash = FromHex(hash_hex);
  uint64_t seq = 0;
  const auto [end, parse_error] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
  const bool seq_ok = !seq_text.empty() && parse_error == std::errc() && end == seq_text.data() + seq_text.size();
  if (magic != kWitnessMagic || !seq_ok || seq == 0 || !hash || hash->size() != 32) {
    return Status::Corruption("the chain witness " + path + " does not parse (want \"" + std::string(kWitnessMagic) +
                              " <seq> <64 hex digits>\")");
  }
  return std::optional<ChainWitness>(ChainWitness{seq, std::move(*hash)});
}

Status WriteWitness(const std::string& db_path, const ChainWitness& witness) {
  const std::string path = WitnessPath(db_path);
  const std::string tmp = path + ".tmp";
  const std::string text =
      std::string(kWitnessMagic) + " " + std::to_string(witness.seq) + " " + ToHex(witness.chain_hash) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("creating " + tmp);
  const ssize_t n = ::write(fd, text.data(), text.size());
  const bool wrote = n == static_cast<ssize_t>(text.size());
  const bool synced = wrote && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!synced) {
    errno = saved;
    return Errno(std::string(wrote ? "fsync of " : "writing ") + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("renaming " + tmp);
  return FsyncPath(db_path, O_RDONLY | O_DIRECTORY);
}

Status RemoveWitness(const std::string& db_path) {
  std::error_code ec;
  std::filesystem::remove(WitnessPath(db_path), ec);
  if (ec) return Status::IOError("removing " + WitnessPath(db_path) + ": " + ec.message());
  return Status::OK();
}

Status CheckWitness(Db& db, const LogReader& reader) {
  auto witness = ReadWitness(db.path());
  if (!witness.ok()) return witness.status();
  if (!witness->has_value()) return Status::OK();
  const ChainWitness& w = **witness;
  auto head = reader.Head();
  if (!head.ok()) return head.status();
  // A secondary follows a writer that may be running: the witnessed records were durable before the
  // witness was written, so after catching up (once the witness was read) they must be visible.
  for (int attempt = 0; attempt < 3 && head->seq < w.seq && db.mode() == DbMode::kSecondary; ++attempt) {
    SOV_RETURN_IF_ERROR(db.CatchUp());
    head = reader.Head();
    if (!head.ok()) return head.status();
  }
  if (head->seq < w.seq) {
    return Status::Corruption("the log at " + db.path() + " ends at record " + std::to_string(head->seq) +
                              ", but record " + std::to_string(w.seq) + " was signed by a checkpoint (" +
                              kWitnessFileName + "): records from " + std::to_string(head->seq + 1) +
                              " on are lost (a deleted or truncated WAL, or removed table files). `sov log repair` accepts the loss after backing up the damaged files");
  }
  auto entry = reader.Read(w.seq);
  if (!entry.ok()) return entry.status().WithContext("reading the witnessed record " + std::to_string(w.seq));
  if (entry->view().chain_hash != w.chain_hash) {
    return Status::Corruption("the log at " + db.path() + " has another chain hash at record " +
                              std::to_string(w.seq) + " than the checkpoint signed (" + kWitnessFileName +
                              "): records up to " + std::to_string(w.seq) + " were changed");
  }
  return Status::OK();
}

}  // namespace sov::store
