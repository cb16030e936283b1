// The csv input as a county office uses it: a roster of agencies, tables
// exported from Excel in the official layout (GB18030 or UTF-8), combined
// with YAML text, and every kind of broken file.
#include "cli_fixture.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <tuple>

using namespace e2e;

namespace {

const fs::path kCounty = fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo";
const fs::path kCsvData = fs::path(NIANBAO_TEST_DATA) / "csv";

class Csv : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    fs::copy(kCounty, dir / "county", fs::copy_options::recursive);
    fs::remove_all(dir / "county/out");
    fs::copy_file(kCsvData / "applications-utf8.csv", dir / "applications.csv");
  }

  // A manifest for 官坡镇 from YAML plus the given extra inputs.
  void manifest(const std::string& yaml_path, const std::string& more_inputs) {
    spit(dir / "manifest.yaml", "form: gov-info-disclosure-2021\noutput_dir: out\nreports:\n  - id: guanpo-2023\n    inputs:\n"
                                "      - {plugin: yaml, path: " + yaml_path + "}\n" + more_inputs + "    outputs: [text]\n");
  }
  static std::string csv_input(const std::string& path, const std::string& table, const std::string& extra = "") {
    return "      - {plugin: csv, path: " + path + ", table: " + table + extra + "}\n";
  }
  std::string exported_tables(const std::string& applications) {
    return csv_input("county/guanpo/proactive.csv", "proactive") + csv_input(applications, "applications") +
           csv_input("county/guanpo/appeals.csv", "appeals");
  }
  std::string golden() { return slurp(fs::path(NIANBAO_TEST_DATA) / "e2e/guanpo-2023.txt"); }
};

TEST_F(Csv, CountySampleReportsExactlyThePlantedFailures) {
  Outcome r = run("check county/manifest.yaml --json");
  EXPECT_EQ(r.rc, 65) << r.err;
  auto account = nlohmann::json::parse(r.out);
  EXPECT_EQ(account["schema"], "nianbao-check/1");
  auto findings = account["findings"];
  using F = std::tuple<std::string, std::string, std::string>;  // report, rule, position of the planted cell
  std::set<F> expected = {
      {"lushi-2023/杜关镇人民政府-2023", "R1", "roster.csv:3:GF"},
      {"lushi-2023/杜关镇人民政府-2023", "R1", "roster.csv:3:GL"},
      {"lushi-2023/卢氏县市场监督管理局-2023", "R3", "roster.csv:12:Z"},
      {"lushi-2023/卢氏县市场监督管理局-2023", "R1", "roster.csv:12:Z"},
      {"lushi-2023/五里川镇人民政府-2023", "R5", "roster.csv:4:EG"},
      {"lushi-2023/朱阳关镇人民政府-2023", "R9", "roster.csv:5:J"},
      {"lushi-2023/朱阳关镇人民政府-2023", "R9", "roster.csv:5:L"},
      {"lushi-2023/卢氏县公安局-2023", "R4", "roster.csv:14:GQ"},
      // Not planted: the real 官坡镇 report says nothing of 考核、评议、追究 (a warning).
      {"guanpo-2023", "R14", "text.yaml:14:13"},
  };
  ASSERT_EQ(findings.size(), expected.size()) << findings.dump(1);
  std::set<F> seen;
  for (const auto& f : findings) {
    bool matched = false;
    for (const auto& c : f["cells"]) {
      std::string pos = c["position"].get<std::string>();
      pos = pos.substr(pos.rfind('/') + 1);
      F k{f["report"], f["rule"], pos};
      if (expected.count(k) && !seen.count(k)) {
        seen.insert(k);
        matched = true;
        break;
      }
    }
    EXPECT_TRUE(matched) << f.dump(1);
  }
  EXPECT_EQ(seen, expected);
}

TEST_F(Csv, CountySampleBuildsEveryReportThatPasses) {
  Outcome r = run("build county/manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir / "county/out"))
    if (e.path().filename() != ".nianbao.lock") files.push_back(e.path().filename().string());
  // 9 of 14 roster agencies pass, 官坡镇, 卫健委 (its workbook), and the county workbook
  EXPECT_EQ(files.size(), 34u);  // .txt, .xlsx and .pdf for each
  EXPECT_TRUE(fs::exists(dir / "county/out/政府信息公开工作年度报告汇总.xlsx"));
  EXPECT_EQ(slurp(dir / "county/out" / (kTitle + ".txt")), golden());
  std::string edu = slurp(dir / "county/out/卢氏县教育局2023年政府信息公开工作年度报告.txt");
  EXPECT_NE(edu.find("我局围绕教育经费使用"), std::string::npos) << "text taken from texts/*.txt";
  EXPECT_NE(edu.find("2024年1月26日"), std::string::npos);
  std::string health = slurp(dir / "county/out/卢氏县卫生健康委员会2023年政府信息公开工作年度报告.txt");
  EXPECT_NE(health.find("我委围绕医疗服务"), std::string::npos) << "text read from the returned workbook";
  EXPECT_NE(health.find("2024年1月22日"), std::string::npos) << "its 落款日期, from the cover sheet";
}

TEST_F(Csv, Gb18030FileReadsLikeItsUtf8Twin) {
  fs::copy_file(kCsvData / "applications-gb18030.csv", dir / "applications-gb.csv");
  manifest("county/guanpo/text.yaml", exported_tables("applications-gb.csv"));
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string from_gb = slurp(report_txt());
  manifest("county/guanpo/text.yaml", exported_tables("applications.csv"));
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  EXPECT_EQ(slurp(report_txt()), from_gb);
  EXPECT_EQ(from_gb, golden());
}

TEST_F(Csv, ForcedEncodingThatDoesNotFitIsAClearError) {
  fs::copy_file(kCsvData / "applications-gb18030.csv", dir / "applications-gb.csv");
  manifest("county/guanpo/text.yaml", csv_input("applications-gb.csv", "applications", ", encoding: utf-8"));
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("applications-gb.csv:1:1: not UTF-8 text"), std::string::npos) << r.err;
}

TEST_F(Csv, CellGivenByTwoInputsNamesBoth) {
  manifest("report.yaml", csv_input("applications.csv", "applications"));
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("重复填写"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("report.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("applications.csv:5:E: 三、收到和处理政府信息公开申请情况 · 二、上年结转政府信息公开申请数量 · 商业企业：重复填写，此前已在 " + position_of("report.yaml", "carried_over:", "0, research") + " 填写"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Csv, UnknownRowLabelSuggestsTheNearestWithItsCell) {
  edit("applications.csv", "一、本年新收政府信息公开申请数量,", "一、本年新收政府信息公开申请数,");
  manifest("county/guanpo/text.yaml", exported_tables("applications.csv"));
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("applications.csv:4:A: 三、收到和处理政府信息公开申请情况：未知的行“一、本年新收政府信息公开申请数”，"
                       "是否应为“一、本年新收政府信息公开申请数量”？"),
            std::string::npos)
      << r.err;
}

TEST_F(Csv, NonNumberNamesTheSpreadsheetCell) {
  edit("applications.csv", "二、上年结转政府信息公开申请数量,,,0,0,0", "二、上年结转政府信息公开申请数量,,,0,0,三");
  manifest("county/guanpo/text.yaml", exported_tables("applications.csv"));
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("applications.csv:5:F: 三、收到和处理政府信息公开申请情况 · 二、上年结转政府信息公开申请数量 · 科研机构：应为非负整数"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Csv, NegativeCountIsRefused) {
  edit("applications.csv", "二、上年结转政府信息公开申请数量,,,0", "二、上年结转政府信息公开申请数量,,,-2");
  manifest("county/guanpo/text.yaml", exported_tables("applications.csv"));
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("applications.csv:5:D: 三、收到和处理政府信息公开申请情况 · 二、上年结转政府信息公开申请数量 · 自然人：不能为负数"),
            std::string::npos)
      << r.err;
}

TEST_F(Csv, EmptyCellIsBlankAndTheChecksSaySo) {
  edit("applications.csv", "二、上年结转政府信息公开申请数量,,,0", "二、上年结转政府信息公开申请数量,,,");
  manifest("county/guanpo/text.yaml", exported_tables("applications.csv"));
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.out.find("R5 三、收到和处理政府信息公开申请情况 · 二、上年结转政府信息公开申请数量 · 自然人：未填写"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("applications.csv:5:D  applications.carried_over.natural_person = 空白"), std::string::npos) << r.out;
}

TEST_F(Csv, DuplicateRowIsAnError) {
  std::string s = slurp(dir / "applications.csv");
  s += "一、本年新收政府信息公开申请数量,,,1,0,0,0,0,0,1\r\n";
  spit(dir / "applications.csv", s);
  manifest("county/guanpo/text.yaml", exported_tables("applications.csv"));
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("行“一、本年新收政府信息公开申请数量”重复，第 4 行已经填写"), std::string::npos) << r.err;
}

TEST_F(Csv, HalfWidthLabelsAndSplitHeadersAreTolerated) {
  edit("applications.csv", "（一）予以公开", "(一) 予以公开");
  edit("applications.csv", "社会公益组织", "\"社会公益\n组织\"");
  manifest("county/guanpo/text.yaml", exported_tables("applications.csv"));
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(report_txt()), golden());
}

TEST_F(Csv, MergedCellsRepeatedInEverySlotAsWpsExportsThem) {
  fs::copy_file(kCsvData / "applications-repeated.csv", dir / "applications-repeated.csv");
  manifest("county/guanpo/text.yaml", exported_tables("applications-repeated.csv"));
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(report_txt()), golden());
}

TEST_F(Csv, UnknownColumnHeaderSuggestsTheNearest) {
  edit("applications.csv", ",,,自然人,", ",,,自然,");
  manifest("county/guanpo/text.yaml", exported_tables("applications.csv"));
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("applications.csv:4:D: 三、收到和处理政府信息公开申请情况：这一列的表头“自然”不是本表的列，是否应为“自然人”？"),
            std::string::npos)
      << r.err;
}

TEST_F(Csv, SimpleGridByKeysWorksToo) {
  std::string grid = "row,natural_person,commercial,research,social_welfare,legal_service,other_org,total\n";
  for (const char* row : {"new_received", "carried_over", "r1_granted", "r2_partial", "r3_1_state_secret", "r3_2_other_law",
                          "r3_3_three_safety", "r3_4_third_party", "r3_5_internal_affairs", "r3_6_process_info",
                          "r3_7_enforcement_file", "r3_8_admin_query", "r4_1_not_held", "r4_2_needs_creation",
                          "r4_3_still_unclear", "r5_1_petition", "r5_2_repeated", "r5_3_publication", "r5_4_mass_repeated",
                          "r5_5_confirm", "r6_1_no_correction", "r6_2_fee_unpaid", "r6_3_other", "r7_total", "carry_forward"})
    grid += std::string(row) + ",0,0,0,0,0,0,0\n";
  spit(dir / "grid.csv", grid);
  manifest("county/guanpo/text.yaml", csv_input("county/guanpo/proactive.csv", "proactive") + csv_input("grid.csv", "applications") +
                                          csv_input("county/guanpo/appeals.csv", "appeals"));
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(report_txt()), golden());
}

TEST_F(Csv, UnknownTableOptionIsAConfigurationError) {
  manifest("county/guanpo/text.yaml", csv_input("applications.csv", "aplications"));
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("unknown table 'aplications', did you mean 'applications'?"), std::string::npos) << r.err;
}

TEST_F(Csv, RosterWithUnknownColumnSuggestsTheKey) {
  edit("county/roster.csv", "applications.new_received.natural_person", "applications.new_recieved.natural_person");
  Outcome r = run("check county/manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("lushi-2023: county/roster.csv:1:T: 名册的列名“applications.new_recieved.natural_person”不认识，是否应为"
                       "“applications.new_received.natural_person”？"),
            std::string::npos)
      << r.err;
}

TEST_F(Csv, BrokenFilesGiveOneClearErrorAndNoOutput) {
  struct Case {
    std::string name, bytes, message;
  };
  std::vector<Case> cases = {
      {"empty", "", "the file is empty"},
      {"blank", "\r\n\r\n", "the file is empty"},
      {"unclosed", "一、本年新收政府信息公开申请数量,,,\"0,0\n", "unclosed quote"},
      {"after-quote", "\"一、本年新收政府信息公开申请数量\"x,,,0\n", "text after a closing quote"},
      {"binary", std::string("PK\x03\x04\x00\x00\x08\x00", 8) + std::string(64, '\0'), "not a text file"},
  };
  for (const auto& c : cases) {
    spit(dir / (c.name + ".csv"), c.bytes);
    manifest("county/guanpo/text.yaml", csv_input(c.name + ".csv", "applications"));
    Outcome r = run("build manifest.yaml");
    EXPECT_EQ(r.rc, 65) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.name + ".csv:"), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << ": " << r.err;
    EXPECT_TRUE(out_files().empty()) << c.name;
  }
}

}  // namespace
