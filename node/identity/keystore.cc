#include "node/identity/keystore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/base/bytes.h"
#include "store/base/crypto.h"

namespace sov::identity {

namespace {

constexpr std::string_view kHeader = "sov-ed25519-seed-v1 ";

Status Errno(const std::string& what) { return Status::IOError(what + ": " + std::strerror(errno)); }

}  // namespace

Keystore::~Keystore() { crypto::Wipe(&secret_key_); }

Result<std::unique_ptr<Keystore>> Keystore::Create(const std::string& path) {
  SOV_RETURN_IF_ERROR(crypto::Init());
  crypto::KeyPair kp = crypto::GenerateKeyPair();
  return Write(path, kp.secret_key.substr(0, crypto::kSeedBytes));
}

Result<std::unique_ptr<Keystore>> Keystore::CreateFromSeed(const std::string& path, std::string_view seed) {
  SOV_RETURN_IF_ERROR(crypto::Init());
  return Write(path, std::string(seed));
}

Result<std::unique_ptr<Keystore>> Keystore::Write(const std::string& path, std::string seed) {
  auto kp = crypto::KeyPairFromSeed(seed);
  crypto::Wipe(&seed);
  if (!kp.ok()) return kp.status();
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return Status::IOError("creating " + p.parent_path().string() + ": " + ec.message());
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::InvalidArgument("a key already exists at " + path);
    return Errno("creating key file " + path);
  }
  std::string content(kHeader);
  std::string seed_hex = ToHex(kp->secret_key.substr(0, crypto::kSeedBytes));
  content += seed_hex + "\n";
  crypto::Wipe(&seed_hex);
  ssize_t n = ::write(fd, content.data(), content.size());
  bool ok = n == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  crypto::Wipe(&content);
  ::close(fd);
  if (!ok) return Errno("writing key file " + path);
  return Load(path);
}

Result<std::unique_ptr<Keystore>> Keystore::Load(const std::string& path) {
  SOV_RETURN_IF_ERROR(crypto::Init());
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no key at " + path + " (run `sov init` first)");
    return Errno("opening key file " + path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Errno("stat of key file " + path);
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    return Status::InvalidArgument("key file " + path + " has mode " + mode +
                                   ": it must not be accessible by group or others (chmod 600 " + path + ")");
  }
  if (st.st_size > 256) {
    ::close(fd);
    return Status::Corruption("key file " + path + " is larger than a key file can be");
  }
  std::string content(static_cast<size_t>(st.st_size), '\0');
  ssize_t n = ::read(fd, content.data(), content.size());
  ::close(fd);
  if (n != st.st_size) return Errno("reading key file " + path);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  if (content.substr(0, kHeader.size()) != kHeader || content.size() != kHeader.size() + 64) {
    crypto::Wipe(&content);
    return Status::Corruption("key file " + path + " is not a sov key (expected '" + std::string(kHeader) +
                              "<64 hex digits>')");
  }
  auto seed = FromHex(std::string_view(content).substr(kHeader.size()));
  crypto::Wipe(&content);
  if (!seed) return Status::Corruption("key file " + path + " holds a seed that is not hex");
  auto kp = crypto::KeyPairFromSeed(*seed);
  crypto::Wipe(&*seed);
  if (!kp.ok()) return kp.status();
  std::unique_ptr<Keystore> ks(new Keystore());
  ks->secret_key_ = kp->secret_key;
  ks->public_key_ = kp->public_key;
  ks->did_ = crypto::DidKeyFromPublicKey(kp->public_key);
  return ks;
}

std::string Keystore::Sign(std::string_view message) const { return crypto::Sign(secret_key_, message); }

}  // namespace sov::identity
