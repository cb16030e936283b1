// The pdf output as a reader meets it: fonts embedded as subsets, every word
// and number extractable with pdftotext, CJK line breaking, tables that run
// over a page with their header rows, identical bytes on a rerun.
#include "cli_fixture.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <set>

using namespace e2e;

namespace {

// Extracted text without white space and page numbers ("— 2 —"), so that a
// paragraph running over a page break reads as one.
std::string squeeze(const std::string& s) {
  std::u32string out;
  for (char32_t c : nianbao::to_u32(s))
    if (c != U' ' && c != U'\n' && c != U'\r' && c != U'\t' && c != U'\f' && c != 0x3000) out += c;
  for (std::size_t p = out.find(U'—'); p != std::u32string::npos; p = out.find(U'—', p)) {
    std::size_t q = p + 1;
    while (q < out.size() && out[q] >= U'0' && out[q] <= U'9') ++q;
    if (q > p + 1 && q < out.size() && out[q] == U'—') out.erase(p, q + 1 - p);
    else ++p;
  }
  return nianbao::to_utf8(out);
}

class Pdf : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [pdf]");
  }
  fs::path pdf() { return dir / "out" / (kTitle + ".pdf"); }
  std::string text(const std::string& args = "") { return tool("pdftotext -enc UTF-8 " + args + " '" + pdf().string() + "' -"); }
  // Per font resource: its program and the codes drawn that name no glyph of it (pdf_glyphs.py).
  nlohmann::json glyphs() {
    return nlohmann::json::parse(
        tool(kPython + " '" + std::string(NIANBAO_SOURCE_DIR) + "/tests/e2e/pdf_glyphs.py' '" + pdf().string() + "'"));
  }
  int pages() {
    std::string info = tool("pdfinfo '" + pdf().string() + "'");
    auto p = info.find("Pages:");
    return p == std::string::npos ? 0 : std::stoi(info.substr(p + 6));
  }
};

TEST_F(Pdf, OnlyEmbeddedSubsetFontsWithUnicodeMaps) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::istringstream fonts(tool("pdffonts '" + pdf().string() + "'"));
  std::string line;
  int count = 0;
  std::set<std::string> faces;
  for (int n = 0; std::getline(fonts, line); ++n) {
    if (n < 2) continue;  // the header lines
    ++count;
    EXPECT_NE(line.find("CID Type 0C       Identity-H       yes yes yes"), std::string::npos) << line;
    EXPECT_EQ(line.find('+'), 6u) << "a subset font's name starts with a six-letter tag: " << line;
    faces.insert(line.substr(7, line.find(' ') - 7));
  }
  // GB/T 9704's faces: 仿宋 body, 小标宋-like title, 黑体 and 楷体 headings (宋体 tables).
  EXPECT_EQ(faces, (std::set<std::string>{"FandolFang-Regular", "FandolHei-Regular", "FandolKai-Regular", "FandolSong-Regular",
                                          "NotoSerifCJKsc-Bold"}));
}

// A CID-keyed CFF program (every face of the default profile) names its
// glyphs by CID through its charset, and a subset keeps the whole face's
// CIDs: text drawn by the subset's glyph numbers instead shows other glyphs,
// or none, in Acrobat and pdf.js — while poppler, reading a program wrapped
// as OpenType, took them for glyph numbers and showed it right. And a viewer
// places each next glyph by the width the CIDFont declares (W, else DW), so
// that must be the advance the glyph's own charstring gives.
TEST_F(Pdf, EveryCodeDrawnNamesAGlyphOfItsEmbeddedProgramAtItsOwnWidth) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  auto fonts = glyphs();
  ASSERT_EQ(fonts.size(), 5u) << fonts.dump();
  for (const auto& [name, f] : fonts.items()) {
    EXPECT_EQ(f["program"], "CIDFontType0C") << name;
    EXPECT_TRUE(f["cid_keyed"].get<bool>()) << name;
    EXPECT_EQ(f["system_info"], f["program_ros"]) << name << ": the CIDFont names another character collection than its program";
    EXPECT_GT(f["codes"].get<int>(), 10) << name;
    EXPECT_TRUE(f["missing"].empty()) << name << " draws codes its program has no glyph for: " << f["missing"].dump();
    EXPECT_EQ(f["widths_checked"], f["codes"]) << name;
    EXPECT_TRUE(f["wrong_widths"].empty()) << name << " declares widths [code, declared, the program's] its glyphs do not have: "
                                           << f["wrong_widths"].dump();
  }
}

TEST_F(Pdf, TheTitleBreaksAfterTheAgencyOrWhereItsTemplateSays) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::istringstream lines(text("-f 1 -l 1"));
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(first, "官坡镇人民政府");
  EXPECT_EQ(second, "2023年政府信息公开工作年度报告");
  // A longer name that leaves the rest too long: between words, never inside one.
  edit("report.yaml", "agency: 官坡镇人民政府", "agency: 河南省三门峡市卢氏县官坡镇人民政府办公室");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  const fs::path long_pdf = dir / "out" / "河南省三门峡市卢氏县官坡镇人民政府办公室2023年政府信息公开工作年度报告.pdf";
  std::istringstream long_lines(tool("pdftotext -enc UTF-8 -f 1 -l 1 '" + long_pdf.string() + "' -"));
  std::getline(long_lines, first);
  std::getline(long_lines, second);
  EXPECT_EQ(first + second, "河南省三门峡市卢氏县官坡镇人民政府办公室2023年政府信息公开工作年度报告");
  for (const char* word : {"政府", "信息", "公开", "工作", "年度", "报告", "人民政府", "办公室"})
    EXPECT_FALSE(first.ends_with(std::string(word).substr(0, 3)) && second.starts_with(std::string(word).substr(3))) << first << " / " << second;
  // A \n in the title template forces the break.
  spit(dir / "county.yaml", "document:\n  title: \"{year}年\\n{agency}政府信息公开工作年度报告\"\n");
  edit("manifest.yaml", "output_dir: out", "output_dir: out\nprofile: county.yaml");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  const fs::path forced = dir / "out" / "2023年河南省三门峡市卢氏县官坡镇人民政府办公室政府信息公开工作年度报告.pdf";
  ASSERT_TRUE(fs::exists(forced)) << "the file name is the title on one line";
  std::istringstream forced_lines(tool("pdftotext -enc UTF-8 -f 1 -l 1 '" + forced.string() + "' -"));
  std::getline(forced_lines, first);
  EXPECT_EQ(first, "2023年");
}

TEST_F(Pdf, AFaceThatIsNotInstalledNamesItsPackage) {
  edit("manifest.yaml", "outputs: [pdf]", "outputs: [{plugin: pdf, body_font: Noto Sans CJK ZZ}]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("pdf option body_font: font Noto Sans CJK ZZ is not installed (install the Debian package fonts-noto-cjk)"),
            std::string::npos)
      << r.err;
  edit("manifest.yaml", "body_font: Noto Sans CJK ZZ", "body_font: \"FandolFang:Italic\"");
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("font FandolFang:Italic: the family has no style Italic (it has: Regular)"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Pdf, EveryHeadingParagraphAndNumberCanBeExtracted) {
  // Numbers that differ from each other, so that each can be found.
  edit("report.yaml", "normative_documents: {made: 0, repealed: 0, valid: 0}", "normative_documents: {made: 3, repealed: 1, valid: 27}");
  edit("report.yaml", "administrative_fees: {amount: 0}", "administrative_fees: {amount: 59237.2449}");
  edit("report.yaml", "administrative_penalty: {decisions: 0}", "administrative_penalty: {decisions: 416}");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string all = squeeze(text());
  EXPECT_NE(all.find(squeeze(kTitle)), std::string::npos);
  for (const char* h : {"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"})
    EXPECT_NE(all.find(h), std::string::npos) << h;
  YAML::Node data = YAML::LoadFile((dir / "report.yaml").string());
  int paragraphs = 0;
  for (const char* section : {"overview", "problems", "other"}) {
    std::istringstream in(data["text"][section].as<std::string>());
    std::string p;
    while (std::getline(in, p)) {
      if (squeeze(p).empty()) continue;
      ++paragraphs;
      EXPECT_NE(all.find(squeeze(p)), std::string::npos) << p;
    }
  }
  EXPECT_EQ(paragraphs, 16);
  for (const char* label : {"第二十条第（一）项", "行政规范性文件", "本年收费金额（单位：万元）", "申请人情况", "1.属于国家秘密",
                            "（七）总计", "四、结转下年度继续办理", "未经复议直接起诉", "复议后起诉"})
    EXPECT_NE(all.find(squeeze(label)), std::string::npos) << label;
  // Table numbers, as their cells show them (pdftotext -layout keeps cells apart).
  std::istringstream words(text("-layout"));
  std::multiset<std::string> tokens;
  for (std::string w; words >> w;) tokens.insert(w);
  for (const char* n : {"3", "1", "27", "416", "59237.2449"}) EXPECT_TRUE(tokens.count(n)) << n;
  EXPECT_GE(tokens.count("0"), 195u) << "200 value cells, 195 of them 0";
}

TEST_F(Pdf, NoLineStartsWithClosingPunctuation) {
  std::string heavy = "  overview: |\n    ";
  for (int i = 0; i < 30; ++i)
    heavy += "依照《条例》第" + std::to_string(i) + "条（含“三安全一稳定”的规定）办理、答复；是否公开？已公开！见「附件」，完毕。";
  heavy += "\n";
  std::string yaml = slurp(dir / "report.yaml");
  auto a = yaml.find("  overview: |");
  auto b = yaml.find("  problems: |");
  yaml.replace(a, b - a, heavy);
  spit(dir / "report.yaml", yaml);
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::istringstream lines(text());
  const std::u32string closing = U"，。、；：？！）」》”’";
  const std::u32string opening = U"（「《“‘";
  int checked = 0;
  for (std::string l; std::getline(lines, l);) {
    std::u32string u = nianbao::to_u32(l);
    while (!u.empty() && (u.back() == U' ' || u.back() == U'\f')) u.pop_back();
    while (!u.empty() && (u.front() == U' ' || u.front() == U'\f')) u.erase(u.begin());
    if (u.empty()) continue;
    ++checked;
    EXPECT_EQ(closing.find(u.front()), std::u32string::npos) << "line starts with a closing mark: " << l;
    EXPECT_EQ(opening.find(u.back()), std::u32string::npos) << "line ends with an opening mark: " << l;
  }
  EXPECT_GT(checked, 60);
}

TEST_F(Pdf, LongTableContinuesOnTheNextPageWithItsHeaderRows) {
  edit("manifest.yaml", "outputs: [pdf]", "outputs: [{plugin: pdf, table_size: 16}]");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  int with_header = 0, n = pages();
  for (int p = 1; p <= n; ++p) {
    std::string page = squeeze(text("-f " + std::to_string(p) + " -l " + std::to_string(p)));
    if (page.find("申请人情况") != std::string::npos && page.find("法人或其他组织") != std::string::npos) ++with_header;
  }
  EXPECT_GE(with_header, 2) << "the applications table should run over a page and repeat its header rows";
  // Nothing of the table is lost on the way.
  std::string all = squeeze(text());
  for (const char* label : {"2.重复申请", "3.其他", "（七）总计", "行政许可"})
    EXPECT_NE(all.find(squeeze(label)), std::string::npos) << label;
}

TEST_F(Pdf, PageNumbersAndSignature) {
  edit("report.yaml", "tables:", "signature: {name: 官坡镇人民政府, date: 2024-01-20}\ntables:");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  int n = pages();
  ASSERT_GE(n, 3);
  for (int p = 1; p <= n; ++p)
    // -raw: pdftotext's layout mode drops FandolFang's narrow spaces, its content order keeps them.
    EXPECT_NE(text("-raw -f " + std::to_string(p) + " -l " + std::to_string(p)).find("— " + std::to_string(p) + " —"), std::string::npos) << p;
  std::string last = squeeze(text("-f " + std::to_string(n) + " -l " + std::to_string(n)));
  EXPECT_NE(last.find("官坡镇人民政府2024年1月20日"), std::string::npos) << last;
}

TEST_F(Pdf, RerunGivesIdenticalBytesAndTheDateComesFromTheData) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string first = slurp(pdf());
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  EXPECT_EQ(slurp(pdf()), first);
  std::string info = tool("pdfinfo '" + pdf().string() + "'");
  EXPECT_NE(info.find("Author:          官坡镇人民政府"), std::string::npos) << info;
  EXPECT_NE(info.find("Title:           " + kTitle), std::string::npos) << info;
  EXPECT_NE(info.find("CreationDate:    Mon Jan  1 00:00:00 2024 UTC"), std::string::npos) << info;
}

TEST_F(Pdf, CharacterNoFontHasIsAnErrorNamingItAndWhere) {
  edit("report.yaml", "（二）依申请公开：", "（二）依申请公开：𠀀");
  edit("manifest.yaml", "outputs: [pdf]", "outputs: [text, pdf]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("字符“𠀀”（U+20000）"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("出现在：一、总体情况 第2段"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty()) << "not even the text output of the report";
}

TEST_F(Pdf, FallbackFontCoversWhatTheBodyFontLacks) {
  // 刏 (U+520F) is missing from FandolFang but Noto Serif CJK SC has it.
  edit("report.yaml", "（二）依申请公开：", "（二）依申请公开：刏");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  EXPECT_NE(squeeze(text()).find("依申请公开：刏"), std::string::npos);
  // The fallback face is embedded like the others, its one character drawn by a CID it has.
  bool fallback = false;
  const nlohmann::json fonts = glyphs();
  for (const auto& [name, f] : fonts.items()) {
    EXPECT_TRUE(f["missing"].empty()) << f["font"] << ": " << f["missing"].dump();
    EXPECT_TRUE(f["wrong_widths"].empty()) << f["font"] << ": " << f["wrong_widths"].dump();
    if (f["font"].get<std::string>().ends_with("+NotoSerifCJKsc-Regular")) fallback = f["codes"] == 1;
  }
  EXPECT_TRUE(fallback) << fonts.dump();
  edit("manifest.yaml", "outputs: [pdf]", "outputs: [{plugin: pdf, fallback_fonts: \"\"}]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("U+520F"), std::string::npos) << r.err;
}

TEST_F(Pdf, MissingFontFileIsAConfigurationError) {
  edit("manifest.yaml", "outputs: [pdf]", "outputs: [{plugin: pdf, body_font: /nonexistent/fangsong.ttf}]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("font file not found: /nonexistent/fangsong.ttf"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty());
}

}  // namespace
