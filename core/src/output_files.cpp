#include <nianbao/output_files.hpp>

#include <nianbao/manifest.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace nianbao {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "localhost";
  std::string h = buf;
  for (char& c : h)
    if (c == '/' || c == '@') c = '_';
  return h;
}

// ".<name>.tmp-<pid>-<n>@<host>": unique within the process; pid and host
// make it unique across concurrent runs, also on a shared disk, and tell a
// later run whether the process that left it is gone.
fs::path temp_name_for(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  static const std::string host = host_name();
  return target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                                 std::to_string(counter++) + "@" + host);
}

// Whether the process that named a temporary file is still at work. A
// zombie is not: a killed build's workers may wait unreaped under an init
// that does not reap (containers).
bool running(long pid) {
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  auto close = line.rfind(')');
  return !(close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z');
}

}  // namespace

std::size_t remove_stale_temp_files(const fs::path& dir) {
  static const std::string host = host_name();
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    auto at = n.rfind('@');
    auto tmp = n.rfind(".tmp-");
    if (n.empty() || n[0] != '.' || at == std::string::npos || tmp == std::string::npos || tmp > at) continue;
    if (n.substr(at + 1) != host) continue;  // another machine's: it may still be writing
    std::string mid = n.substr(tmp + 5, at - tmp - 5);  // <pid>-<n>
    auto dash = mid.find('-');
    if (dash == std::string::npos) continue;
    long pid = std::strtol(mid.substr(0, dash).c_str(), nullptr, 10);
    if (pid <= 0 || pid == ::getpid() || running(pid)) continue;
    std::error_code rm;
    if (fs::remove(e.path(), rm)) ++removed;
  }
  return removed;
}

StagedFiles::StagedFiles(fs::path dir) : dir_(std::move(dir)) {}

StagedFiles::~StagedFiles() {
  if (!done_) abort();
}

fs::path StagedFiles::create(const std::string& name) {
  bool bad = name.empty() || name == "." || name == ".." || name[0] == '.' ||
             name.find_first_of("/\\") != std::string::npos;
  for (unsigned char c : name) bad = bad || c < 0x20 || c == 0x7f;
  if (bad) throw Error(ExitCode::cant_create, "refusing output file name \"" + name + "\": it must be a plain file name");
  fs::path target = dir_ / name;
  for (const auto& [tmp, final] : staged_)
    if (final == target) throw Error(ExitCode::config, "two outputs of this report write the same file " + name);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(ExitCode::cant_create, "cannot create output directory: " + ec.message(), {dir_.string()});
  fs::path tmp = temp_name_for(target);
  staged_.emplace_back(tmp, target);
  return tmp;
}

std::vector<fs::path> StagedFiles::commit() {
  std::vector<fs::path> out;
  for (const auto& [tmp, target] : staged_) {
    std::error_code ec;
    if (!fs::is_regular_file(tmp, ec)) {
      std::string name = target.filename().string();  // abort() clears staged_
      abort();
      throw Error(ExitCode::software, "an output plugin did not write " + name);
    }
  }
  for (const auto& [tmp, target] : staged_) {
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
      std::string where = target.string(), why = ec.message();  // abort() clears staged_
      abort();
      throw Error(ExitCode::cant_create, "cannot move output into place: " + why, {where});
    }
    out.push_back(target);
  }
  staged_.clear();
  done_ = true;
  return out;
}

std::vector<std::pair<fs::path, fs::path>> StagedFiles::release() {
  auto out = std::move(staged_);
  staged_.clear();
  done_ = true;
  return out;
}

std::vector<fs::path> StagedFiles::commit_staged(const std::vector<std::pair<fs::path, fs::path>>& staged) {
  StagedFiles f(staged.empty() ? fs::path() : staged.front().second.parent_path());
  f.staged_ = staged;
  return f.commit();
}

void StagedFiles::abort_staged(const std::vector<std::pair<fs::path, fs::path>>& staged) noexcept {
  for (const auto& [tmp, target] : staged) {
    std::error_code ec;
    fs::remove(tmp, ec);
  }
}

void StagedFiles::abort() noexcept {
  for (const auto& [tmp, target] : staged_) {
    std::error_code ec;
    fs::remove(tmp, ec);
  }
  staged_.clear();
  done_ = true;
}

std::vector<fs::path> StagedFiles::targets() const {
  std::vector<fs::path> out;
  for (const auto& st : staged_) out.push_back(st.second);
  return out;
}

void create_parent_folders(const fs::path& file) {
  fs::path parent = fs::absolute(file).parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw Error(ExitCode::cant_create, "cannot create the folder " + display_path(parent) + ": " + ec.message(), {file.string()});
}

void write_file_atomically(const fs::path& target, const std::string& bytes) {
  fs::path tmp = temp_name_for(target);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw Error(ExitCode::cant_create, std::string("cannot write: ") + std::strerror(errno), {target.string()});
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ExitCode::cant_create, "cannot move into place: " + ec.message(), {target.string()});
  }
}

}  // namespace nianbao
