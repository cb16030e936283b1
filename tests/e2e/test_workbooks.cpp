// A county's data collection, as its office and its agencies go through it:
// fill-in workbooks out in December (`nianbao template`), filled in with a
// spreadsheet program, read back in January (the xlsx input) into the same
// report, byte for byte, as the agency's YAML; the checks recomputed in the
// workbook as the clerk types; rosters headed in Chinese; one agency's bad
// row costing only that agency; every problem of an input in one run.
#include "cli_fixture.hpp"

#include <nianbao/form.hpp>
#include <nianbao/grid_input.hpp>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

using namespace e2e;
using nlohmann::json;

namespace {


class Workbooks : public Cli {
 protected:
  // Runs a few lines of Python (openpyxl) with the test folder as cwd.
  std::string python(const std::string& code) {
    spit(dir / "script.py", "import json, sys, openpyxl\n" + code);
    return tool("cd '" + dir.string() + "' && " + kPython + " script.py");
  }
  nlohmann::json read_back(const fs::path& workbook) {
    return json::parse(tool(kPython + " '" + std::string(NIANBAO_SOURCE_DIR) + "/tests/e2e/xlsx_readback.py' '" +
                            workbook.string() + "'"));
  }
  fs::path template_of(const std::string& title) { return dir / "templates" / (title + "-填报表.xlsx"); }

  // The sample's template, filled as the agency would: its texts from its
  // YAML, its numbers where the report workbook of its YAML has them (the
  // template's tables stand exactly where the form prints them).
  void fill_template_from_yaml(const fs::path& out) {
    ASSERT_EQ(run("build manifest.yaml").rc, 0);
    ASSERT_EQ(run("template manifest.yaml").rc, 0) << slurp(dir / "stderr.txt");
    YAML::Node y = YAML::LoadFile((dir / "report.yaml").string());
    json texts;
    for (auto it = y["text"].begin(); it != y["text"].end(); ++it) texts[it->first.as<std::string>()] = it->second.as<std::string>();
    spit(dir / "texts.json", texts.dump());
    python("texts = json.load(open('texts.json'))\n"
           "t = openpyxl.load_workbook(sys.argv[1] if len(sys.argv) > 1 else '" + template_of(kTitle).string() + "')\n"
           "src = openpyxl.load_workbook('out/" + kTitle + ".xlsx')\n"
           "heads = {'一、总体情况': 'overview', '五、存在的主要问题及改进情况': 'problems', '六、其他需要报告的事项': 'other'}\n"
           "for row in t['正文'].iter_rows(min_row=2):\n"
           "    key = heads.get(row[0].value)\n"
           "    if key in texts: row[1].value = texts[key]\n"
           "for ws in t.worksheets:\n"
           "    if ws.title not in src.sheetnames: continue\n"
           "    for row in ws.iter_rows():\n"
           "        for c in row:\n"
           "            if c.protection.locked is False:\n"
           "                v = src[ws.title][c.coordinate].value\n"
           "                if v is not None: c.value = int(v) if float(v).is_integer() else v\n"
           "t.save('" + out.string() + "')\n");
  }
  void manifest_of(const std::string& input, const std::string& out_dir) {
    spit(dir / "manifest.yaml", "form: gov-info-disclosure-2021\noutput_dir: " + out_dir +
                                    "\nreports:\n  - id: guanpo-2023\n    inputs:\n      - {plugin: xlsx, path: " + input +
                                    "}\n    outputs: [text, xlsx, pdf]\n");
  }
};

TEST_F(Workbooks, AFilledTemplateBuildsTheSameFilesAsItsYamlTwin) {
  fill_template_from_yaml(dir / "filled.xlsx");
  manifest_of("filled.xlsx", "out-xlsx");
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  for (const char* ext : {".txt", ".pdf"})
    EXPECT_EQ(slurp(dir / "out-xlsx" / (kTitle + ext)), slurp(dir / "out" / (kTitle + ext))) << ext << " differs from the YAML twin's";
  // The workbook too, but for where its 检查结果 sheet says the text came from (a cell, not a line).
  json from_xlsx = read_back(dir / "out-xlsx" / (kTitle + ".xlsx")), from_yaml = read_back(dir / "out" / (kTitle + ".xlsx"));
  for (int s = 0; s < 3; ++s) EXPECT_EQ(from_xlsx["sheets"][s], from_yaml["sheets"][s]) << s;
}

TEST_F(Workbooks, AnOdsSavedByLibreOfficeReadsTheSame) {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0) GTEST_SKIP() << "LibreOffice (soffice) is not installed";
  fill_template_from_yaml(dir / "filled.xlsx");
  tool("cd '" + dir.string() + "' && soffice --headless --norestore -env:UserInstallation=file://" + dir.string() +
       "/lo --convert-to ods filled.xlsx >/dev/null 2>&1");
  manifest_of("filled.ods", "out-ods");
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(dir / "out-ods" / (kTitle + ".txt")), slurp(dir / "out" / (kTitle + ".txt")));
}

TEST_F(Workbooks, ALabelMergedAcrossColumnsHasItsValueAfterTheMerge) {
  // A county's own cover: each label merged over two columns, the value in
  // the third, a note in the fourth.
  fill_template_from_yaml(dir / "filled.xlsx");
  python("wb = openpyxl.load_workbook('filled.xlsx')\n"
         "ws = wb['封面']\n"
         "ws.unmerge_cells('A1:C1'); ws.unmerge_cells('A2:C2')\n"
         "ws.insert_cols(2)\n"
         "for r in range(4, ws.max_row + 1):\n"
         "    if ws.cell(r, 1).value: ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)\n"
         "wb.save('merged.xlsx')\n");
  manifest_of("merged.xlsx", "out-merged");
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(dir / "out-merged" / (kTitle + ".txt")), slurp(dir / "out" / (kTitle + ".txt")));
}

TEST_F(Workbooks, TheOfficialLayoutOnOneSheetReadsTheSame) {
  // A county's own workbook: cover and texts on top, then the three tables
  // as the report workbook prints them, all on one sheet.
  fill_template_from_yaml(dir / "filled.xlsx");
  python("filled = openpyxl.load_workbook('filled.xlsx')\n"
         "tables = openpyxl.load_workbook('out/" + kTitle + ".xlsx')\n"
         "wb = openpyxl.Workbook(); ws = wb.active; ws.title = '年报'\n"
         "r = 1\n"
         "for name, first in (('封面', 4), ('正文', 2)):\n"
         "    for row in filled[name].iter_rows(min_row=first, max_col=2):\n"
         "        if row[0].value: ws.cell(r, 1, row[0].value); ws.cell(r, 2, row[1].value); r += 1\n"
         "for t in tables.worksheets[:3]:\n"
         "    r += 1\n"
         "    for row in t.iter_rows():\n"
         "        for c in row:\n"
         "            if c.value is not None: ws.cell(r + c.row - 1, c.column, c.value)\n"
         "    for m in t.merged_cells.ranges:\n"
         "        ws.merge_cells(start_row=r + m.min_row - 1, start_column=m.min_col, end_row=r + m.max_row - 1, end_column=m.max_col)\n"
         "    r += t.max_row\n"
         "wb.save('one-sheet.xlsx')\n");
  manifest_of("one-sheet.xlsx", "out-one");
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(slurp(dir / "out-one" / (kTitle + ".txt")), slurp(dir / "out" / (kTitle + ".txt")));
}

TEST_F(Workbooks, ADamagedWorkbookIsSaidToBeDamaged) {
  fill_template_from_yaml(dir / "filled.xlsx");
  // A character past Unicode, which liborcus would abort on.
  python("import zipfile\n"
         "src = zipfile.ZipFile('filled.xlsx')\n"
         "out = zipfile.ZipFile('damaged.xlsx', 'w')\n"
         "for item in src.infolist():\n"
         "    data = src.read(item.filename)\n"
         "    if item.filename == 'xl/worksheets/sheet1.xml': data = data.replace(b'<t>', b'<t>&#21127663;', 1)\n"
         "    out.writestr(item, data)\n"
         "out.close()\n");
  manifest_of("damaged.xlsx", "out-damaged");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65) << r.err;
  EXPECT_NE(r.err.find("damaged.xlsx: 工作簿已损坏（xl/worksheets/sheet1.xml 第 "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" 列有无效的字符引用）：请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out-damaged" / (kTitle + ".txt")));
  // A sheet cut short in the middle, which liborcus would abort on too.
  python("import zipfile\n"
         "src = zipfile.ZipFile('filled.xlsx')\n"
         "out = zipfile.ZipFile('damaged.xlsx', 'w')\n"
         "for item in src.infolist():\n"
         "    data = src.read(item.filename)\n"
         "    if item.filename == 'xl/worksheets/sheet2.xml': data = data[:data.rfind(b'<c ') + 6]\n"
         "    out.writestr(item, data)\n"
         "out.close()\n");
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65) << r.err;
  EXPECT_NE(r.err.find("damaged.xlsx: 工作簿已损坏（xl/worksheets/sheet2.xml 第 "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" 列内容不完整（文件可能被截断）"), std::string::npos) << r.err;
}

TEST_F(Workbooks, TheTemplateLeavesOnlyInputsOpenAndValidatesThem) {
  ASSERT_EQ(run("template manifest.yaml").rc, 0);
  json wb = read_back(template_of(kTitle));
  std::vector<std::string> names;
  for (const auto& s : wb["sheets"]) names.push_back(s["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"封面", "正文", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                             "四、政府信息公开行政复议、行政诉讼情况"}));
  for (const auto& s : wb["sheets"]) {
    EXPECT_TRUE(s["protected"].get<bool>()) << s["name"];
    EXPECT_EQ(s["header_left"], "官坡镇人民政府") << s["name"] << ": the printed page names the agency";
    EXPECT_EQ(s["paper"], 9) << "A4";
  }
  // The cover, prefilled from what the manifest knows.
  const auto& cover = wb["sheets"][0]["cells"];
  EXPECT_EQ(cover["A4"], "单位名称");
  EXPECT_EQ(cover["B4"], "官坡镇人民政府");
  EXPECT_EQ(cover["B5"], "2023");
  EXPECT_EQ(cover["B6"], "乡镇人民政府");
  // The applications table: every value cell open and validated, no label open.
  const auto& t = wb["sheets"][3];
  std::set<std::string> open(t["unlocked"].begin(), t["unlocked"].end());
  EXPECT_EQ(open.size(), 25u * 7u) << "each of the table's 25 rows has 7 columns to fill";
  EXPECT_FALSE(open.count("A5"));
  std::set<std::string> validated;
  for (const auto& v : t["validations"]) {
    EXPECT_EQ(v["type"], "custom");
    EXPECT_NE(v["formula1"].get<std::string>().find("INT("), std::string::npos) << "counts are whole numbers";
    EXPECT_NE(v["prompt"].get<std::string>().find("不适用的填 /"), std::string::npos);
    std::istringstream cells(v["sqref"].get<std::string>());
    for (std::string c; cells >> c;) validated.insert(c);
  }
  EXPECT_EQ(validated, open);
  // The 勾稽 checks are formulas beside the rows and under the columns.
  int formulas = 0;
  for (const auto& [coord, value] : t["cells"].items())
    formulas += value.is_string() && value.get<std::string>().rfind("=IF(COUNTA(", 0) == 0;
  EXPECT_EQ(formulas, 25 + 2 * 7) << "R3 for each row, R1 and R2 for each column";
  // 万元 is a decimal, not a count.
  const auto& p = wb["sheets"][2];
  bool amount = false;
  for (const auto& v : p["validations"])
    amount = amount || v["formula1"].get<std::string>().find("INT(") == std::string::npos;
  EXPECT_TRUE(amount);
}

TEST_F(Workbooks, TheChecksRecomputeAsTheClerkTypes) {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0) GTEST_SKIP() << "LibreOffice (soffice) is not installed";
  ASSERT_EQ(run("template manifest.yaml").rc, 0);
  // Everything 0 but one new application from a person: R3 (its row) and
  // R1 (its column) break, every other check holds.
  python("t = openpyxl.load_workbook('" + template_of(kTitle).string() + "')\n"
         "for ws in t.worksheets[2:]:\n"
         "    for row in ws.iter_rows():\n"
         "        for c in row:\n"
         "            if c.protection.locked is False: c.value = 0\n"
         "t['三、收到和处理政府信息公开申请情况']['D5'] = 3\n"
         "t.save('filled.xlsx')\n");
  tool("cd '" + dir.string() + "' && soffice --headless --norestore -env:UserInstallation=file://" + dir.string() +
       "/lo --convert-to xlsx:'Calc MS Excel 2007 XML' --outdir recalculated filled.xlsx >/dev/null 2>&1");
  std::string results = python("wb = openpyxl.load_workbook('recalculated/filled.xlsx', data_only=True)\n"
                               "out = {}\n"
                               "for ws in wb.worksheets[2:]:\n"
                               "    for row in ws.iter_rows():\n"
                               "        for c in row:\n"
                               "            if isinstance(c.value, str) and c.value[:1] in '✓✗○': out[ws.title + '!' + c.coordinate] = c.value\n"
                               "print(json.dumps(out, ensure_ascii=False))\n");
  json status = json::parse(results);
  std::vector<std::string> broken;
  for (const auto& [where, text] : status.items())
    if (text.get<std::string>().rfind("✓", 0) != 0) broken.push_back(where + " " + text.get<std::string>());
  std::sort(broken.begin(), broken.end());
  EXPECT_EQ(broken, (std::vector<std::string>{"三、收到和处理政府信息公开申请情况!D30 ✗ R1：一+二=3，三（七）总计+四=0",
                                              "三、收到和处理政府信息公开申请情况!K5 ✗ R3：总计=0，自然人至其他各列之和=3"}))
      << status.dump(1);
  EXPECT_GT(status.size(), 30u);
}

TEST_F(Workbooks, ErrorsNameTheWorkbookSheetAndCellAndFullWidthDigitsRead) {
  fill_template_from_yaml(dir / "filled.xlsx");
  python("t = openpyxl.load_workbook('filled.xlsx')\n"
         "ws = t['三、收到和处理政府信息公开申请情况']\n"
         "ws['D5'] = 'abc'\n"
         "ws['E5'] = '２'\n"
         "ws['F5'] = '-1'\n"
         "t.save('filled.xlsx')\n");
  manifest_of("filled.xlsx", "out-xlsx");
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("filled.xlsx [三、收到和处理政府信息公开申请情况] D5: 三、收到和处理政府信息公开申请情况 · "
                       "一、本年新收政府信息公开申请数量 · 自然人：应为非负整数，实为 “abc”"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("[三、收到和处理政府信息公开申请情况] F5: "), std::string::npos) << "every problem in one run\n" << r.err;
  EXPECT_EQ(r.err.find("[三、收到和处理政府信息公开申请情况] E5"), std::string::npos) << "２ is a 2\n" << r.err;
}

TEST_F(Workbooks, ATemplateRosterIsHeadedInChineseAndReadsBack) {
  fs::copy(fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo", dir / "county", fs::copy_options::recursive);
  fs::remove_all(dir / "county/out");
  ASSERT_EQ(run("template county/manifest.yaml --roster").rc, 0) << slurp(dir / "stderr.txt");
  fs::path roster = dir / "county/templates/政府信息公开工作年度报告名册-填报表.xlsx";
  json wb = read_back(roster);
  const auto& cells = wb["sheets"][0]["cells"];
  EXPECT_EQ(cells["A1"], "单位名称");
  EXPECT_EQ(cells["B1"], "年度");
  EXPECT_EQ(cells["C1"], "单位类型");
  EXPECT_EQ(cells["A2"], "官道口镇人民政府");

  // The county's CSV roster, its header in the template's Chinese, as a workbook:
  // it builds the same reports as the CSV itself.
  nianbao::Form form = nianbao::Form::load(NIANBAO_FORM_2021);
  std::map<std::string, std::string> label;
  for (const auto& c : nianbao::roster_columns(form)) label[c.key] = c.label;
  std::string csv = slurp(dir / "county/roster.csv");
  std::string header = csv.substr(0, csv.find('\n')), zh;
  std::istringstream keys(header);
  for (std::string k; std::getline(keys, k, ',');) zh += (zh.empty() ? "" : ",") + label.at(k);
  spit(dir / "county/roster-zh.csv", zh + csv.substr(csv.find('\n')));
  python("import csv\n"
         "wb = openpyxl.Workbook()\n"
         "for row in csv.reader(open('county/roster-zh.csv', encoding='utf-8')):\n"
         "    wb.active.append([int(v) if v.isdigit() else v for v in row])\n"
         "wb.save('county/roster.xlsx')\n");
  edit("county/manifest.yaml", "{plugin: csv, path: roster.csv}", "{plugin: xlsx, path: roster.xlsx}");
  edit("county/manifest.yaml", "output_dir: out", "output_dir: out-xlsx");
  Outcome x = run("build county/manifest.yaml");
  EXPECT_EQ(x.rc, 65) << x.err;  // the county's five planted failures
  edit("county/manifest.yaml", "{plugin: xlsx, path: roster.xlsx}", "{plugin: csv, path: roster-zh.csv}");
  edit("county/manifest.yaml", "output_dir: out-xlsx", "output_dir: out-csv");
  Outcome c = run("build county/manifest.yaml");
  EXPECT_EQ(c.rc, 65) << c.err;
  std::string agency = "卢氏县教育局2023年政府信息公开工作年度报告.txt";
  EXPECT_EQ(slurp(dir / "county/out-xlsx" / agency), slurp(dir / "county/out-csv" / agency));
  EXPECT_FALSE(slurp(dir / "county/out-xlsx" / agency).empty());
}

TEST_F(Workbooks, ThePlanListsEveryAgencyAndKindsReadByTheirLabels) {
  fs::copy(fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo", dir / "county", fs::copy_options::recursive);
  fs::remove_all(dir / "county/out");
  Outcome plan = run("plan county/manifest.yaml --json --shard-count 4");
  ASSERT_EQ(plan.rc, 0) << plan.err;
  json items = json::parse(plan.out)["items"];
  ASSERT_EQ(items.size(), 16u) << "fourteen agencies of the roster, 官坡镇 and 卫健委";
  std::set<int> shards;
  for (const auto& it : items) shards.insert(it["shard"].get<int>());
  EXPECT_EQ(shards.size(), 4u) << "a roster's agencies spread over every shard";
  EXPECT_EQ(items[0]["agency"], "官道口镇人民政府");

  // A kind as the form's message lists it, 乡镇人民政府, is the township kind.
  edit("county/roster.csv", "官道口镇人民政府,2023,township", "官道口镇人民政府,2023,乡镇人民政府");
  Outcome r = run("build county/manifest.yaml --summary summary.json");
  EXPECT_EQ(r.rc, 65) << r.err;  // the five planted failures
  json s = json::parse(slurp(dir / "summary.json"));
  EXPECT_EQ(s["totals"]["reports"], 17) << "16 reports and the county workbook";
  EXPECT_EQ(s["totals"]["ok"], 12);  // the eleven that pass, and the county workbook
}

TEST_F(Workbooks, EveryProblemOfAnInputInOneRun) {
  edit("report.yaml", "new_received: {natural_person: 0, commercial: 0", "new_received: {natural_person: x, commercial: -1");
  edit("report.yaml", "carried_over: {natural_person: 0", "carried_over: {natural_person: 1.5");
  edit("report.yaml", "agency: 官坡镇人民政府", "agency: 官坡镇人民政府\nsurprise: 1");
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  for (const char* says : {"未知的键 'surprise'", "自然人：应为非负整数，实为 “x”", "商业企业：不能为负数", "件数应为整数，实为 “1.5”"})
    EXPECT_NE(r.err.find(says), std::string::npos) << says << "\n" << r.err;
  std::size_t lines = 0;
  for (char ch : r.err) lines += ch == '\n';
  EXPECT_GE(lines, 4u);
}

TEST_F(Workbooks, ARosterRowWithBadCellsFailsAloneWithAllItsProblems) {
  fs::copy(fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo", dir / "county", fs::copy_options::recursive);
  fs::remove_all(dir / "county/out");
  python("import csv\n"
         "rows = list(csv.reader(open('county/roster.csv', encoding='utf-8')))\n"
         "h = rows[0]\n"
         "rows[1][h.index('applications.new_received.commercial')] = 'abc'\n"
         "rows[1][h.index('applications.new_received.research')] = '-3'\n"
         "csv.writer(open('county/roster.csv', 'w', encoding='utf-8', newline='')).writerows(rows)\n");
  Outcome r = run("build county/manifest.yaml --summary summary.json");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("lushi-2023/官道口镇人民政府-2023: county/roster.csv:2:U: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lushi-2023/官道口镇人民政府-2023: county/roster.csv:2:V: "), std::string::npos) << r.err;
  json s = json::parse(slurp(dir / "summary.json"));
  std::map<std::string, std::string> states;
  for (const auto& rep : s["reports"]) states[rep["id"]] = rep["status"];
  EXPECT_EQ(states["lushi-2023/官道口镇人民政府-2023"], "failed");
  EXPECT_EQ(states["lushi-2023/卢氏县教育局-2023"], "ok");
  EXPECT_TRUE(fs::exists(dir / "county/out/卢氏县教育局2023年政府信息公开工作年度报告.pdf"));
  // The county workbook has its row, named after the agency — not after the roster.
  json wb = read_back(dir / "county/out/政府信息公开工作年度报告汇总.xlsx");
  bool row = false;
  for (const auto& [coord, v] : wb["sheets"][0]["cells"].items()) row = row || v == "官道口镇人民政府";
  EXPECT_TRUE(row);
}

TEST_F(Workbooks, CheckJsonIsAVersionedAccountAlsoWhenNothingCanBeRead) {
  edit("report.yaml", "year: 2023", "year: twenty");
  Outcome r = run("check manifest.yaml --json");
  EXPECT_EQ(r.rc, 65);
  json a = json::parse(r.out);
  EXPECT_EQ(a["schema"], "nianbao-check/1");
  ASSERT_EQ(a["reports"].size(), 1u);
  EXPECT_EQ(a["reports"][0]["status"], "failed");
  EXPECT_NE(a["reports"][0]["errors"][0].get<std::string>().find("年度（year）"), std::string::npos) << r.out;
  spit(dir / "manifest.yaml", "form: gov-info-disclosure-2021\nreports: [oops\n");
  Outcome bad = run("check manifest.yaml --json");
  EXPECT_EQ(bad.rc, 78);
  json b = json::parse(bad.out);
  EXPECT_EQ(b["schema"], "nianbao-check/1");
  EXPECT_FALSE(b["error"].get<std::string>().empty());
}

TEST_F(Workbooks, CheckRejectsWhatBuildWould) {
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [text, {plugin: pdf, body_size: 99}]");
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("body_size"), std::string::npos) << r.err;
  edit("manifest.yaml", "outputs: [text, {plugin: pdf, body_size: 99}]", "outputs: [txet]");
  r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("did you mean 'text'"), std::string::npos) << r.err;
}

TEST_F(Workbooks, TheCountyWorkbookDoesNotClaimAnEarlierFileOnAFirstBuild) {
  edit("report.yaml", "new_received: {natural_person: 0", "new_received: {natural_person: 5");
  edit("manifest.yaml", "output_dir: out", "output_dir: out\nsummary: [xlsx]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("规则检查有错误，未生成文件"), std::string::npos);
  EXPECT_EQ(r.err.find("已保留上次生成的文件"), std::string::npos) << "there was no earlier file\n" << r.err;
}

}  // namespace
