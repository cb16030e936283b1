// Reading a file descriptor to its end, a piece at a time: what reading an
// input and reading back a written output share.
#pragma once
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string_view>

namespace nianbao::detail {

// Calls `piece` with each piece read (up to 64 KB; EINTR retried) until the
// end, or until `piece` returns false. Returns 0, or the errno of a failed read.
inline int read_pieces(int fd, const std::function<bool(std::string_view)>& piece) {
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0 || !piece(std::string_view(buf, static_cast<std::size_t>(n)))) return 0;
  }
}

}  // namespace nianbao::detail
