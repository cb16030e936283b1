// The promises under faults, as a night with nobody watching meets them: a
// full disk, hostile YAML, files planted in shared folders, plugins that
// crash, throw, exit or hang, two builds in one folder, signals, unwritable
// state, and the messages each of these gets. Tests that need root (mounting
// a small or read-only file system, another host name) say so and skip
// elsewhere; CI runs as root.
#include "cli_fixture.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

using namespace e2e;
using nlohmann::json;

namespace {

bool root() { return ::geteuid() == 0; }

#define NEEDS_ROOT(what) \
  if (!root()) GTEST_SKIP() << "needs root (" what "); CI runs it as root"

// A small tmpfs at `at`, unmounted however the test ends.
class Tmpfs {
 public:
  Tmpfs(const fs::path& at, const std::string& options) : at_(at) {
    fs::create_directories(at);
    mounted_ = ::mount("tmpfs", at.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  fs::path at_;
  bool mounted_ = false;
};

class Faults : public Cli {
 protected:
  // `n` townships, each its own data file: the sample with another name.
  void agencies(const std::vector<std::string>& names, const std::string& outputs, const std::string& extra = "") {
    std::string sample = slurp(dir / "report.yaml");
    std::string manifest = "form: gov-info-disclosure-2021\noutput_dir: out\noutputs: " + outputs + "\n" + extra + "reports:\n";
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::string text = sample;
      text.replace(text.find("agency: 官坡镇人民政府"), std::string("agency: 官坡镇人民政府").size(), "agency: " + names[i]);
      spit(dir / ("a" + std::to_string(i) + ".yaml"), text);
      manifest += "  - id: a" + std::to_string(i) + "\n    inputs: [{plugin: yaml, path: a" + std::to_string(i) + ".yaml}]\n";
    }
    spit(dir / "manifest.yaml", manifest);
  }
  static std::string title(const std::string& agency) { return agency + "2023年政府信息公开工作年度报告"; }

  // Fills the file system of `folder` (a test's small tmpfs) with `filler`
  // until about `room` bytes are left; false when it had less to begin with.
  bool fill_leaving(const fs::path& folder, std::uintmax_t room) {
    struct statvfs st {};
    if (::statvfs(folder.c_str(), &st) != 0) return false;
    const std::uintmax_t free_bytes = st.f_bavail * st.f_frsize;
    if (free_bytes < room + 20000) return false;
    spit(folder / "filler", std::string(free_bytes - room, 'x'));
    return true;
  }

  // Hidden files a build may leave in the output folder: only its lock.
  std::vector<std::string> leftovers(const fs::path& d) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(d, ec)) {
      std::string n = e.path().filename().string();
      if (n[0] == '.' && n != ".nianbao.lock") out.push_back(n);
    }
    return out;
  }

  // The command in the background, for tests that signal it or run another
  // build beside it; stdout/stderr in bg-out.txt/bg-err.txt.
  pid_t spawn(const std::string& args) {
    return start({"/bin/sh", "-c", std::string("exec '") + NIANBAO_EXE + "' " + args}, dir, {}, dir / "bg-out.txt",
                 dir / "bg-err.txt");
  }
  static int wait_for(pid_t pid) { return finish(pid); }
  // Until the background build is at work (its staging area exists).
  bool building(const fs::path& out) {
    for (int i = 0; i < 2400; ++i) {  // up to a minute: a sanitizer build starts slowly
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(out, ec))
        if (e.path().filename().string().rfind(".nianbao-stage-", 0) == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }
};

// ---- 1. A full disk ------------------------------------------------------------

TEST_F(Faults, AFullDiskPublishesNothingKeepsLastNightsFilesAndTheNextBuildFinishes) {
  NEEDS_ROOT("mounts a small tmpfs as the output folder");
  Tmpfs disk(dir / "out", "size=1m");
  ASSERT_TRUE(disk.mounted());
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::map<std::string, std::string> good;
  for (const auto& n : out_files()) good[n] = slurp(dir / "out" / n);

  edit("report.yaml", "未收到依申请公开申请信息", "未收到依申请公开申请信息（更正）");  // tonight's data differs
  ASSERT_TRUE(fill_leaving(dir / "out", 40000));  // room for the text, not the PDF

  Outcome r = run("build manifest.yaml --summary summary.json");
  EXPECT_EQ(r.rc, 73) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("wrote"), std::string::npos) << "nothing is published: " << r.out;
  for (const auto& [name, bytes] : good) EXPECT_EQ(slurp(dir / "out" / name), bytes) << name << " was replaced";
  EXPECT_TRUE(leftovers(dir / "out").empty());
  EXPECT_EQ(json::parse(slurp(dir / "summary.json"))["reports"][0]["exit_code"], 73);

  fs::remove(dir / "out" / "filler");
  r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out.find("unchanged"), std::string::npos) << "a failed build is not remembered as good";
  EXPECT_NE(slurp(report_txt()).find("（更正）"), std::string::npos);
  tool("pdfinfo '" + (dir / "out" / (kTitle + ".pdf")).string() + "' >/dev/null");
}

// A write that fails must fail the report also where no disk is full: the
// file-size limit makes every write past it fail (EFBIG), without root.
TEST_F(Faults, AWriteTheSystemRefusesFailsTheReportAndPublishesNothing) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string pdf = slurp(dir / "out" / (kTitle + ".pdf"));
  edit("report.yaml", "未收到依申请公开申请信息", "未收到依申请公开申请信息（更正）");
  std::string cmd = "cd '" + dir.string() + "' && (ulimit -f 60; trap '' XFSZ; exec '" + NIANBAO_EXE +
                    "' build manifest.yaml) >stdout.txt 2>stderr.txt";
  int status = std::system(cmd.c_str());
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::string err = slurp(dir / "stderr.txt");
  EXPECT_EQ(rc, 73) << err;
  EXPECT_NE(err.find("File too large"), std::string::npos) << err;
  EXPECT_EQ(slurp(dir / "out" / (kTitle + ".pdf")), pdf);
  EXPECT_TRUE(leftovers(dir / "out").empty());
}

// The html output on the same path: its page meeting a full disk fails the
// report, yesterday's page stays, and the index says the report was not built.
TEST_F(Faults, AnHtmlPageOnAFullDiskPublishesNothingAndTheIndexSaysSo) {
  NEEDS_ROOT("mounts a small tmpfs as the output folder");
  Tmpfs disk(dir / "out", "size=1m");
  ASSERT_TRUE(disk.mounted());
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [html]");
  spit(dir / "manifest.yaml", slurp(dir / "manifest.yaml") + "summary: [html]\n");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  const fs::path page = dir / "out" / (kTitle + ".html");
  const std::string good = slurp(page);
  ASSERT_GT(good.size(), 20000u);
  ASSERT_NE(slurp(dir / "out/index.html").find("<a href"), std::string::npos);

  edit("report.yaml", "未收到依申请公开申请信息", "未收到依申请公开申请信息（更正）");
  ASSERT_TRUE(fill_leaving(dir / "out", 12000));  // room for the index, not the page

  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 73) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(page), good) << "yesterday's page was replaced";
  EXPECT_TRUE(leftovers(dir / "out").empty());
  const std::string index = slurp(dir / "out/index.html");
  EXPECT_NE(index.find("未生成"), std::string::npos) << index;
  EXPECT_EQ(index.find("<a href"), std::string::npos) << "a report that published nothing has no links";
}

// An index file name that would leave the output folder is refused where it
// is written, before any report is built.
TEST_F(Faults, AnHtmlIndexNameOutsideTheOutputFolderIsRefusedBeforeAnythingIsBuilt) {
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [html]");
  spit(dir / "manifest.yaml", slurp(dir / "manifest.yaml") + "summary: [{plugin: html, index_file: ../escape.html}]\n");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78) << r.err;
  EXPECT_NE(r.err.find("manifest.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("index_file must be a file name"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "escape.html"));
  EXPECT_TRUE(out_files().empty()) << "nothing built before the refusal";
}

// ---- 1b. Freshness by content ----------------------------------------------------

TEST_F(Faults, ADamagedOrChangedOutputIsRebuiltNotCalledUnchanged) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  fs::path pdf = dir / "out" / (kTitle + ".pdf"), txt = report_txt();
  std::string good_pdf = slurp(pdf), good_txt = slurp(txt);
  fs::resize_file(pdf, good_pdf.size() / 2);  // what a full disk left before
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("wrote out/" + kTitle + ".pdf"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(pdf), good_pdf);

  // Same size, another content, and the old modification time put back.
  std::string other = good_txt;
  other[other.size() / 2] = other[other.size() / 2] == 'x' ? 'y' : 'x';
  spit(dir / "stamp-time", "");
  std::system(("touch -r '" + txt.string() + "' '" + (dir / "stamp-time").string() + "'").c_str());
  spit(txt, other);
  std::system(("touch -r '" + (dir / "stamp-time").string() + "' '" + txt.string() + "'").c_str());
  r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("wrote out/" + kTitle + ".txt"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(txt), good_txt);
  r = run("build manifest.yaml");
  EXPECT_NE(r.out.find("unchanged since its last build (3 files kept)"), std::string::npos) << r.out;
}

// ---- 2. Hostile YAML -------------------------------------------------------------

std::string laughs() {
  std::string y = "lol0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    y += "lol" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) y += (k ? ", *a" : "*a") + std::to_string(i - 1);
    y += "]\n";
  }
  return y;
}

TEST_F(Faults, AnAliasBombIsRefusedAtItsPlaceInDataManifestAndProfile) {
  std::string report = slurp(dir / "report.yaml");
  spit(dir / "report.yaml", laughs() + report);
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("report.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("别名"), std::string::npos) << r.err;
  spit(dir / "report.yaml", report);

  std::string manifest = slurp(dir / "manifest.yaml");
  spit(dir / "manifest.yaml", laughs() + manifest);
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("manifest.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("aliases"), std::string::npos) << r.err;

  spit(dir / "manifest.yaml", "profile: county.yaml\n" + manifest);
  spit(dir / "county.yaml", "extends: default\n" + laughs());
  r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty());

  spit(dir / "manifest.yaml", "x: " + std::string(500, '[') + std::string(500, ']') + "\n" + manifest);
  r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("manifest.yaml:1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nested more than 64 levels"), std::string::npos) << r.err;
}

// ---- 3. Data only from the manifest's folder ---------------------------------------

class Roster : public Faults {
 protected:
  void SetUp() override {
    Faults::SetUp();
    // The header and the first agency, 官道口镇, whose data passes the rules;
    // text.overview is column E. Quoted cells hold line breaks: split as CSV.
    std::string csv = slurp(fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo/roster.csv");
    std::vector<std::vector<std::string>> records(1, std::vector<std::string>(1));
    bool quoted = false;
    for (std::size_t i = 0; i < csv.size() && records.size() < 3; ++i) {
      char c = csv[i];
      if (c == '"') quoted = !quoted;
      if (!quoted && c == ',') records.back().emplace_back();
      else if (!quoted && c == '\n') records.emplace_back(1);
      else records.back().back() += c;
    }
    header_ = records[0];
    row_ = records[1];
    spit(dir / "manifest.yaml", "form: gov-info-disclosure-2021\noutput_dir: out\noutputs: [text]\nreports:\n"
                                "  - id: lushi\n    inputs: [{plugin: csv, path: roster.csv}]\n");
    secret_ = dir.parent_path() / ("nianbao-secret-" + std::to_string(::getpid()) + ".txt");
    spit(secret_, "机密：不得公开的内容\n");
  }
  void TearDown() override {
    fs::remove(secret_);
    Faults::TearDown();
  }
  // The roster with text.overview (column E) set to `cell`.
  void overview(const std::string& cell) {
    std::vector<std::string> fields = row_;
    fields[4] = cell;
    auto line = [](const std::vector<std::string>& f) {
      std::string out;
      for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + f[i];
      return out + "\n";
    };
    spit(dir / "roster.csv", line(header_) + line(fields));
  }
  std::string everything_published() {
    std::string all;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir / "out", ec)) all += slurp(e.path());
    return all;
  }
  std::vector<std::string> header_, row_;
  fs::path secret_;
};

TEST_F(Roster, ATextCellCannotPublishAFileOutsideTheManifestsFolder) {
  fs::create_symlink(secret_, dir / "link.txt");
  for (const std::string& cell : {secret_.string(), "../" + secret_.filename().string(), std::string("link.txt")}) {
    SCOPED_TRACE(cell);
    overview(cell);
    Outcome r = run("build manifest.yaml");
    EXPECT_EQ(r.rc, 65) << r.err;
    EXPECT_NE(r.err.find("roster.csv:2:E: "), std::string::npos) << r.err;
    EXPECT_TRUE(r.err.find("不在清单所在的文件夹") != std::string::npos || r.err.find("经链接指向清单所在文件夹之外") != std::string::npos)
        << r.err;
    EXPECT_EQ(everything_published().find("机密"), std::string::npos);
  }
  // An input the manifest itself names, through a link out of the folder: refused too.
  fs::create_symlink(secret_, dir / "roster-link.csv");
  edit("manifest.yaml", "path: roster.csv", "path: roster-link.csv");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78) << r.err;
  EXPECT_NE(r.err.find("outside the manifest's folder"), std::string::npos) << r.err;
}

TEST_F(Roster, EditingATextFileRebuildsItsReportAndANewOutputFolderGetsTheFiles) {
  fs::create_directories(dir / "texts");
  spit(dir / "texts" / "overview.txt", "（一）主动公开。第一稿。\n");
  overview("texts/overview.txt");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  fs::path txt = dir / "out" / "官道口镇人民政府2023年政府信息公开工作年度报告.txt";
  EXPECT_NE(slurp(txt).find("第一稿"), std::string::npos);
  spit(dir / "texts" / "overview.txt", "（一）主动公开。第二稿。\n");
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(slurp(txt).find("第二稿"), std::string::npos) << r.out;

  edit("manifest.yaml", "output_dir: out", "output_dir: published");
  r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "published" / txt.filename())) << r.out;
}

// ---- 4. Plugins that misbehave --------------------------------------------------------

TEST_F(Faults, APluginThatCrashesThrowsExitsOrHangsCostsOnlyItsReport) {
  agencies({"崩溃镇人民政府", "抛整数镇人民政府", "退出镇人民政府", "卡住镇人民政府", "好镇人民政府"}, "[text, hostile]");
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(jobs);
    Outcome r = run(std::string("build manifest.yaml --force --timeout 3 --summary summary.json --plugin-dir '") + FIXTURE_DIR +
                    "' --jobs " + jobs);
    EXPECT_EQ(r.rc, 70);
    for (const char* says :
         {"a0: output plugin 'hostile' crashed (killed by signal ", ") while writing report a0;",
          "a1: output plugin 'hostile' threw something that is not an exception",
          "a2: output plugin 'hostile' ended its process (exit code 0) while writing report a2",
          "a3: output plugin 'hostile' took longer than 3 s and was stopped while writing report a3 (the time limit is --timeout)"})
      EXPECT_NE(r.err.find(says), std::string::npos) << says << "\n" << r.err;
    EXPECT_EQ(out_files(), (std::vector<std::string>{title("好镇人民政府") + ".probe", title("好镇人民政府") + ".txt"}));
    EXPECT_TRUE(leftovers(dir / "out").empty());
    json s = json::parse(slurp(dir / "summary.json"));
    EXPECT_EQ(s["status"], "finished");
    EXPECT_EQ(s["totals"]["ok"], 1);
    EXPECT_EQ(s["totals"]["failed"], 4);
  }
}

TEST_F(Faults, AOneReportBuildAndTheCountyWorkbookAreIsolatedToo) {
  agencies({"崩溃镇人民政府"}, "[text, hostile]");
  Outcome r = run(std::string("build manifest.yaml --summary summary.json --plugin-dir '") + FIXTURE_DIR + "'");
  EXPECT_EQ(r.rc, 70) << "a crash in a one-report build took the build down: " << r.err;
  EXPECT_NE(r.err.find("output plugin 'hostile' crashed"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(slurp(dir / "summary.json"))["status"], "finished");

  agencies({"好镇人民政府"}, "[text]", "summary: [hostile]\n");
  r = run(std::string("build manifest.yaml --plugin-dir '") + FIXTURE_DIR + "'");
  EXPECT_EQ(r.rc, 70);
  EXPECT_NE(r.err.find("summary:hostile: output plugin 'hostile' crashed (killed by signal "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(") while writing the build's summary"), std::string::npos) << r.err;
  EXPECT_EQ(out_files(), std::vector<std::string>{title("好镇人民政府") + ".txt"});
  EXPECT_TRUE(leftovers(dir / "out").empty());
}

TEST_F(Faults, ADamagedPluginFileIsRefusedNamingItNotBlamedOnAProfile) {
  fs::create_directories(dir / "plugins");
  fs::path text_plugin;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(BUILD_DIR) / "lib"))
    if (e.path().filename() == "nianbao-output-text.so") text_plugin = e.path();
  std::string real = slurp(text_plugin);
  spit(dir / "plugins" / "nianbao-output-text.so", real.substr(0, 4096));  // a copy cut short
  edit("manifest.yaml", "form: gov-info-disclosure-2021", "form: gov-info-disclosure-2021\nplugin_dirs: [plugins]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 69) << r.err;
  EXPECT_NE(r.err.find("nianbao-output-text.so: plugin refused"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("default.yaml"), std::string::npos) << r.err;

  // One whose library crashes as it loads: refused, and the build lives on.
  const std::string crashing = std::string(FIXTURE_DIR) + "/load-crash";
  edit("manifest.yaml", "plugin_dirs: [plugins]", "plugin_dirs: ['" + crashing + "']");
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [text, loadcrash]");
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 69) << r.err;
  EXPECT_NE(r.err.find("nianbao-output-loadcrash.so: plugin refused: crashed (killed by signal "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(") while being loaded"), std::string::npos) << r.err;
  Outcome p = run("plugins --plugin-dir '" + crashing + "'");
  EXPECT_EQ(p.rc, 69);
  EXPECT_NE(p.err.find("crashed"), std::string::npos) << p.err;
}

// ---- 5. Files planted in a shared output folder --------------------------------------

TEST_F(Faults, ALinkPlantedInTheOutputFolderNeverRedirectsAWrite) {
  fs::create_directories(dir / "out");
  fs::path victim = dir / "victim.txt";
  spit(victim, "not to be overwritten");
  fs::create_symlink(victim, report_txt());
  for (int i = 0; i < 5; ++i) fs::create_symlink(victim, dir / "out" / (".nianbao-stage-" + std::to_string(i)));
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(victim), "not to be overwritten");
  EXPECT_FALSE(fs::is_symlink(report_txt()));
  EXPECT_EQ(slurp(report_txt()), slurp(fs::path(NIANBAO_TEST_DATA) / "e2e/guanpo-2023.txt"));
}

TEST_F(Faults, ALongHostNameAndALongAgencyNameStillBuild) {
  NEEDS_ROOT("sets a 64-character host name in a UTS namespace of its own");
  std::string agency;
  for (int i = 0; i < 45; ++i) agency += "镇";
  agencies({agency}, "[text, xlsx, pdf]");
  std::string host(64, 'h');
  std::string cmd = "cd '" + dir.string() + "' && unshare --uts sh -c 'hostname " + host + " && exec \"" + NIANBAO_EXE +
                    "\" build manifest.yaml' >stdout.txt 2>stderr.txt";
  int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << slurp(dir / "stderr.txt");
  EXPECT_EQ(out_files().size(), 3u);
}

// ---- 6. Two builds, or two shards, in one folder ---------------------------------------

TEST_F(Faults, ASecondBuildOfABusyFolderFailsFastAndTheFirstLosesNothing) {
  // a0 hangs in its plugin: the first build holds the folder until it is stopped.
  agencies({"卡住镇人民政府", "好镇人民政府", "二镇人民政府"}, "[text, hostile]");
  const std::string plugins = std::string(" --timeout 20 --plugin-dir '") + FIXTURE_DIR + "'";
  pid_t first = spawn("build manifest.yaml --jobs 1" + plugins);
  ASSERT_TRUE(building(dir / "out"));
  Outcome second = run("build manifest.yaml" + plugins);
  EXPECT_EQ(second.rc, 75) << second.err;
  EXPECT_NE(second.err.find("is busy: another nianbao build is writing it (pid " + std::to_string(first)), std::string::npos)
      << second.err;
  Outcome shard = run("build manifest.yaml --shard-index 0 --shard-count 2" + plugins);
  EXPECT_EQ(shard.rc, 75) << shard.err;
  ::kill(first, SIGTERM);
  EXPECT_EQ(wait_for(first), 143) << slurp(dir / "bg-err.txt");
  EXPECT_TRUE(leftovers(dir / "out").empty());

  // Shards: two different ones share the folder; the same one twice does not.
  pid_t zero = spawn("build manifest.yaml --shard-index 0 --shard-count 2" + plugins);  // a0 and a2
  ASSERT_TRUE(building(dir / "out"));
  Outcome again = run("build manifest.yaml --shard-index 0 --shard-count 2" + plugins);
  EXPECT_EQ(again.rc, 75) << again.err;
  EXPECT_NE(again.err.find("shard 0 of 2 is already being built"), std::string::npos) << again.err;
  Outcome one = run("build manifest.yaml --shard-index 1 --shard-count 2" + plugins);  // a1
  EXPECT_EQ(one.rc, 0) << one.err;
  EXPECT_TRUE(fs::exists(dir / "out" / (title("好镇人民政府") + ".txt")));
  Outcome whole = run("build manifest.yaml" + plugins);
  EXPECT_EQ(whole.rc, 75) << whole.err;
  EXPECT_NE(whole.err.find("shard builds are writing it"), std::string::npos) << whole.err;
  ::kill(zero, SIGTERM);
  EXPECT_EQ(wait_for(zero), 143);
  EXPECT_TRUE(leftovers(dir / "out").empty());
}

TEST_F(Faults, TwoShardsNeverWriteOneFile) {
  agencies({"官坡镇人民政府", "官坡镇人民政府", "别的镇人民政府"}, "[text]");
  // Shard 1 (a1) runs first, before shard 0 has ever built a0: it reads a0's inputs to know.
  Outcome one = run("build manifest.yaml --shard-index 1 --shard-count 2");
  EXPECT_EQ(one.rc, 78) << one.err;
  EXPECT_NE(one.err.find("a1: report 'a1' would overwrite the files of report 'a0', which shard 0 builds: both are named "
                         "“官坡镇人民政府2023年政府信息公开工作年度报告”"),
            std::string::npos)
      << one.err;
  Outcome zero = run("build manifest.yaml --shard-index 0 --shard-count 2");
  EXPECT_EQ(zero.rc, 0) << zero.err;
  one = run("build manifest.yaml --shard-index 1 --shard-count 2");  // now from shard 0's record
  EXPECT_EQ(one.rc, 78) << one.err;
  EXPECT_EQ(out_files(), (std::vector<std::string>{title("别的镇人民政府") + ".txt", title("官坡镇人民政府") + ".txt"}));
}

// ---- 7. Signals ---------------------------------------------------------------------------

TEST_F(Faults, ASignalStopsTheBuildCleanlyAndTheSummarySaysSo) {
  agencies({"好镇人民政府", "卡住镇人民政府", "二镇人民政府"}, "[text, hostile]");
  const std::string plugins = std::string(" --plugin-dir '") + FIXTURE_DIR + "'";
  struct Case {
    int sig;
    int rc;
    const char* name;
  };
  for (Case c : {Case{SIGTERM, 143, "SIGTERM"}, Case{SIGINT, 130, "SIGINT"}, Case{SIGHUP, 129, "SIGHUP"}}) {
    SCOPED_TRACE(c.name);
    fs::remove(dir / "out" / (title("好镇人民政府") + ".txt"));
    pid_t pid = spawn("build manifest.yaml --force --jobs 1 --timeout 60 --summary summary.json" + plugins);
    ASSERT_TRUE(building(dir / "out"));
    for (int i = 0; i < 400 && !fs::exists(dir / "out" / (title("好镇人民政府") + ".txt")); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));  // a0 done; a1 hangs
    ::kill(pid, c.sig);
    EXPECT_EQ(wait_for(pid), c.rc);
    std::string err = slurp(dir / "bg-err.txt");
    EXPECT_NE(err.find(std::string("interrupted by ") + c.name), std::string::npos) << err;
    json s = json::parse(slurp(dir / "summary.json"));
    EXPECT_EQ(s["status"], "interrupted");
    EXPECT_FALSE(s["started"].get<std::string>().empty());
    EXPECT_FALSE(s["finished"].get<std::string>().empty());
    EXPECT_TRUE(leftovers(dir / "out").empty()) << leftovers(dir / "out").front();
    EXPECT_TRUE(fs::exists(dir / "out" / (title("好镇人民政府") + ".txt")));
  }
  // Killed outright: the summary it left says it never finished.
  pid_t pid = spawn("build manifest.yaml --force --jobs 1 --timeout 60 --summary summary.json" + plugins);
  ASSERT_TRUE(building(dir / "out"));
  ::kill(pid, SIGKILL);
  wait_for(pid);
  EXPECT_EQ(json::parse(slurp(dir / "summary.json"))["status"], "running");
}

// ---- 8. State and permissions --------------------------------------------------------------

TEST_F(Faults, AStateFolderThatCannotBeWrittenStopsTheBuildBeforeAnythingWithTheReason) {
  spit(dir / "blocked", "a file where a folder should be");
  edit("manifest.yaml", "output_dir: out", "output_dir: out\nstate_dir: blocked/state");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 73) << r.err;
  EXPECT_NE(r.err.find("cannot keep the build state here"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Not a directory"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty());
  EXPECT_TRUE(leftovers(dir / "out").empty());
}

TEST_F(Faults, AReadOnlyOutputFolderIs73WithTheReason) {
  fs::create_directories(dir / "out");
  std::optional<Tmpfs> ro;
  if (root()) {
    ro.emplace(dir / "out", "size=64k");
    ASSERT_TRUE(ro->mounted());
    ASSERT_EQ(::mount("none", (dir / "out").c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0);
  } else {
    fs::permissions(dir / "out", fs::perms::owner_read | fs::perms::owner_exec);
  }
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 73) << r.err;
  EXPECT_TRUE(r.err.find("Read-only file system") != std::string::npos || r.err.find("Permission denied") != std::string::npos)
      << r.err;
  if (!root()) fs::permissions(dir / "out", fs::perms::owner_all);
}

TEST_F(Faults, ADamagedBuildRecordIsIgnoredWithAWarningAndTheReportRebuilt) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  int damaged = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / ".nianbao"))
    if (e.path().extension() == ".json") spit(e.path(), "{\"id\": 7, garbage"), ++damaged;
  ASSERT_GT(damaged, 0);
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.err.find("guanpo-2023: warning: the record of its last build was damaged and is ignored"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("wrote"), std::string::npos);
  EXPECT_NE(run("build manifest.yaml").out.find("unchanged"), std::string::npos);
}

// ---- 9. Messages that point the right way ------------------------------------------------

TEST_F(Faults, AFontWithoutChineseIsAConfigurationErrorThatCheckFindsToo) {
  spit(dir / "county.yaml",
       "extends: default\npdf:\n  body_font: /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\n  fallback_fonts: \"\"\n");
  edit("manifest.yaml", "form: gov-info-disclosure-2021", "form: gov-info-disclosure-2021\nprofile: county.yaml");
  for (const char* cmd : {"check manifest.yaml", "build manifest.yaml"}) {
    Outcome r = run(cmd);
    EXPECT_EQ(r.rc, 78) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("county.yaml:3:14: pdf option body_font: the font has no glyph for"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Faults, AMarginTooLargeIsNamedWhereItIsWritten) {
  spit(dir / "county.yaml", "extends: default\npdf:\n  margin_top: 500\n");
  edit("manifest.yaml", "form: gov-info-disclosure-2021", "form: gov-info-disclosure-2021\nprofile: county.yaml");
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:3:15: pdf option margin_top: must be at least 0 and less than 297 mm, not 500"),
            std::string::npos)
      << r.err;
}

TEST_F(Faults, NumbersTooLargeAreSaidSoAndSumsNeverWrap) {
  edit("report.yaml", "new_received: {natural_person: 0", "new_received: {natural_person: 12345678901234");
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("自然人：数值过大，实为 “12345678901234”（上限为 999999999999，请核对）"), std::string::npos) << r.err;

  std::string big = "999999999999";
  edit("report.yaml", "natural_person: 12345678901234, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0",
       "natural_person: " + big + ", commercial: " + big + ", research: " + big + ", social_welfare: " + big +
           ", legal_service: " + big + ", other_org: " + big);
  r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.out.find("5999999999994"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("=-"), std::string::npos) << r.out;
}

TEST_F(Faults, AHugeCellIsNotEchoedWhole) {
  edit("report.yaml", "new_received: {natural_person: 0", "new_received: {natural_person: " + std::string(2000000, '7') + "x");
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_LT(r.err.size(), 4000u);
  EXPECT_NE(r.err.find("（共 2000001 字）"), std::string::npos) << r.err.substr(0, 500);
}

TEST_F(Faults, ANulByteIsNamedOnItsOwnLine) {
  std::string y = slurp(dir / "report.yaml");
  y.insert(y.find("year: 2023") + 8, std::string(1, '\0'));
  spit(dir / "report.yaml", y);
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  std::string at = position_of("report.yaml", "year: 20", "year");
  EXPECT_NE(r.err.find(at.substr(0, at.rfind(':')) + ":9: "), std::string::npos) << r.err;  // "year: 20" is 8 characters
  EXPECT_NE(r.err.find("U+0000"), std::string::npos) << r.err;
}

TEST_F(Faults, JobsOutOfRangeIsAUsageErrorInPlainWords) {
  Outcome r = run("build manifest.yaml --jobs 0");
  EXPECT_EQ(r.rc, 64);
  EXPECT_NE(r.err.find("not in range 1 to 1024"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 200u);
}

// ---- 10. Valid real input ---------------------------------------------------------------------

TEST_F(Faults, AmountsToTheFenWithSixPlacesAreKeptAsWritten) {
  edit("report.yaml", "administrative_fees: {amount: 0}", "administrative_fees: {amount: 1234.567891}");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  EXPECT_NE(slurp(report_txt()).find("1234.567891"), std::string::npos);
  EXPECT_NE(tool("pdftotext -layout '" + (dir / "out" / (kTitle + ".pdf")).string() + "' -").find("1234.567891"),
            std::string::npos);
  std::string cell = tool("/usr/bin/python3 -c \"import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); "
                          "print([(c.value, c.number_format) for ws in wb for r in ws.iter_rows() for c in r "
                          "if isinstance(c.value, float) and c.value > 1234]) \" '" +
                          (dir / "out" / (kTitle + ".xlsx")).string() + "'");
  EXPECT_NE(cell.find("(1234.567891, '0.000000')"), std::string::npos) << cell;
}

}  // namespace
