#include <nianbao/input_file.hpp>

#include "read_pieces.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nianbao {

std::string read_input_file(const std::filesystem::path& path, const std::string& display, std::uintmax_t max_bytes,
                            const std::string& too_large, ExitCode too_large_code) {
  // O_NONBLOCK: a FIFO swapped in after the core's check must not hang the read.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    throw Error(ExitCode::no_input, errno == ENOENT ? std::string("文件不存在") : std::string("无法读取：") + std::strerror(errno),
                {display});
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ExitCode::no_input, "不是普通文件", {display});
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw Error(too_large_code, too_large, {display});
  }
  // Read to the end, not to the size fstat saw: a file that grows meanwhile is bounded too.
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(st.st_size));
  const int err = detail::read_pieces(fd, [&](std::string_view piece) {
    bytes.append(piece);
    return bytes.size() <= max_bytes;
  });
  ::close(fd);
  if (err != 0) throw Error(ExitCode::io, std::string("读取失败：") + std::strerror(err), {display});
  if (bytes.size() > max_bytes) throw Error(too_large_code, too_large, {display});
  return bytes;
}

}  // namespace nianbao
