#include <nianbao/output_files.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "test_util.hpp"

using namespace nianbao;
namespace fs = std::filesystem;

namespace {

void write_to(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST(StagedFiles, CommitPutsFilesInPlaceAndLeavesNoTemporaries) {
  nbtest::TempDir dir;
  fs::path out = dir.path() / "out";
  StagedFiles files(out);
  fs::path a = files.create("report.txt");
  fs::path b = files.create("官坡镇人民政府2023年政府信息公开工作年度报告.pdf");
  EXPECT_NE(a, out / "report.txt");  // written elsewhere first:
  // in a private folder inside the output folder, so the rename is atomic
  EXPECT_EQ(a.parent_path().parent_path().parent_path(), out);
  EXPECT_EQ(a.parent_path().parent_path().filename().string().rfind(".nianbao-stage-", 0), 0u) << a;
  EXPECT_EQ(fs::status(a.parent_path().parent_path()).permissions() & fs::perms::all, fs::perms::owner_all);
  write_to(a, "text\n");
  write_to(b, "%PDF-1.7\n");
  EXPECT_FALSE(fs::exists(out / "report.txt"));
  EXPECT_EQ(files.targets(), (std::vector<fs::path>{out / "report.txt", out / "官坡镇人民政府2023年政府信息公开工作年度报告.pdf"}));

  auto done = files.commit();
  EXPECT_EQ(done, (std::vector<fs::path>{out / "report.txt", out / "官坡镇人民政府2023年政府信息公开工作年度报告.pdf"}));
  EXPECT_EQ(nbtest::read_file(out / "report.txt"), "text\n");
  EXPECT_EQ(nbtest::read_file(out / "官坡镇人民政府2023年政府信息公开工作年度报告.pdf"), "%PDF-1.7\n");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"report.txt", "官坡镇人民政府2023年政府信息公开工作年度报告.pdf"}));
}

TEST(StagedFiles, CommitReplacesAnOlderFile) {
  nbtest::TempDir dir;
  write_to(dir.path() / "report.txt", "old\n");
  StagedFiles files(dir.path());
  write_to(files.create("report.txt"), "new\n");
  files.commit();
  EXPECT_EQ(nbtest::read_file(dir.path() / "report.txt"), "new\n");
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"report.txt"}));
}

TEST(StagedFiles, DestroyingWithoutCommitKeepsTheOldFileAndRemovesTemporaries) {
  nbtest::TempDir dir;
  const std::string old_bytes = std::string("old report\r\n\0binary\xff", 20);
  write_to(dir.path() / "report.txt", old_bytes);
  {
    StagedFiles files(dir.path());
    fs::path tmp = files.create("report.txt");
    write_to(tmp, "half a new rep");
    write_to(files.create("report.pdf"), "%PDF");
    EXPECT_EQ(dir.list().size(), 2u);  // the old file and the private staging folder
  }  // a failed job: no commit
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"report.txt"}));
  EXPECT_EQ(nbtest::read_file(dir.path() / "report.txt"), old_bytes);
}

TEST(StagedFiles, AbortRemovesTemporaries) {
  nbtest::TempDir dir;
  StagedFiles files(dir.path());
  write_to(files.create("a.txt"), "a");
  files.abort();
  EXPECT_TRUE(dir.list().empty());
  EXPECT_TRUE(files.targets().empty());
}

TEST(StagedFiles, CommitFailsWhenAPluginDidNotWriteItsFile) {
  nbtest::TempDir dir;
  StagedFiles files(dir.path());
  write_to(files.create("a.txt"), "a");
  files.create("b.txt");  // never written
  try {
    files.commit();
    FAIL() << "committed a file nobody wrote";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::software);
    EXPECT_NE(e.message().find("b.txt"), std::string::npos) << e.message();
  }
  EXPECT_TRUE(dir.list().empty());  // all or nothing: a.txt is not left behind either
}

TEST(StagedFiles, RefusesNamesThatAreNotPlainFileNames) {
  nbtest::TempDir dir;
  StagedFiles files(dir.path() / "out");
  for (const char* bad : {"../x", "a/b", ".hidden", "", ".", "..", "a\\b", "a\nb", "/etc/passwd"}) {
    try {
      files.create(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::cant_create) << bad;
    }
  }
  EXPECT_TRUE(files.targets().empty());
  EXPECT_FALSE(fs::exists(dir.path() / "x"));
}

TEST(StagedFiles, TheSameNameTwiceIsRefused) {
  nbtest::TempDir dir;
  StagedFiles files(dir.path());
  files.create("report.txt");
  try {
    files.create("report.txt");
    FAIL() << "the same output file was given out twice";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("report.txt"), std::string::npos) << e.message();
  }
  EXPECT_EQ(files.targets().size(), 1u);
}

TEST(StagedFiles, CreatesTheOutputFolder) {
  nbtest::TempDir dir;
  fs::path out = dir.path() / "a" / "b";
  StagedFiles files(out);
  write_to(files.create("r.txt"), "x");
  EXPECT_TRUE(fs::is_directory(out));
  files.commit();
  EXPECT_EQ(nbtest::read_file(out / "r.txt"), "x");
}

TEST(WriteFileAtomically, WritesAndReplaces) {
  nbtest::TempDir dir;
  fs::path p = dir.path() / "f.txt";
  write_file_atomically(p, "one");
  EXPECT_EQ(nbtest::read_file(p), "one");
  write_file_atomically(p, "two");
  EXPECT_EQ(nbtest::read_file(p), "two");
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"f.txt"}));
  EXPECT_THROW(write_file_atomically(dir.path() / "missing" / "f.txt", "x"), Error);
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"f.txt"}));
}

// A link planted at a report's name in a shared output folder is replaced by
// the report; the file it pointed to is untouched.
TEST(StagedFiles, APlantedLinkNeverRedirectsAWrite) {
  nbtest::TempDir dir;
  fs::path out = dir.path() / "out", victim = dir.path() / "victim.txt";
  fs::create_directories(out);
  write_to(victim, "precious\n");
  fs::create_symlink(victim, out / "report.txt");
  StagedFiles files(out);
  write_to(files.create("report.txt"), "the report\n");
  files.commit();
  EXPECT_EQ(nbtest::read_file(victim), "precious\n");
  EXPECT_FALSE(fs::is_symlink(out / "report.txt"));
  EXPECT_EQ(nbtest::read_file(out / "report.txt"), "the report\n");
}

TEST(StagedFiles, ANameLongerThanAFileNameMayBeIsRefusedClearly) {
  nbtest::TempDir dir;
  StagedFiles files(dir.path());
  std::string name;
  for (int i = 0; i < 90; ++i) name += "镇";  // 270 bytes
  try {
    files.create(name + ".pdf");
    FAIL() << "accepted a 274-byte name";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::cant_create);
    EXPECT_NE(e.message().find("too long (274 bytes, at most 255)"), std::string::npos) << e.message();
  }
  // 84 characters of Chinese (252 bytes) and ".pdf" would not fit either; 80 do, whatever the host's name.
  std::string fits;
  for (int i = 0; i < 80; ++i) fits += "镇";
  write_to(files.create(fits + ".pdf"), "%PDF");
  files.commit();
  EXPECT_TRUE(fs::exists(dir.path() / (fits + ".pdf")));
}

// Another build's staging area is removed only once its build is gone.
TEST(StagingArea, OnlyTheAreasOfDeadBuildsAreRemoved) {
  nbtest::TempDir dir;
  auto live = std::make_unique<StagingArea>(dir.path());
  fs::path dead = dir.path() / ".nianbao-stage-dead00";
  fs::create_directories(dead / "3");
  write_to(dead / "lock", "");
  write_to(dead / "3" / "half.pdf", "%PDF-");
  EXPECT_EQ(StagingArea::remove_dead(dir.path()), 1u);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live->dir()));  // locked by this process: alive
  fs::path kept = live->dir();
  live.reset();
  EXPECT_FALSE(fs::exists(kept));
}

TEST(WriteFileAtomically, LeavesNoTemporaryAndRefusesToFollowAPlantedLink) {
  nbtest::TempDir dir;
  fs::path victim = dir.path() / "victim";
  write_to(victim, "precious");
  fs::create_symlink(victim, dir.path() / "summary.json");
  write_file_atomically(dir.path() / "summary.json", "{}");
  EXPECT_EQ(nbtest::read_file(victim), "precious");
  EXPECT_EQ(nbtest::read_file(dir.path() / "summary.json"), "{}");
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"summary.json", "victim"}));
}
