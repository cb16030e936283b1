// Profiles as a county office meets them: the same report under three
// formats, misspelt keys, missing fonts stopped before anything is built,
// templates, agency names that try to leave the output folder, and
// `nianbao config --print-merged`.
#include "cli_fixture.hpp"

#include <set>

using namespace e2e;

namespace {

class Profiles : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    fs::copy_file(fs::path(NIANBAO_SOURCE_DIR) / "samples/guanpo-2023/profiles.yaml", dir / "profiles.yaml");
  }
  std::string pdf_text(const fs::path& pdf) { return tool("pdftotext -enc UTF-8 '" + pdf.string() + "' -"); }
  std::vector<std::string> files_in(const fs::path& d) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.path().filename() != ".nianbao.lock") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  // A profile of the test's own, next to the manifest, used by the sample report.
  void use_profile(const std::string& yaml) {
    spit(dir / "county.yaml", yaml);
    if (slurp(dir / "manifest.yaml").find("profile: county.yaml") == std::string::npos)
      edit("manifest.yaml", "output_dir: out", "output_dir: out\nprofile: county.yaml");
  }
};

std::string without_spaces(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\f') out += c;
  return out;
}

TEST_F(Profiles, ThreeProfilesGiveThreeDifferentPdfsNamedAsEachAsks) {
  Outcome r = run("build profiles.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  const fs::path out = dir / "out-profiles";
  EXPECT_EQ(files_in(out), (std::vector<std::string>{
                               "2023年度-官坡镇人民政府-政府信息公开工作报告.pdf",   // 卢氏县: pdf + xlsx
                               "2023年度-官坡镇人民政府-政府信息公开工作报告.xlsx",
                               "官坡镇人民政府2023年政府信息公开工作年度报告.pdf",   // default, pdf only
                               "河南省三门峡市卢氏县-官坡镇人民政府-2023.pdf",        // 灵宝市: pdf + text
                               "河南省三门峡市卢氏县-官坡镇人民政府-2023.txt",
                           }));

  std::string national = without_spaces(pdf_text(out / "官坡镇人民政府2023年政府信息公开工作年度报告.pdf"));
  std::string lushi = without_spaces(pdf_text(out / "2023年度-官坡镇人民政府-政府信息公开工作报告.pdf"));
  std::string lingbao = without_spaces(pdf_text(out / "河南省三门峡市卢氏县-官坡镇人民政府-2023.pdf"));

  // The national format: the form's title, tables inline, — N — page numbers, no 落款 (the data has none).
  EXPECT_NE(national.find("官坡镇人民政府2023年政府信息公开工作年度报告"), std::string::npos);
  EXPECT_NE(national.find("—1—"), std::string::npos);
  EXPECT_EQ(national.find("附表"), std::string::npos);
  EXPECT_LT(national.find("本年制发件数"), national.find("三、收到和处理政府信息公开申请情况"));

  // 卢氏县: 年度 title, the opening paragraph with the report's contact and the
  // profile's website, tables after the 落款 as 附表, a date in Chinese numerals.
  EXPECT_NE(lushi.find("官坡镇人民政府2023年度政府信息公开工作报告"), std::string::npos);
  EXPECT_NE(lushi.find("统计期限自2023年1月1日起至2023年12月31日止"), std::string::npos);
  EXPECT_NE(lushi.find("电话：0398-7002005"), std::string::npos);
  EXPECT_NE(lushi.find("www.lushi.gov.cn"), std::string::npos);
  EXPECT_NE(lushi.find("详见附表1。"), std::string::npos);
  EXPECT_NE(lushi.find("二〇二四年一月一日"), std::string::npos);  // no 落款 in the data: 1 January after the year
  EXPECT_LT(lushi.find("二〇二四年一月一日"), lushi.find("附表1主动公开政府信息情况"));
  EXPECT_LT(lushi.find("附表1主动公开政府信息情况"), lushi.find("本年制发件数"));
  EXPECT_NE(lushi.find("附表3政府信息公开行政复议、行政诉讼情况"), std::string::npos);
  EXPECT_NE(lushi.find("-1-"), std::string::npos);
  // Its 附表 stand on landscape pages; the report itself is portrait.
  std::string sizes = tool("pdfinfo -f 1 -l 99 '" + (out / "2023年度-官坡镇人民政府-政府信息公开工作报告.pdf").string() + "'");
  EXPECT_NE(sizes.find("Page    1 size:  595 x 842 pts (A4)"), std::string::npos) << sizes;
  std::size_t appendix_page = 0;
  for (std::size_t n = 2; n < 20; ++n)
    if (sizes.find("Page " + std::string(n < 10 ? "   " : "  ") + std::to_string(n) + " size:  842 x 595 pts (A4)") !=
        std::string::npos) {
      appendix_page = n;
      break;
    }
  ASSERT_GT(appendix_page, 1u) << sizes;
  std::string first_appendix = without_spaces(tool("pdftotext -enc UTF-8 -f " + std::to_string(appendix_page) + " -l " +
                                                   std::to_string(appendix_page) + " '" +
                                                   (out / "2023年度-官坡镇人民政府-政府信息公开工作报告.pdf").string() + "' -"));
  EXPECT_EQ(first_appendix.find("附表1主动公开政府信息情况"), 0u) << first_appendix;

  // 灵宝市: title without 工作, 第N页, the 落款 with 盖章, LXGW WenKai embedded.
  EXPECT_NE(lingbao.find("官坡镇人民政府2023年政府信息公开年度报告"), std::string::npos);
  EXPECT_NE(lingbao.find("第1页"), std::string::npos);
  EXPECT_NE(lingbao.find("官坡镇人民政府（盖章）2024年1月1日"), std::string::npos);
  EXPECT_NE(tool("pdffonts '" + (out / "河南省三门峡市卢氏县-官坡镇人民政府-2023.pdf").string() + "'").find("LXGWWenKai"),
            std::string::npos);
  EXPECT_EQ(tool("pdffonts '" + (out / "官坡镇人民政府2023年政府信息公开工作年度报告.pdf").string() + "'").find("LXGW"),
            std::string::npos);
  // Different text blocks: the same text takes different numbers of pages.
  std::set<std::string> infos;
  for (const auto& f : {"官坡镇人民政府2023年政府信息公开工作年度报告.pdf", "2023年度-官坡镇人民政府-政府信息公开工作报告.pdf",
                        "河南省三门峡市卢氏县-官坡镇人民政府-2023.pdf"}) {
    std::string info = tool("pdfinfo '" + (out / f).string() + "'");
    infos.insert(info.substr(info.find("Pages:"), 20));
  }
  EXPECT_EQ(infos.size(), 3u);
}

TEST_F(Profiles, MisspeltKeysAreReportedWithPositionAndSuggestion) {
  use_profile("extends: default\ndocumnet:\n  title: x\n");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:2:1: profile key 'documnet' is neither a setting nor an output plugin, did you mean "
                       "'document'?"),
            std::string::npos)
      << r.err;

  use_profile("extends: default\ndocument:\n  titel: \"{agency}\"\n");
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:3:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'title'"), std::string::npos) << r.err;

  use_profile("pdf:\n  margin_top: 30\n  body_fnot: /usr/share/fonts/x.ttf\n");
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:3:14: plugin 'pdf' has no option 'body_fnot', did you mean 'body_font'?"),
            std::string::npos)
      << r.err;

  use_profile("pdf:\n  body_size: large\n");
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:2:14:"), std::string::npos) << r.err;

  use_profile("document:\n  tables: annex\n");
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:2:11:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("inline"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Profiles, TemplateWithUnknownFieldIsAConfigurationError) {
  use_profile("extends: default\ndocument:\n  file_name: \"{year}-{agnecy}\"\n");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:3:14: document.file_name: unknown field {agnecy}, did you mean 'agency'?"),
            std::string::npos)
      << r.err;
}

TEST_F(Profiles, TemplateFieldTheDataLacksFailsThatReportInChinese) {
  use_profile("document:\n  preface: \"传真：{contact.fax}\"\n");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("{contact.fax}（传真）"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty());
  // check finds it too, though it writes nothing (a build's plan asks only for the file name).
  r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE((r.out + r.err).find("{contact.fax}（传真）"), std::string::npos) << r.out << r.err;
}

TEST_F(Profiles, MissingFontStopsTheBuildBeforeAnyReportAndKeepsLastNightsFiles) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string good = slurp(report_txt());
  // A second report with the default profile comes first: it must not be built either.
  spit(dir / "manifest.yaml",
       "form: gov-info-disclosure-2021\n"
       "output_dir: out\n"
       "reports:\n"
       "  - id: first\n"
       "    inputs: [{plugin: yaml, path: report.yaml}]\n"
       "    outputs: [text]\n"
       "  - id: second\n"
       "    profile: county.yaml\n"
       "    inputs: [{plugin: yaml, path: report.yaml}]\n"
       "    outputs: [{plugin: text, width: 60}, pdf]\n");
  spit(dir / "county.yaml", "extends: default\npdf:\n  body_font: /usr/share/fonts/truetype/fangsong/FangSong_GB2312.ttf\n");
  fs::file_time_type before = fs::last_write_time(report_txt());
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:3:14: pdf option body_font: font file not found: "
                       "/usr/share/fonts/truetype/fangsong/FangSong_GB2312.ttf"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");  // nothing was written
  EXPECT_EQ(slurp(report_txt()), good);
  EXPECT_EQ(fs::last_write_time(report_txt()), before);
  EXPECT_EQ(out_files().size(), 3u);  // txt, xlsx, pdf of the first run, no temporary files
}

TEST_F(Profiles, AFontThatCannotBeEmbeddedIsAConfigurationError) {
  spit(dir / "not-a-font.ttf", "this is a text file, not a font\n");
  use_profile("pdf:\n  title_font: not-a-font.ttf\n");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:2:15: pdf option title_font: font not-a-font.ttf#0 cannot be embedded: not an OpenType or TrueType font"), std::string::npos)
      << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Profiles, AFontFileCutShortIsAConfigurationErrorBeforeAnyReport) {
  // A copy broken off mid-way (a download or a USB stick pulled out): its
  // cmap and metrics are there, its outlines are not.
  const std::string whole = slurp("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf");
  ASSERT_GT(whole.size(), 100000u);
  spit(dir / "cut.otf", whole.substr(0, 100000));
  use_profile("pdf:\n  body_font: cut.otf\n");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("county.yaml:2:14: pdf option body_font: font cut.otf#0 cannot be embedded: its outlines cannot be read"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Profiles, AgencyNamesCannotPlaceFilesOutsideTheOutputFolder) {
  for (const std::string agency : {"../../逃逸镇人民政府", "/tmp/逃逸", "a/../../b", "..", "\\\\..\\\\x"}) {
    SCOPED_TRACE(agency);
    fs::remove_all(dir / "out");
    spit(dir / "report.yaml", std::string(slurp(fs::path(NIANBAO_SOURCE_DIR) / "samples/guanpo-2023/report.yaml")));
    edit("report.yaml", "agency: 官坡镇人民政府", "agency: \"" + agency + "\"");
    use_profile("document:\n  file_name: \"../{agency}/{year}\"\n");
    std::set<std::string> around_before;
    for (const auto& e : fs::recursive_directory_iterator(dir.parent_path() / dir.filename()))
      around_before.insert(e.path().string());
    Outcome r = run("build manifest.yaml");
    ASSERT_EQ(r.rc, 0) << r.err;
    std::vector<std::string> files = out_files();
    ASSERT_EQ(files.size(), 3u);
    for (const auto& f : files) {
      EXPECT_EQ(f.find('/'), std::string::npos) << f;
      EXPECT_EQ(f.find(".."), std::string::npos) << f;
      EXPECT_TRUE(fs::is_regular_file(dir / "out" / f)) << f;
    }
    // Nothing new anywhere in the test folder but out/ and the build's own state.
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      std::string p = e.path().string();
      if (around_before.count(p) || p.rfind((dir / "out").string(), 0) == 0 || p.rfind((dir / ".nianbao").string(), 0) == 0)
        continue;
      ADD_FAILURE() << "written outside out/: " << p;
    }
    fs::remove(dir / "county.yaml");
    fs::remove_all(dir / ".nianbao");
    spit(dir / "manifest.yaml", slurp(fs::path(NIANBAO_SOURCE_DIR) / "samples/guanpo-2023/manifest.yaml"));
  }
  EXPECT_FALSE(fs::exists("/tmp/逃逸"));
}

TEST_F(Profiles, ExtendsMergesKeyByKeyAndPrintMergedNamesEachOrigin) {
  spit(dir / "base.yaml", "extends: default\npdf:\n  margin_top: 35\n  table_size: 12\n");
  spit(dir / "county.yaml", "extends: base.yaml\ndocument:\n  title: \"{agency}{year}年度报告\"\npdf:\n  table_size: 11\n");
  spit(dir / "manifest.yaml",
       "form: gov-info-disclosure-2021\n"
       "output_dir: out\n"
       "profile: county.yaml\n"
       "reports:\n"
       "  - id: guanpo\n"
       "    inputs: [{plugin: yaml, path: report.yaml}]\n"
       "    outputs: [{plugin: pdf, body_size: 15}]\n");
  Outcome r = run("config manifest.yaml --print-merged --report guanpo");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("# profile county.yaml: county.yaml → base.yaml → "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  title: \"{agency}{year}年度报告\"  # county.yaml:3:10\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  file_name: \"{title}\"  # "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("default.yaml:10:14\n"), std::string::npos) << r.out;  // file_name from the default profile
  EXPECT_NE(r.out.find("  table_size: 11  # county.yaml:5:15\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  margin_top: 35  # base.yaml:3:15\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  body_size: 15  # manifest.yaml:7:40\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("outputs: [pdf]  # manifest.yaml:7:"), std::string::npos) << r.out;

  // What config shows is what a build uses.
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  EXPECT_EQ(out_files(), std::vector<std::string>{"官坡镇人民政府2023年度报告.pdf"});

  r = run("config manifest.yaml --print-merged --report guanop");
  EXPECT_EQ(r.rc, 64);
  EXPECT_NE(r.err.find("did you mean 'guanpo'"), std::string::npos) << r.err;
}

TEST_F(Profiles, CircularExtendsIsRefused) {
  spit(dir / "a.yaml", "extends: b.yaml\n");
  spit(dir / "b.yaml", "extends: a.yaml\n");
  edit("manifest.yaml", "output_dir: out", "output_dir: out\nprofile: a.yaml");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("profiles extend each other in a circle: a.yaml → b.yaml → a.yaml"), std::string::npos) << r.err;
}

TEST_F(Profiles, UnknownProfileNameSuggestsABuiltInOne) {
  edit("manifest.yaml", "output_dir: out", "output_dir: out\nprofile: lushl");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("manifest.yaml:4:10: unknown profile 'lushl', did you mean 'lushi'?"), std::string::npos) << r.err;
}

TEST_F(Profiles, TheProfilesOutputsApplyWhenTheManifestNamesNone) {
  edit("manifest.yaml", "    outputs: [text, xlsx, pdf]\n", "");
  edit("manifest.yaml", "output_dir: out", "output_dir: out\nprofile: lingbao");
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(out_files(), (std::vector<std::string>{"河南省三门峡市卢氏县-官坡镇人民政府-2023.pdf",
                                                   "河南省三门峡市卢氏县-官坡镇人民政府-2023.txt"}));
  // The text output takes the profile's width: paragraphs wrap at 80 columns (tables only aim to).
  int longest = 0;
  for (std::istringstream in(slurp(dir / "out" / "河南省三门峡市卢氏县-官坡镇人民政府-2023.txt")); !in.eof();) {
    std::string line;
    std::getline(in, line);
    if (line.empty() || line[0] == '|' || line[0] == '+') continue;
    longest = std::max(longest, nianbao::display_width(line));
  }
  EXPECT_LE(longest, 80);
  EXPECT_GE(longest, 76);
}

// docs/profiles.md is the reference: every key a profile can hold is in it.
TEST_F(Profiles, DocsNameEveryKey) {
  std::string docs = slurp(fs::path(NIANBAO_SOURCE_DIR) / "docs/profiles.md");
  ASSERT_FALSE(docs.empty());
  Outcome r = run("config manifest.yaml --print-merged");
  ASSERT_EQ(r.rc, 0) << r.err;
  std::istringstream in(r.out);
  int keys = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::string key = line.substr(0, line.find(':'));
    while (!key.empty() && key.front() == ' ') key.erase(key.begin());
    ++keys;
    EXPECT_NE(docs.find("`" + key + "`"), std::string::npos) << "docs/profiles.md does not describe `" << key << "`";
  }
  EXPECT_GT(keys, 30);
}

}  // namespace
