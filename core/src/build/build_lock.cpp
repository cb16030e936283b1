#include "build_lock.hpp"

#include <nianbao/manifest.hpp>
#include <nianbao/output_files.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

namespace nianbao::detail {

namespace {

// Byte 0: the whole folder (a whole build writes it, shards read it); byte
// 1 + a shard's number: that shard.
bool lock(int fd, short type, off_t start, short& held_by) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = start;
  fl.l_len = 1;
  if (::fcntl(fd, F_OFD_SETLK, &fl) == 0) return true;
  struct flock probe {};
  probe.l_type = type;
  probe.l_whence = SEEK_SET;
  probe.l_start = start;
  probe.l_len = 1;
  held_by = ::fcntl(fd, F_OFD_GETLK, &probe) == 0 ? probe.l_type : F_WRLCK;
  return false;
}

std::string holder(int fd) {
  char buf[256] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s.empty() ? "" : " (" + s + ")";
}

}  // namespace

BuildLock::BuildLock(const std::filesystem::path& out_dir, const Shard& shard) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw Error(ExitCode::cant_create, "cannot create the output folder: " + ec.message(), {display_path(out_dir)});
  std::filesystem::path file = out_dir / ".nianbao.lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw Error(file_error_code(errno), std::string("cannot lock the output folder: ") + std::strerror(errno), {display_path(file)});
  const std::string where = display_path(out_dir);
  short held = 0;
  if (shard.count <= 1) {
    if (!lock(fd_, F_WRLCK, 0, held)) {
      std::string who = held == F_WRLCK ? "another nianbao build is writing it" + holder(fd_) : "shard builds are writing it";
      ::close(fd_);
      throw Error(ExitCode::temp_fail, "the output folder " + where + " is busy: " + who + "; try again when it has finished");
    }
    // For the next one who finds the folder busy: who holds it, since when.
    char host[128] = {};
    ::gethostname(host, sizeof host - 1);
    std::time_t now = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
    std::string me = "pid " + std::to_string(::getpid()) + " on " + host + ", since " + when + "\n";
    if (::ftruncate(fd_, 0) == 0) {
      ssize_t n = ::pwrite(fd_, me.data(), me.size(), 0);
      (void)n;  // only a courtesy to whoever finds the folder busy
    }
    return;
  }
  if (!lock(fd_, F_RDLCK, 0, held)) {
    std::string who = holder(fd_);
    ::close(fd_);
    throw Error(ExitCode::temp_fail,
                "the output folder " + where + " is busy: a whole build is writing it" + who + "; try again when it has finished");
  }
  off_t slice = 1 + static_cast<off_t>(shard.count) * 65536 + shard.index;
  if (!lock(fd_, F_WRLCK, slice, held)) {
    ::close(fd_);
    throw Error(ExitCode::temp_fail, "shard " + std::to_string(shard.index) + " of " + std::to_string(shard.count) +
                                         " is already being built into " + where + "; try again when it has finished");
  }
}

BuildLock::~BuildLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace nianbao::detail
