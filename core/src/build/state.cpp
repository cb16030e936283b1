#include "state.hpp"

#include "../result_json.hpp"

#include <nianbao/hash.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/output_files.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace nianbao::detail {

namespace fs = std::filesystem;

namespace {
const char* const kKinds[] = {"report", "entry"};

std::int64_t ns(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }
}  // namespace

fs::path BuildState::file(const std::string& kind, const std::string& id) const {
  // Ids hold '/' and Chinese; a hash makes a safe, fixed-length name.
  return dir_ / kind / (sha256_hex(id).substr(0, 32) + ".json");
}

void BuildState::prepare() const {
  for (const char* kind : kKinds) {
    std::error_code ec;
    fs::create_directories(dir_ / kind, ec);
    if (ec) throw Error(ExitCode::cant_create, "cannot keep the build state here: " + ec.message(), {display_path(dir_ / kind)});
    remove_dead_temp_files(dir_ / kind);
    std::string probe = (dir_ / kind / ".nianbao-tmp-XXXXXX").string();
    int fd = ::mkostemp(probe.data(), O_CLOEXEC);
    if (fd < 0)
      throw Error(ExitCode::cant_create, std::string("cannot keep the build state here: ") + std::strerror(errno),
                  {display_path(dir_ / kind)});
    ::close(fd);
    ::unlink(probe.c_str());
  }
}

std::optional<nlohmann::json> BuildState::read(const std::string& kind, const std::string& id, bool* damaged) const {
  if (damaged) *damaged = false;
  std::ifstream in(file(kind, id), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("key") ||
      !j["key"].is_string()) {
    if (damaged) *damaged = true;
    return std::nullopt;
  }
  if (j["id"].get<std::string>() != id) return std::nullopt;  // another id with the same hash prefix
  return j;
}

void BuildState::write(const std::string& kind, const std::string& id, const nlohmann::json& j) const {
  nlohmann::json copy = j;
  copy["id"] = id;
  // Not synced: a stamp lost to a power cut only costs a rebuild.
  write_file_atomically(file(kind, id), copy.dump(), false);
}

void BuildState::remove(const std::string& kind, const std::string& id) const {
  std::error_code ec;
  fs::remove(file(kind, id), ec);
}

std::optional<ReportResult> fresh_result(const BuildState& state, const std::string& id, const std::string& key,
                                         std::vector<std::string>& notices) {
  bool damaged = false;
  auto stamp = state.read("report", id, &damaged);
  const std::string note = "the record of its last build was damaged and is ignored: it is built again";
  if (damaged && std::find(notices.begin(), notices.end(), note) == notices.end()) notices.push_back(note);
  if (!stamp || stamp->value("key", "") != key || !stamp->contains("result")) return std::nullopt;
  ReportResult r;
  try {
    r = result_from_json((*stamp)["result"]);
  } catch (const std::exception&) {
    if (std::find(notices.begin(), notices.end(), note) == notices.end()) notices.push_back(note);
    return std::nullopt;
  }
  if (r.status != ExitCode::ok) return std::nullopt;
  for (const auto& f : r.files)
    if (!output_intact(f)) return std::nullopt;  // removed, replaced or damaged since
  r.skipped = true;
  r.outputs.clear();
  r.duration_ms = 0;
  return r;
}

bool files_unchanged(const nlohmann::json& recorded) {
  if (!recorded.is_array()) return false;
  for (const auto& f : recorded) {
    if (!f.is_array() || f.size() != 2 || !f[0].is_string() || !f[1].is_string()) return false;
    std::error_code ec;
    if (!fs::is_regular_file(f[0].get<std::string>(), ec)) return false;
    try {
      if (sha256_file(f[0].get<std::string>()) != f[1].get<std::string>()) return false;
    } catch (const Error&) {
      return false;
    }
  }
  return true;
}

void record_stat(OutputRecord& r) {
  struct stat st {};
  if (::lstat(r.path.c_str(), &st) != 0) return;
  r.inode = static_cast<std::uint64_t>(st.st_ino);
  r.mtime_ns = ns(st.st_mtim);
  r.ctime_ns = ns(st.st_ctim);
}

bool output_intact(const OutputRecord& r) {
  struct stat st {};
  if (::lstat(r.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (static_cast<std::uintmax_t>(st.st_size) != r.bytes) return false;
  // Untouched since it was written: its inode and change time say so, and no
  // one can set a change time. Touched: only its content can tell.
  if (r.inode != 0 && static_cast<std::uint64_t>(st.st_ino) == r.inode && ns(st.st_mtim) == r.mtime_ns &&
      ns(st.st_ctim) == r.ctime_ns)
    return true;
  try {
    return sha256_file(r.path) == r.sha256;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace nianbao::detail
