#include <nianbao/output_files.hpp>

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace nianbao {

namespace fs = std::filesystem;

namespace {
// Unique within the process; the pid makes it unique across concurrent runs.
fs::path temp_name_for(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  return target.parent_path() /
         ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
}
}  // namespace

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
