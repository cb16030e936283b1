#include <nianbao/output_files.hpp>

#include <nianbao/hash.hpp>
#include <nianbao/manifest.hpp>

#include "file_io.hpp"
#include "read_pieces.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace nianbao {

namespace fs = std::filesystem;
using detail::close_checked;
using detail::fail;
using detail::write_all;

namespace {

const std::string kAreaPrefix = ".nianbao-stage-";
const std::string kTempPrefix = ".nianbao-tmp-";

// Whether the process that locked `lock_file` is gone: its lock is free.
bool owner_gone(const fs::path& lock_file, bool& lock_missing) {
  lock_missing = false;
  int fd = ::open(lock_file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    lock_missing = errno == ENOENT;
    return false;
  }
  bool gone = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::close(fd);
  return gone;
}

bool older_than(const fs::path& p, std::chrono::seconds age) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return false;
  auto mtime = std::chrono::system_clock::from_time_t(st.st_mtime);
  return std::chrono::system_clock::now() - mtime > age;
}

bool plain_name(const std::string& name) {
  bool bad = name.empty() || name == "." || name == ".." || name[0] == '.' || name.find_first_of("/\\") != std::string::npos;
  for (unsigned char c : name) bad = bad || c < 0x20 || c == 0x7f;
  return !bad;
}

}  // namespace

// ---- the staging area of a build -------------------------------------------

StagingArea::StagingArea(fs::path out_dir) : out_dir_(std::move(out_dir)) {
  std::error_code ec;
  fs::create_directories(out_dir_, ec);
  if (ec) throw Error(ExitCode::cant_create, "cannot create the output folder: " + ec.message(), {display_path(out_dir_)});
  std::string tmpl = (out_dir_ / (kAreaPrefix + "XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) fail(errno, "cannot create files in the output folder", out_dir_);
  dir_ = tmpl;
  lock_fd_ = ::open((dir_ / "lock").c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX) != 0) {
    int err = errno;
    fs::remove_all(dir_, ec);
    fail(err, "cannot create files in the output folder", out_dir_);
  }
}

StagingArea::~StagingArea() {
  std::error_code ec;
  fs::remove_all(dir_, ec);  // whatever was not committed
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void StagingArea::discard(const std::string& slot) const noexcept {
  std::error_code ec;
  fs::remove_all(dir_ / slot, ec);
}

std::size_t StagingArea::remove_dead(const fs::path& out_dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out_dir, ec)) {
    std::string n = e.path().filename().string();
    std::error_code sec;
    if (n.rfind(kAreaPrefix, 0) != 0 || !fs::is_directory(e.symlink_status(sec))) continue;
    bool missing = false;
    // No lock yet: an area being made this very moment, unless it is old.
    bool dead = owner_gone(e.path() / "lock", missing) || (missing && older_than(e.path(), std::chrono::hours(1)));
    if (!dead) continue;
    std::error_code rm;
    fs::remove_all(e.path(), rm);
    if (!rm) ++removed;
  }
  return removed;
}

// ---- the files of one report ------------------------------------------------

StagedFiles::StagedFiles(fs::path out_dir) : own_(std::make_unique<StagingArea>(std::move(out_dir))) {
  out_dir_ = own_->out_dir();
  dir_ = own_->dir() / "files";
}

StagedFiles::StagedFiles(const StagingArea& area, const std::string& slot)
    : out_dir_(area.out_dir()), dir_(area.dir() / slot) {}

StagedFiles::~StagedFiles() {
  if (!done_) abort();
}

fs::path StagedFiles::create(const std::string& name) {
  if (!plain_name(name))
    throw Error(ExitCode::cant_create, "refusing output file name \"" + name + "\": it must be a plain file name");
  if (name.size() > 255)
    throw Error(ExitCode::cant_create, "output file name too long (" + std::to_string(name.size()) +
                                           " bytes, at most 255): " + name.substr(0, 60) + "…");
  fs::path target = out_dir_ / name;
  for (const auto& [staged, final] : staged_)
    if (final == target) throw Error(ExitCode::config, "two outputs of this report write the same file " + name);
  if (staged_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);  // a slot a dead worker left
    if (!fs::create_directories(dir_, ec) || ec) fail(ec ? ec.value() : EEXIST, "cannot create files in the output folder", out_dir_);
  }
  fs::path staged = dir_ / name;
  int fd = ::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) fail(errno, "cannot create " + name, out_dir_);
  ::close(fd);
  staged_.emplace_back(staged, target);
  return staged;
}

std::vector<StagedFile> StagedFiles::seal() {
  std::vector<StagedFile> out;
  for (const auto& [staged, target] : staged_) {
    std::string name = target.filename().string();
    int fd = ::open(staged.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
      if (fd >= 0) ::close(fd);
      throw Error(ExitCode::software, "an output plugin did not write " + name);
    }
    // On disk before it is published: a write the disk could not take shows
    // up here at the latest.
    if (::fsync(fd) != 0 && errno != EINVAL) {
      int err = errno;
      ::close(fd);
      fail(err, "cannot write " + name, target);
    }
    Sha256 h;
    std::uintmax_t bytes = 0;
    const int err = detail::read_pieces(fd, [&](std::string_view piece) {
      h.add_raw(piece);
      bytes += piece.size();
      return true;
    });
    ::close(fd);
    if (err != 0) fail(err, "cannot read back " + name, target);
    out.push_back(StagedFile{staged, target, h.hex(), bytes});
  }
  return out;
}

std::vector<fs::path> StagedFiles::commit() {
  std::vector<fs::path> out;
  try {
    out = commit_staged(seal());
  } catch (...) {
    abort();
    throw;
  }
  staged_.clear();
  done_ = true;
  own_.reset();  // a staging area of its own goes with the commit
  return out;
}

std::vector<StagedFile> StagedFiles::release() {
  std::vector<StagedFile> out;
  try {
    out = seal();
  } catch (...) {
    abort();
    throw;
  }
  staged_.clear();
  done_ = true;
  return out;
}

std::vector<fs::path> StagedFiles::commit_staged(const std::vector<StagedFile>& staged) {
  std::vector<fs::path> out;
  for (const auto& f : staged) {
    if (::rename(f.staged.c_str(), f.target.c_str()) != 0) {
      int err = errno;
      abort_staged(staged);
      fail(err, "cannot move into place", f.target);
    }
    out.push_back(f.target);
  }
  if (!staged.empty()) sync_folder(staged.front().target.parent_path());
  return out;
}

void StagedFiles::abort_staged(const std::vector<StagedFile>& staged) noexcept {
  for (const auto& f : staged) {
    std::error_code ec;
    fs::remove(f.staged, ec);
  }
}

void StagedFiles::abort() noexcept {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  staged_.clear();
  done_ = true;
  own_.reset();
}

std::vector<fs::path> StagedFiles::targets() const {
  std::vector<fs::path> out;
  for (const auto& st : staged_) out.push_back(st.second);
  return out;
}

// ---- single files -----------------------------------------------------------

void sync_folder(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // nothing to sync through; the rename itself succeeded
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL && err != EROFS) fail(err, "cannot sync the folder", dir);
}

void create_parent_folders(const fs::path& file) {
  fs::path parent = fs::absolute(file).parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw Error(ExitCode::cant_create, "cannot create the folder " + display_path(parent) + ": " + ec.message(), {file.string()});
}

void write_file_atomically(const fs::path& target, std::string_view bytes, bool durable) {
  write_file_atomically(target, [&](const std::function<void(std::string_view)>& write) { write(bytes); }, durable);
}

void write_file_atomically(const fs::path& target, const std::function<void(const std::function<void(std::string_view)>&)>& produce,
                           bool durable) {
  // A device or a pipe the operator named (--summary /dev/null, /dev/stdout,
  // a FIFO) is written into, never replaced: a rename over it would swap
  // the machine's /dev/null for a file.
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) fail(EISDIR, "cannot write", target);
    int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) fail(errno, "cannot write", target);
    try {
      produce([&](std::string_view bytes) { write_all(fd, bytes, target); });
    } catch (...) {
      ::close(fd);
      throw;
    }
    close_checked(fd, target);
    return;
  }
  std::string tmpl = (target.parent_path() / (kTempPrefix + "XXXXXX")).string();
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);  // O_EXCL: never through a planted link
  if (fd < 0) fail(errno, "cannot write", target);
  fs::path tmp = tmpl;
  ::flock(fd, LOCK_EX);  // alive while written: remove_dead_temp_files leaves it be
  try {
    produce([&](std::string_view bytes) { write_all(fd, bytes, target); });
    if (durable && ::fsync(fd) != 0 && errno != EINVAL) fail(errno, "cannot write", target);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0 && errno != EINTR) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(err, "cannot write", target);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(err, "cannot move into place", target);
  }
  if (durable) sync_folder(target.parent_path());
}

std::size_t remove_dead_temp_files(const fs::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    std::error_code sec;
    if (n.rfind(kTempPrefix, 0) != 0 || !fs::is_regular_file(e.symlink_status(sec))) continue;
    bool missing = false;
    // Between mkostemp and flock a live file is briefly unlocked: only old ones go.
    if (!owner_gone(e.path(), missing) || !older_than(e.path(), std::chrono::seconds(60))) continue;
    if (::unlink(e.path().c_str()) == 0) ++removed;
  }
  return removed;
}

}  // namespace nianbao
