// Nightly builds as an operator meets them: parallel output equal to serial,
// unchanged reports skipped and changed ones rebuilt, a build killed with
// SIGKILL finished by the next run, shards that partition the plan, the
// JSON summary and the progress events.
#include "cli_fixture.hpp"

#include <nianbao/hash.hpp>

#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

using namespace e2e;
using nlohmann::json;

namespace {

class Nightly : public Cli {
 protected:
  // `n` townships, each its own data file: the sample with another name.
  void agencies(int n, const std::string& outputs = "[text]", const std::string& extra = "") {
    std::string sample = slurp(dir / "report.yaml");
    std::string manifest = "form: gov-info-disclosure-2021\noutput_dir: out\noutputs: " + outputs + "\n" + extra + "reports:\n";
    for (int i = 0; i < n; ++i) {
      std::string name = "第" + std::to_string(i) + "镇人民政府";
      std::string text = sample;
      text.replace(text.find("agency: 官坡镇人民政府"), std::string("agency: 官坡镇人民政府").size(), "agency: " + name);
      spit(dir / ("a" + std::to_string(i) + ".yaml"), text);
      manifest += "  - id: a" + std::to_string(i) + "\n    inputs: [{plugin: yaml, path: a" + std::to_string(i) + ".yaml}]\n";
    }
    spit(dir / "manifest.yaml", manifest);
  }
  static std::string title(int i) { return "第" + std::to_string(i) + "镇人民政府2023年政府信息公开工作年度报告"; }

  json summary(const std::string& args) {
    Outcome r = run("build manifest.yaml --summary summary.json " + args);
    last = r;
    return json::parse(slurp(dir / "summary.json"));
  }
  static std::map<std::string, std::string> states(const json& s) {
    std::map<std::string, std::string> out;
    for (const auto& r : s["reports"]) out[r["id"]] = r["status"];
    return out;
  }
  std::map<std::string, std::string> contents(const fs::path& d) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().filename() != ".nianbao.lock") out[e.path().filename().string()] = slurp(e.path());
    return out;
  }
  Outcome last;
};

TEST_F(Nightly, ParallelOutputEqualsSerialOutput) {
  agencies(6, "[text, xlsx, pdf]");
  ASSERT_EQ(run("build manifest.yaml --jobs 1").rc, 0);
  auto serial = contents(dir / "out");
  ASSERT_EQ(serial.size(), 18u);
  fs::remove_all(dir / "out");
  fs::remove_all(dir / ".nianbao");
  Outcome r = run("build manifest.yaml --jobs 3");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(contents(dir / "out"), serial);
  // The messages come in plan order too.
  EXPECT_LT(r.out.find("a0: wrote"), r.out.find("a5: wrote"));
}

TEST_F(Nightly, APdfIsTheSameWhateverItsWorkerBuiltBefore) {
  agencies(3, "[pdf]");
  // a0 and a1 draw 刏 from the fallback face (FandolFang lacks it): a1 reuses
  // a0's subset, and the worker gives back the outline pages that face's
  // subset read. a2 draws 丂 as well: a new subset, from outlines read again.
  for (const char* a : {"a0.yaml", "a1.yaml"}) edit(a, "（二）依申请公开：", "（二）依申请公开：刏");
  edit("a2.yaml", "（二）依申请公开：", "（二）依申请公开：刏丂");
  ASSERT_EQ(run("build manifest.yaml --jobs 1").rc, 0);
  const std::string after_others = slurp(dir / "out" / (title(2) + ".pdf"));
  ASSERT_FALSE(after_others.empty());
  fs::remove_all(dir / "out");
  fs::remove_all(dir / ".nianbao");
  std::string manifest = slurp(dir / "manifest.yaml");
  manifest.erase(manifest.find("  - id: a0"), manifest.find("  - id: a2") - manifest.find("  - id: a0"));
  spit(dir / "manifest.yaml", manifest);
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  EXPECT_EQ(out_files(), std::vector<std::string>{title(2) + ".pdf"});
  EXPECT_TRUE(slurp(dir / "out" / (title(2) + ".pdf")) == after_others) << "a2's PDF depends on what its worker built before it";
}

TEST_F(Nightly, NoChangeSkipsAndEachChangeRebuildsExactlyWhatItAffects) {
  agencies(4, "[text]", "");
  edit("manifest.yaml", "  - id: a3\n", "  - id: a3\n    profile: county.yaml\n");
  spit(dir / "county.yaml", "extends: default\ntext:\n  width: 90\n");
  json s = summary("");
  ASSERT_EQ(last.rc, 0) << last.err;
  EXPECT_EQ(states(s), (std::map<std::string, std::string>{{"a0", "ok"}, {"a1", "ok"}, {"a2", "ok"}, {"a3", "ok"}}));

  s = summary("");  // nothing changed
  EXPECT_EQ(last.rc, 0);
  EXPECT_EQ(states(s), (std::map<std::string, std::string>{{"a0", "skipped"}, {"a1", "skipped"}, {"a2", "skipped"}, {"a3", "skipped"}}));
  EXPECT_EQ(s["totals"]["skipped"], 4);
  for (const auto& r : s["reports"]) {  // a skipped report still lists its files, as they are
    ASSERT_EQ(r["outputs"].size(), 1u);
    EXPECT_EQ(r["outputs"][0]["sha256"], nianbao::sha256_file(dir / r["outputs"][0]["path"].get<std::string>()));
  }

  fs::last_write_time(dir / "a0.yaml", fs::file_time_type::clock::now());  // touched, same bytes: still unchanged
  edit("a1.yaml", "我镇未收到依申请公开申请信息", "我镇未收到任何依申请公开申请信息");
  s = summary("");
  EXPECT_EQ(states(s), (std::map<std::string, std::string>{{"a0", "skipped"}, {"a1", "ok"}, {"a2", "skipped"}, {"a3", "skipped"}}));
  EXPECT_NE(slurp(dir / "out" / (title(1) + ".txt")).find("任何依申请"), std::string::npos);

  edit("county.yaml", "width: 90", "width: 70");  // a profile only a3 uses
  s = summary("");
  EXPECT_EQ(states(s), (std::map<std::string, std::string>{{"a0", "skipped"}, {"a1", "skipped"}, {"a2", "skipped"}, {"a3", "ok"}}));

  edit("manifest.yaml", "outputs: [text]", "outputs: [{plugin: text, line_ending: crlf}]");  // a plugin option for all
  s = summary("");
  EXPECT_EQ(states(s), (std::map<std::string, std::string>{{"a0", "ok"}, {"a1", "ok"}, {"a2", "ok"}, {"a3", "ok"}}));
  EXPECT_NE(slurp(dir / "out" / (title(0) + ".txt")).find("\r\n"), std::string::npos);

  fs::remove(dir / "out" / (title(2) + ".txt"));  // an output gone since
  s = summary("");
  EXPECT_EQ(states(s)["a2"], "ok");
  EXPECT_TRUE(fs::exists(dir / "out" / (title(2) + ".txt")));

  s = summary("--force");
  EXPECT_EQ(s["totals"]["ok"], 4);

  ::setenv("SOURCE_DATE_EPOCH", "1706659200", 1);  // another date in every file
  s = summary("");
  ::unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_EQ(s["totals"]["ok"], 4);
}

TEST_F(Nightly, ASummaryIntoADeviceIsWrittenIntoItNeverReplacesIt) {
  // `--summary /dev/null`, as an operator writes it in a crontab: here a
  // null device of the test's own (mknod needs root; CI runs as root), so
  // that a regression cannot take the machine's /dev/null with it.
  const fs::path device = dir / "null";
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) GTEST_SKIP() << "mknod needs root";
  Outcome r = run("build manifest.yaml --summary null");
  EXPECT_EQ(r.rc, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(device.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device was replaced by a file";
  EXPECT_FALSE(fs::exists(dir / "out" / "null"));
}

TEST_F(Nightly, TwoReportsWritingOneFileAreRefusedAlikeForAnyNumberOfJobs) {
  agencies(3);
  std::string a0 = slurp(dir / "a0.yaml");
  spit(dir / "a2.yaml", a0);  // the same agency twice: the same file name
  for (const char* jobs : {"1", "3"}) {
    SCOPED_TRACE(jobs);
    fs::remove_all(dir / "out");
    fs::remove_all(dir / ".nianbao");
    Outcome r = run(std::string("build manifest.yaml --jobs ") + jobs);
    EXPECT_EQ(r.rc, 78);
    EXPECT_NE(r.err.find("a2: report 'a2' would overwrite the files of report 'a0': both are named “" + title(0) + "”"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(out_files(), (std::vector<std::string>{title(0) + ".txt", title(1) + ".txt"}));
  }
}

TEST_F(Nightly, APluginThatCrashesLosesOneReportNotTheBuild) {
  agencies(4, "[text, crashes]");
  edit("a1.yaml", "agency: 第1镇人民政府", "agency: 崩溃镇人民政府");
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(jobs);
    Outcome r = run(std::string("build manifest.yaml --force --plugin-dir '") + FIXTURE_DIR + "' --jobs " + jobs);
    EXPECT_EQ(r.rc, 70);
    // SIGSEGV (11), or SIGABRT (6) where a sanitizer catches it first.
    EXPECT_NE(r.err.find("a1: output plugin 'crashes' crashed (killed by signal "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(") while writing report a1; nothing of it was published"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("4 reports: 3 ok, 1 failed"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(dir / "out" / (title(3) + ".txt")));
    EXPECT_FALSE(fs::exists(dir / "out" / "崩溃镇人民政府2023年政府信息公开工作年度报告.txt"));
  }
}

TEST_F(Nightly, AFailingReportKeepsLastNightsFileAndTheExitCodeSaysSo) {
  agencies(3);
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string good = slurp(dir / "out" / (title(1) + ".txt"));
  edit("a1.yaml", "new_received: {natural_person: 0,", "new_received: {natural_person: 5,");
  json s = summary("");
  EXPECT_EQ(last.rc, 65);
  EXPECT_EQ(states(s)["a1"], "failed");
  EXPECT_EQ(s["exit_code"], 65);
  EXPECT_EQ(s["reports"][1]["findings"][0]["rule"], "R1");
  EXPECT_EQ(slurp(dir / "out" / (title(1) + ".txt")), good);
  // Fixed the next day: rebuilt, although its file is where it was.
  edit("a1.yaml", "new_received: {natural_person: 5,", "new_received: {natural_person: 0,");
  s = summary("");
  EXPECT_EQ(last.rc, 0);
  EXPECT_EQ(states(s)["a1"], "ok");
}

TEST_F(Nightly, FailFastStopsHandingOutWork) {
  agencies(4);
  edit("a0.yaml", "year: 2023", "year: 二〇二三");
  json s = summary("--fail-fast --jobs 1");
  EXPECT_EQ(last.rc, 65);
  EXPECT_EQ(states(s), (std::map<std::string, std::string>{{"a0", "failed"}, {"a1", "cancelled"}, {"a2", "cancelled"}, {"a3", "cancelled"}}));
  EXPECT_NE(last.err.find("3 not attempted"), std::string::npos) << last.err;
  s = summary("--jobs 1");  // keep-going is the default
  EXPECT_EQ(states(s), (std::map<std::string, std::string>{{"a0", "failed"}, {"a1", "ok"}, {"a2", "ok"}, {"a3", "ok"}}));
}

TEST_F(Nightly, KilledMidBuildLeavesOnlyCompleteFilesAndTheNextRunFinishes) {
  agencies(24, "[text, pdf]");
  std::string cmd = "cd '" + dir.string() + "' && exec '" + NIANBAO_EXE + "' build manifest.yaml --jobs 2 >/dev/null 2>&1";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Kill it once some reports are done and others are being written (up to
  // a minute: a sanitizer build is slow).
  for (int i = 0; i < 12000; ++i) {
    std::error_code ec;
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir / "out", ec)) n += e.path().extension() == ".pdf";
    if (n >= 4) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the workers die with it
  std::size_t visible = 0;
  for (const auto& e : fs::directory_iterator(dir / "out")) {
    std::string name = e.path().filename().string();
    if (name[0] == '.') continue;  // a temporary file: never a report's name
    ++visible;
    if (e.path().extension() == ".pdf") tool("pdfinfo '" + e.path().string() + "' >/dev/null");  // complete
  }
  EXPECT_LT(visible, 48u) << "the build finished before it was killed: nothing was tested";

  Outcome r = run("build manifest.yaml --jobs 2");
  ASSERT_EQ(r.rc, 0) << r.err;
  std::size_t pdfs = 0, hidden = 0;
  for (const auto& e : fs::directory_iterator(dir / "out")) {
    std::string name = e.path().filename().string();
    if (name[0] == '.' && name != ".nianbao.lock") ++hidden, ADD_FAILURE() << name;
    if (e.path().extension() == ".pdf") {
      ++pdfs;
      tool("pdfinfo '" + e.path().string() + "' >/dev/null");
    }
  }
  EXPECT_EQ(pdfs, 24u);
  EXPECT_EQ(hidden, 0u) << "temporary files of the killed run are left";
  EXPECT_NE(r.out.find("unchanged since its last build"), std::string::npos) << "the finished reports were built again";
}

TEST_F(Nightly, ShardsPartitionThePlanAndSummarizeMergesThem) {
  agencies(7);
  Outcome whole = run("plan manifest.yaml --json --shard-count 3");
  ASSERT_EQ(whole.rc, 0) << whole.err;
  json plan = json::parse(whole.out);
  ASSERT_EQ(plan["items"].size(), 7u);
  std::multiset<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    json part = json::parse(run("plan manifest.yaml --json --shard-count 3 --shard-index " + std::to_string(i)).out);
    for (const auto& item : part["items"]) {
      EXPECT_EQ(item["shard"], i);
      seen.insert(item["id"]);
    }
  }
  std::multiset<std::string> all;
  for (const auto& item : plan["items"]) all.insert(item["id"]);
  EXPECT_EQ(seen, all);  // every item once

  // Three scheduler tasks, as Kubernetes would start them, then the merge.
  for (int i = 0; i < 3; ++i) {
    Outcome r = run("build manifest.yaml --shard-count 3 --summary s" + std::to_string(i) + ".json", NIANBAO_EXE,
                    "JOB_COMPLETION_INDEX=" + std::to_string(i));
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.err.find("(shard " + std::to_string(i) + " of 3)"), std::string::npos) << r.err;
  }
  EXPECT_EQ(out_files().size(), 7u);
  Outcome m = run("summarize s0.json s1.json s2.json -o all.json");
  ASSERT_EQ(m.rc, 0) << m.err;
  json merged = json::parse(slurp(dir / "all.json"));
  EXPECT_EQ(merged["totals"]["ok"], 7);
  EXPECT_EQ(merged["reports"][0]["id"], "a0");
  EXPECT_EQ(merged["reports"][6]["id"], "a6");
  EXPECT_TRUE(merged["shard"]["missing"].empty());

  Outcome partial = run("summarize s0.json s2.json");
  EXPECT_EQ(partial.rc, 75);  // run shard 1 again
  EXPECT_EQ(json::parse(partial.out)["shard"]["missing"], json::array({1}));
  // The wrong files named on the command line: a usage error, never 65, which
  // the documented wrappers read as "the agencies' data, the shard succeeded".
  Outcome twice = run("summarize s0.json s0.json");
  EXPECT_EQ(twice.rc, 64);
  EXPECT_NE(twice.err.find("shard 0 is given twice"), std::string::npos) << twice.err;

  // Slurm arrays may count from 1.
  Outcome s = run("build manifest.yaml --force", NIANBAO_EXE, "SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=3");
  EXPECT_EQ(s.rc, 0) << s.err;
  EXPECT_NE(s.err.find("(shard 2 of 3)"), std::string::npos) << s.err;
  Outcome bad = run("build manifest.yaml --shard-index 3 --shard-count 3");
  EXPECT_EQ(bad.rc, 64);
}

TEST_F(Nightly, SummaryNamesTheBuildAndEveryOutput) {
  agencies(2, "[text, xlsx]");
  json s = summary("");
  EXPECT_EQ(s["tool"], "nianbao");
  EXPECT_FALSE(s["version"].get<std::string>().empty());
  EXPECT_EQ(s["manifest_sha256"], nianbao::sha256_file(dir / "manifest.yaml"));
  ASSERT_EQ(s["reports"].size(), 2u);
  const json& r = s["reports"][0];
  EXPECT_EQ(r["id"], "a0");
  EXPECT_EQ(r["status"], "ok");
  EXPECT_TRUE(r["duration_ms"].is_number());
  ASSERT_EQ(r["outputs"].size(), 2u);
  for (const auto& o : r["outputs"]) {
    fs::path p = dir / o["path"].get<std::string>();
    EXPECT_EQ(o["bytes"], fs::file_size(p));
    EXPECT_EQ(o["sha256"], nianbao::sha256_file(p));
  }
}

TEST_F(Nightly, APipeGetsNoProgressBarAndNdjsonGivesOneEventPerReport) {
  agencies(3);
  Outcome plain = run("build manifest.yaml");
  EXPECT_EQ(plain.err.find('\r'), std::string::npos);
  Outcome bar = run("build manifest.yaml --force --progress bar");  // what a terminal gets
  EXPECT_NE(bar.err.find("\r\033[K[##########"), std::string::npos) << bar.err;
  EXPECT_NE(bar.err.find("] 3/3"), std::string::npos) << bar.err;
  Outcome events = run("build manifest.yaml --force --progress ndjson");
  ASSERT_EQ(events.rc, 0) << events.err;
  std::istringstream in(events.out);
  std::vector<json> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(json::parse(l));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines.front()["event"], "plan");
  EXPECT_EQ(lines.front()["items"], 3);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(lines[static_cast<std::size_t>(i)]["event"], "report");
    EXPECT_EQ(lines[static_cast<std::size_t>(i)]["status"], "ok");
  }
  EXPECT_EQ(lines.back()["event"], "done");
  EXPECT_EQ(lines.back()["exit_code"], 0);
}

}  // namespace
