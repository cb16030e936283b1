#include "file_io.hpp"

#include <nianbao/error.hpp>
#include <nianbao/plugin.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nianbao {

namespace fs = std::filesystem;

namespace detail {

[[noreturn]] void fail(int err, const std::string& what, const fs::path& where) {
  throw Error(file_error_code(err), what + ": " + std::strerror(err), {display_path(where)});
}

void write_all(int fd, std::string_view bytes, const fs::path& shown) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(errno, "cannot write", shown);
    if (n == 0) fail(EIO, "cannot write", shown);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void close_checked(int fd, const fs::path& shown) {
  if (::close(fd) != 0 && errno != EINTR) fail(errno, "cannot finish writing", shown);
}

}  // namespace detail

void write_bytes(const fs::path& file, std::string_view bytes) {
  const fs::path shown = file.filename();  // not the staging folder's name
  int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) detail::fail(errno, "cannot write", shown);
  try {
    detail::write_all(fd, bytes, shown);
  } catch (...) {
    ::close(fd);
    throw;
  }
  detail::close_checked(fd, shown);
}

}  // namespace nianbao
