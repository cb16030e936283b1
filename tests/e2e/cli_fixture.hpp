// The command line as a user runs it, in a scratch folder that starts with a
// copy of the 官坡镇 sample; shared by the end-to-end tests.
#pragma once
#include <nianbao/text.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace e2e {

namespace fs = std::filesystem;

inline const std::string kTitle = "官坡镇人民政府2023年政府信息公开工作年度报告";
// Debian's python3, which has openpyxl (the tests' readback scripts use it).
inline const std::string kPython = "/usr/bin/python3";

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

// Starts argv in `cwd` with `env` set, stdout and stderr into the two files;
// returns its pid. For tests that signal a build, run one beside another, or
// run a command as a scheduler would (no shell).
inline pid_t start(const std::vector<std::string>& argv, const fs::path& cwd, const std::vector<std::pair<std::string, std::string>>& env,
                   const fs::path& out, const fs::path& err) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}
// Its exit code, or 128 + the signal that ended it.
inline int finish(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct Outcome {
  int rc = -1;
  std::string out, err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("nianbao-e2e-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(fs::path(NIANBAO_SOURCE_DIR) / "samples/guanpo-2023/manifest.yaml", dir / "manifest.yaml");
    fs::copy_file(fs::path(NIANBAO_SOURCE_DIR) / "samples/guanpo-2023/report.yaml", dir / "report.yaml");
  }
  void TearDown() override { fs::remove_all(dir); }

  // `env`: VAR=value words set for this run only.
  Outcome run(const std::string& args, const std::string& exe = NIANBAO_EXE, const std::string& env = "") {
    std::string cmd = "cd '" + dir.string() + "' && " + env + " '" + exe + "' " + args + " >stdout.txt 2>stderr.txt";
    int status = std::system(cmd.c_str());
    Outcome r;
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir / "stdout.txt");
    r.err = slurp(dir / "stderr.txt");
    fs::remove(dir / "stdout.txt");
    fs::remove(dir / "stderr.txt");
    return r;
  }

  // Replaces the first occurrence of `from` in a file of the test folder.
  void edit(const std::string& file, const std::string& from, const std::string& to) {
    std::string s = slurp(dir / file);
    auto p = s.find(from);
    ASSERT_NE(p, std::string::npos) << from;
    s.replace(p, from.size(), to);
    spit(dir / file, s);
  }

  // "file:line:column" of the first occurrence of `needle`, column in characters.
  std::string position_of(const std::string& file, const std::string& needle, const std::string& at) {
    std::istringstream in(slurp(dir / file));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      auto p = line.find(needle);
      if (p == std::string::npos) continue;
      auto q = line.find(at, p);
      return file + ":" + std::to_string(n) + ":" + std::to_string(nianbao::count_chars(line.substr(0, q)) + 1);
    }
    ADD_FAILURE() << needle << " not in " << file;
    return "";
  }

  // What a reader of the output folder sees: its files, not the hidden lock
  // (.nianbao.lock) a build keeps there.
  std::vector<std::string> out_files() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir / "out", ec))
      if (e.path().filename().string() != ".nianbao.lock") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path report_txt() { return dir / "out" / (kTitle + ".txt"); }

  // This build of nianbao installed into dir/prefix, as `cmake --install` does.
  fs::path install() {
    fs::path prefix = dir / "prefix";
    std::string cmd = std::string("'") + CMAKE_EXE + "' --install '" + BUILD_DIR + "' --prefix '" + prefix.string() + "' >/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return prefix;
  }

  // What a command-line tool (pdftotext, pdffonts, pdfinfo) prints; it must succeed.
  std::string tool(const std::string& cmd) {
    std::string full = cmd + " > '" + (dir / "tool.txt").string() + "' 2>&1";
    EXPECT_EQ(std::system(full.c_str()), 0) << cmd;
    return slurp(dir / "tool.txt");
  }

  fs::path dir;
};

}  // namespace e2e
