// The xlsx output read back as a spreadsheet program reads it (openpyxl):
// every label and number of the form in its cell, the merged ranges equal to
// the form's spans, print setup, findings, and the county workbook.
#include "cli_fixture.hpp"

#include <nianbao/form.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace e2e;

namespace {

std::string letters(int column) {
  std::string s;
  for (int c = column; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

// Grid (row, col) of a table → sheet coordinate: the table starts on row 2,
// below the sheet's heading.
std::string at(int row, int col) { return letters(col + 1) + std::to_string(row + 2); }

class Xlsx : public Cli {
 protected:
  nlohmann::json read_back(const fs::path& workbook) {
    fs::path json = dir / "readback.json";
    std::string cmd = "/usr/bin/python3 '" + std::string(NIANBAO_SOURCE_DIR) + "/tests/e2e/xlsx_readback.py' '" +
                      workbook.string() + "' > '" + json.string() + "'";
    if (std::system(cmd.c_str()) != 0) {
      ADD_FAILURE() << "cannot read the workbook back (is python3-openpyxl installed?): " << workbook;
      return {};
    }
    return nlohmann::json::parse(slurp(json));
  }
  fs::path report_xlsx() { return dir / "out" / (kTitle + ".xlsx"); }
};

TEST_F(Xlsx, EveryLabelAndNumberStandsWhereTheFormPutsIt) {
  // A few non-zero values that keep the rules, including a 万元 amount with four places.
  edit("report.yaml", "administrative_fees: {amount: 0}", "administrative_fees: {amount: 59237.2449}");
  edit("report.yaml", "normative_documents: {made: 0, repealed: 0, valid: 0}", "normative_documents: {made: 2, repealed: 1, valid: 12}");
  edit("report.yaml", "administrative_license: {decisions: 0}", "administrative_license: {decisions: 7}");
  std::map<std::string, double> values = {{"proactive.administrative_fees.amount", 59237.2449},
                                          {"proactive.normative_documents.made", 2},
                                          {"proactive.normative_documents.repealed", 1},
                                          {"proactive.normative_documents.valid", 12},
                                          {"proactive.administrative_license.decisions", 7}};
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  nlohmann::json wb = read_back(report_xlsx());
  ASSERT_FALSE(wb.is_null());
  EXPECT_EQ(wb["properties"]["title"], kTitle);
  EXPECT_EQ(wb["properties"]["creator"], "官坡镇人民政府");

  nianbao::Form form = nianbao::Form::load(NIANBAO_FORM_2021);
  std::size_t sheet = 0;
  for (const auto& section : form.sections) {
    if (section.kind != nianbao::SectionDef::Kind::table) continue;
    const nianbao::TableDef& t = *form.table(section.key);
    ASSERT_LT(sheet, wb["sheets"].size());
    const auto& ws = wb["sheets"][sheet++];
    EXPECT_EQ(ws["name"], section.heading);
    EXPECT_EQ(ws["cells"]["A1"], section.heading);
    std::set<std::string> merged{"A1:" + letters(t.grid_columns) + "1"};
    int value_cells = 0;
    for (const auto& g : t.cells) {
      std::string coord = at(g.row, g.col);
      if (g.rowspan > 1 || g.colspan > 1) merged.insert(coord + ":" + at(g.row + g.rowspan - 1, g.col + g.colspan - 1));
      if (g.role != nianbao::GridCell::Role::value) {
        EXPECT_EQ(ws["cells"].value(coord, nlohmann::json()), g.text) << section.heading << " " << coord;
        continue;
      }
      ++value_cells;
      std::string key = t.key + "." + g.row_key + "." + g.column_key;
      ASSERT_TRUE(ws["cells"].contains(coord)) << key << " at " << coord;
      ASSERT_TRUE(ws["cells"][coord].is_number()) << key << " at " << coord << " is " << ws["cells"][coord];
      EXPECT_DOUBLE_EQ(ws["cells"][coord].get<double>(), values.count(key) ? values[key] : 0.0) << key;
      EXPECT_EQ(ws["formats"][coord], key == "proactive.administrative_fees.amount" ? "0.0000" : "0") << key;
    }
    std::set<std::string> got(ws["merged"].begin(), ws["merged"].end());
    EXPECT_EQ(got, merged) << section.heading;
    int expected_cells = 0;
    for (const auto& r : t.rows) expected_cells += static_cast<int>(r.columns.size());
    EXPECT_EQ(value_cells, expected_cells);
    EXPECT_EQ(ws["paper"], 9) << "A4";
    EXPECT_TRUE(ws["fit_to_page"].get<bool>());
    EXPECT_EQ(ws["fit_to_width"], 1);
    EXPECT_EQ(ws["fit_to_height"], 0) << "as many pages long as needed";
    if (t.header_rows > 0) {
      EXPECT_EQ(ws["print_title_rows"], "$2:$" + std::to_string(1 + t.header_rows));
    }
    EXPECT_EQ(ws["orientation"], t.grid_columns > 10 ? "landscape" : "portrait") << section.heading;
  }
  ASSERT_EQ(wb["sheets"].size(), 4u);
  EXPECT_EQ(wb["sheets"][3]["name"], "检查结果");
  // The real 官坡镇 report says nothing of 考核、评议、追究: R14's warning, and nothing else.
  EXPECT_EQ(wb["sheets"][3]["cells"]["A2"], "R14");
  EXPECT_FALSE(wb["sheets"][3]["cells"].contains("A3"));
}

TEST_F(Xlsx, FindingsSheetListsRuleSeverityMessageAndCells) {
  edit("report.yaml", "new_received: {natural_person: 0", "new_received: {natural_person: 5");
  EXPECT_EQ(run("build manifest.yaml --write-invalid").rc, 65);
  nlohmann::json wb = read_back(report_xlsx());
  ASSERT_EQ(wb["sheets"].size(), 4u);
  const auto& f = wb["sheets"][3]["cells"];
  EXPECT_EQ(f["A1"], "规则");
  EXPECT_EQ(f["A2"], "R1");
  EXPECT_EQ(f["B2"], "错误");
  EXPECT_NE(f["C2"].get<std::string>().find("一+二=5，三（七）总计+四=0"), std::string::npos) << f["C2"];
  EXPECT_NE(f["D2"].get<std::string>().find("自然人 = 5（report.yaml:"), std::string::npos) << f["D2"];
}

TEST_F(Xlsx, DatesComeFromSourceDateEpochNeverTheClock) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  EXPECT_EQ(read_back(report_xlsx())["properties"]["created"], "2024-01-01T00:00:00");  // the year after the report
  std::string before = slurp(report_xlsx());
  ::setenv("SOURCE_DATE_EPOCH", "1706659200", 1);  // 2024-01-31
  Outcome r = run("build manifest.yaml");
  ::unsetenv("SOURCE_DATE_EPOCH");
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(read_back(report_xlsx())["properties"]["created"], "2024-01-31T00:00:00");
  EXPECT_NE(slurp(report_xlsx()), before);
}

TEST_F(Xlsx, CountyWorkbookShowsWhoIsWrong) {
  fs::copy(fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo", dir / "county", fs::copy_options::recursive);
  fs::remove_all(dir / "county/out");
  EXPECT_EQ(run("build county/manifest.yaml").rc, 65);
  nlohmann::json wb = read_back(dir / "county/out/政府信息公开工作年度报告汇总.xlsx");
  ASSERT_EQ(wb["sheets"].size(), 2u);
  const auto& ws = wb["sheets"][0];
  EXPECT_EQ(ws["header_left"], "政府信息公开工作年度报告汇总") << "every printed page names whose it is";
  const auto& cells = ws["cells"];
  EXPECT_EQ(ws["name"], "汇总");
  EXPECT_EQ(ws["freeze"], "A2");
  EXPECT_EQ(ws["autofilter"], "A1:K17");
  std::vector<std::string> head;
  for (int c = 1; c <= 11; ++c) head.push_back(cells.value(letters(c) + "1", std::string()));
  EXPECT_EQ(head, (std::vector<std::string>{"单位", "类型", "年度", "本年新收申请", "上年结转申请", "办理结果总计",
                                            "结转下年度", "行政复议", "行政诉讼", "检查结果", "说明"}));
  std::map<std::string, std::string> verdicts;
  std::vector<std::string> kinds;
  for (int r = 2; r <= 17; ++r) {
    std::string agency = cells[at(r - 2, 0)];
    std::string verdict = cells[at(r - 2, 9)];
    verdicts[agency] = verdict;
    kinds.push_back(cells[at(r - 2, 1)]);
    const bool failing = verdict.rfind("错误", 0) == 0, warned = verdict.rfind("警告", 0) == 0;
    EXPECT_EQ(ws["fills"].value("A" + std::to_string(r), std::string()), failing ? "F4CCCC" : warned ? "FFF2CC" : "") << agency;
  }
  EXPECT_EQ(verdicts["杜关镇人民政府"], "错误：R1");
  EXPECT_EQ(verdicts["卢氏县市场监督管理局"], "错误：R1、R3");
  EXPECT_EQ(verdicts["五里川镇人民政府"], "错误：R5");
  EXPECT_EQ(verdicts["朱阳关镇人民政府"], "错误：R9");
  EXPECT_EQ(verdicts["卢氏县公安局"], "错误：R4");
  EXPECT_EQ(verdicts["官坡镇人民政府"], "警告：R14");  // the real report's text, as published
  EXPECT_EQ(verdicts["卢氏县卫生健康委员会"], "通过");  // from its returned workbook
  int passing = 0;
  for (const auto& [a, v] : verdicts) passing += v == "通过";
  EXPECT_EQ(passing, 10);
  // Sorted by kind in the form's order: townships first, the departments last.
  EXPECT_EQ(kinds.front(), "乡镇人民政府");
  EXPECT_EQ(kinds.back(), "县级人民政府部门");
  EXPECT_TRUE(std::is_sorted(kinds.begin(), kinds.end(), [](const std::string& a, const std::string& b) {
    const std::vector<std::string> order = {"乡镇人民政府", "街道办事处", "县级人民政府", "县级人民政府部门"};
    return std::find(order.begin(), order.end(), a) < std::find(order.begin(), order.end(), b);
  }));
  // The follow-up list: each finding with whom to call, where and what.
  const auto& list = wb["sheets"][1];
  EXPECT_EQ(list["name"], "问题清单");
  const auto& rows = list["cells"];
  std::vector<std::string> list_head;
  for (int c = 1; c <= 8; ++c) list_head.push_back(rows.value(letters(c) + "1", std::string()));
  EXPECT_EQ(list_head, (std::vector<std::string>{"单位", "联系电话", "规则", "严重程度", "问题（应为与实为）", "涉及的表格与栏目",
                                                 "位置（文件与单元格）", "数值"}));
  int listed = 0;
  bool r9 = false;
  for (int r = 2; rows.contains("A" + std::to_string(r)); ++r) {
    ++listed;
    if (rows["A" + std::to_string(r)] != "朱阳关镇人民政府" || rows["C" + std::to_string(r)] != "R9") continue;
    r9 = true;
    EXPECT_FALSE(rows.value("B" + std::to_string(r), std::string()).empty()) << "no telephone to call";
    EXPECT_NE(rows["E" + std::to_string(r)].get<std::string>().find("应为0，实为1"), std::string::npos);
    EXPECT_NE(rows["F" + std::to_string(r)].get<std::string>().find("规章"), std::string::npos);
    EXPECT_EQ(rows["G" + std::to_string(r)].get<std::string>().rfind("county/roster.csv:5:", 0), 0u) << rows["G" + std::to_string(r)];
    EXPECT_EQ(rows["H" + std::to_string(r)], "1");
  }
  EXPECT_TRUE(r9);
  EXPECT_EQ(listed, 9);  // the eight planted findings, and 官坡镇's R14 warning
  // The key totals are the report's numbers: 官坡镇 received nothing.
  for (int r = 2; r <= 17; ++r)
    if (cells[at(r - 2, 0)] == "官坡镇人民政府") {
      EXPECT_EQ(cells[at(r - 2, 3)], 0);
    }
}

}  // namespace
