#include "data_files.hpp"

#include <nianbao/hash.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/text.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nianbao::detail {

namespace fs = std::filesystem;

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // a trailing separator
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

fs::path data_root(const fs::path& manifest_dir) {
  std::error_code ec;
  fs::path root = fs::canonical(manifest_dir, ec);
  return ec ? fs::absolute(manifest_dir).lexically_normal() : root;
}

void check_input_path(const fs::path& root, const fs::path& input, const std::string& shown, const SourceLoc& named_at) {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(input, ec);  // links resolved as far as the path exists
  if (ec) real = input.lexically_normal();
  if (!inside(root, real))
    throw Error(ExitCode::config,
                "input " + shown + " is outside the manifest's folder " + display_path(root) +
                    (real != input.lexically_normal() ? " (through a link, to " + display_path(real) + ")" : "") +
                    ": data is read only from the manifest's folder",
                named_at);
}

DataFile DataFiles::read(const std::string& name, const SourceLoc& named_at) {
  fs::path written(name);
  fs::path p = (input_dir_ / written).lexically_normal();
  std::string shown = display_path(p);
  if (written.is_absolute() || !inside(root_, p))
    throw Error(ExitCode::data, "文件 " + quote_value(name) + " 不在清单所在的文件夹（" + display_path(root_) + "）之内，不予读取", named_at);
  std::error_code ec;
  if (!fs::exists(p, ec)) throw Error(ExitCode::no_input, "找不到文本文件 " + quote_value(name), named_at);
  fs::path real = fs::canonical(p, ec);
  if (ec) throw Error(ExitCode::no_input, "无法读取文本文件 " + quote_value(name) + "：" + ec.message(), named_at);
  if (!inside(root_, real))
    throw Error(ExitCode::data,
                "文件 " + quote_value(name) + " 经链接指向清单所在文件夹之外（" + display_path(real) + "），不予读取", named_at);
  int fd = ::open(real.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) ::close(fd);
    throw Error(ExitCode::no_input, "无法读取文本文件 " + quote_value(name) + "（不是普通文件）", named_at);
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw Error(ExitCode::data, "文本文件 " + quote_value(name) + " 过大（超过 16 MB）", named_at);
  }
  DataFile f;
  f.display_path = shown;
  f.bytes.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < f.bytes.size()) {
    ssize_t n = ::read(fd, f.bytes.data() + got, f.bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  f.bytes.resize(got);
  read_.emplace_back(real.string(), sha256_hex(f.bytes));
  return f;
}

}  // namespace nianbao::detail
