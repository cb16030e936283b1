// Year over year, as a county office keeps it: last year's build beside this
// year's, this year's manifest pointing at it (`previous:`), the cross-year
// rules naming both years' cells; a report with no last year says so; a
// renamed agency mapped with previous_id. And whole-area reports (rollup:)
// summed from their members.
#include "cli_fixture.hpp"

#include <nlohmann/json.hpp>

using namespace e2e;
using nlohmann::json;

namespace {

// What a run printed: findings on stdout, the errors and the tally on stderr.
std::string said(const Outcome& r) { return r.out + r.err; }


// "carry_forward: {natural_person: 0, …, total: 0}" with natural_person and total set to n.
std::string row(const std::string& key, int n) {
  const std::string v = std::to_string(n);
  return key + ": {natural_person: " + v + ", commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0, total: " + v +
         "}";
}
std::string zero_row(const std::string& key) { return row(key, 0); }

class Years : public Cli {
 protected:
  // 2022/ and 2023/ side by side, each a folder with its manifest, as a
  // county keeps its years. Last year 官坡镇 carried one application forward.
  void SetUp() override {
    Cli::SetUp();
    fs::create_directories(dir / "2022");
    fs::create_directories(dir / "2023");
    std::string y = slurp(dir / "report.yaml");
    spit(dir / "2023/report.yaml", y);
    std::string last = y;
    replace(last, "year: 2023", "year: 2022");
    replace(last, zero_row("new_received"), row("new_received", 1));
    replace(last, zero_row("carry_forward"), row("carry_forward", 1));
    spit(dir / "2022/report.yaml", last);
    std::string m = slurp(dir / "manifest.yaml");
    spit(dir / "2022/manifest.yaml", m);
    replace(m, "form: gov-info-disclosure-2021\n", "form: gov-info-disclosure-2021\nprevious: ../2022/manifest.yaml\n");
    spit(dir / "2023/manifest.yaml", m);
  }
  static void replace(std::string& s, const std::string& from, const std::string& to) {
    auto p = s.find(from);
    ASSERT_NE(p, std::string::npos) << from;
    s.replace(p, from.size(), to);
  }
  // This year carries over what last year carried forward, and closes it.
  void carry_over_in_2023() {
    edit("2023/report.yaml", zero_row("carried_over"), row("carried_over", 1));
    edit("2023/report.yaml", zero_row("r1_granted"), row("r1_granted", 1));
    edit("2023/report.yaml", zero_row("r7_total"), row("r7_total", 1));
  }
  std::string python(const std::string& code) {
    spit(dir / "script.py", "import csv, json, sys, openpyxl\n" + code);
    return tool("cd '" + dir.string() + "' && " + kPython + " script.py");
  }
};

TEST_F(Years, LastYearsCarryForwardMustBeThisYearsCarriedOverAndBothYearsAreNamed) {
  Outcome r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 65) << said(r);
  EXPECT_NE(said(r).find("error R6 三、收到和处理政府信息公开申请情况 · 自然人：本年二、上年结转=0，上年四、结转下年度继续办理=1"),
            std::string::npos)
      << said(r);
  // This year's cell and last year's, each where it was written.
  EXPECT_NE(said(r).find(position_of("2023/report.yaml", "carried_over:", "0")), std::string::npos) << said(r);
  EXPECT_NE(said(r).find(position_of("2022/report.yaml", "carry_forward:", "1") +
                       "  applications.carry_forward.natural_person = 1  （2022年（上年）· "),
            std::string::npos)
      << said(r);

  carry_over_in_2023();
  r = run("build 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 0) << said(r);
  EXPECT_EQ(said(r).find("R6"), std::string::npos) << said(r);
}

TEST_F(Years, ChangingLastYearsDataBuildsThisYearsReportAgain) {
  carry_over_in_2023();
  ASSERT_EQ(run("build 2023/manifest.yaml").rc, 0);
  EXPECT_NE(run("build 2023/manifest.yaml").err.find("unchanged"), std::string::npos);
  edit("2022/report.yaml", row("carry_forward", 1), row("carry_forward", 2));
  edit("2022/report.yaml", row("new_received", 1), row("new_received", 2));
  Outcome r = run("build 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 65) << "last year now carried two forward\n" << said(r);
  EXPECT_NE(said(r).find("上年四、结转下年度继续办理=2"), std::string::npos) << said(r);
}

TEST_F(Years, AReportWithoutLastYearIsToldSoAndARenamedOneIsMappedWithPreviousId) {
  edit("2022/report.yaml", "agency: 官坡镇人民政府", "agency: 官坡乡人民政府");  // renamed since
  edit("2022/manifest.yaml", "id: guanpo-2023", "id: guanpo-2022");
  carry_over_in_2023();
  Outcome r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 0) << "a warning, not an error: this year's report is fine\n" << said(r);
  EXPECT_NE(said(r).find("warning 上年 未做跨年度检查（R6、R7、同比）：上年的清单（"), std::string::npos) << said(r);
  EXPECT_NE(said(r).find("没有编号为“guanpo-2023”或单位为“官坡镇人民政府”的报告（单位改了名称的，用 previous_id 指明"), std::string::npos)
      << said(r);

  edit("2023/manifest.yaml", "  - id: guanpo-2023\n", "  - id: guanpo-2023\n    previous_id: 官坡乡人民政府\n");
  r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 0) << said(r);
  EXPECT_EQ(said(r).find("上年 未做"), std::string::npos) << said(r);
  // Matched, the rules run: a mismatch is found again.
  edit("2022/report.yaml", row("carry_forward", 1), row("carry_forward", 3));
  EXPECT_EQ(run("check 2023/manifest.yaml").rc, 65);
}

TEST_F(Years, AnEntryMayNameLastYearsInputsItself) {
  // No manifest-level previous: this entry's own.
  edit("2023/manifest.yaml", "previous: ../2022/manifest.yaml\n", "");
  edit("2023/manifest.yaml", "      - {plugin: yaml, path: report.yaml}\n",
       "      - {plugin: yaml, path: report.yaml}\n    previous:\n      - {plugin: yaml, path: last.yaml}\n");
  fs::copy_file(dir / "2022/report.yaml", dir / "2023/last.yaml");
  Outcome r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 65) << said(r);
  EXPECT_NE(said(r).find("2023/last.yaml:"), std::string::npos) << said(r);
  // Last year's data of the same year is not last year's.
  edit("2023/last.yaml", "year: 2022", "year: 2023");
  r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 0) << said(r);
  EXPECT_NE(said(r).find("是2023年的，不是2022年的"), std::string::npos) << said(r);
}

TEST_F(Years, LastYearsManifestReadsOnlyInsideItsOwnFolder) {
  // Last year's manifest is allowed out of this year's folder; its inputs are
  // not allowed out of its own: a planted ../ path is refused, never read.
  fs::copy_file(dir / "2022/report.yaml", dir / "outside.yaml");
  edit("outside.yaml", row("carry_forward", 1), row("carry_forward", 3));  // read, it would break R6
  edit("2022/manifest.yaml", "path: report.yaml", "path: ../outside.yaml");
  carry_over_in_2023();
  Outcome r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 0) << said(r);
  EXPECT_NE(said(r).find("warning 上年 未做跨年度检查"), std::string::npos) << said(r);
  EXPECT_NE(said(r).find("input outside.yaml is outside the manifest's folder 2022"), std::string::npos) << said(r);
  EXPECT_EQ(said(r).find("error R6"), std::string::npos) << said(r);
}

TEST_F(Years, LastYearsJsonRecordIsThisYearsPrevious) {
  // Last year's build wrote the record; a county keeps it beside this year's data.
  edit("2022/manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [text, json]");
  ASSERT_EQ(run("build 2022/manifest.yaml").rc, 0);
  const std::string record = "官坡镇人民政府2022年政府信息公开工作年度报告.json";
  ASSERT_TRUE(fs::exists(dir / "2022/out" / record));
  fs::create_directories(dir / "2023/last");
  fs::copy_file(dir / "2022/out" / record, dir / "2023/last/guanpo-2022.json");
  edit("2023/manifest.yaml", "previous: ../2022/manifest.yaml\n", "");
  edit("2023/manifest.yaml", "      - {plugin: yaml, path: report.yaml}\n",
       "      - {plugin: yaml, path: report.yaml}\n    previous:\n      - {plugin: json, path: last/guanpo-2022.json}\n");
  Outcome r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 65) << said(r);
  // Last year's cell is named at its line in the record.
  const std::string text = slurp(dir / "2023/last/guanpo-2022.json");
  const auto at = text.find("\"applications.carry_forward.natural_person\"");
  ASSERT_NE(at, std::string::npos);
  const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
  EXPECT_NE(said(r).find("2023/last/guanpo-2022.json:" + std::to_string(line) + ":"), std::string::npos) << said(r);
  EXPECT_NE(said(r).find("上年四、结转下年度继续办理=1"), std::string::npos) << said(r);
  carry_over_in_2023();
  EXPECT_EQ(run("check 2023/manifest.yaml").rc, 0);
}

TEST_F(Years, LastYearsManifestMustExistAndBeOfThisForm) {
  edit("2023/manifest.yaml", "previous: ../2022/manifest.yaml", "previous: ../2021/manifest.yaml");
  Outcome r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 78) << said(r);
  EXPECT_NE(said(r).find("2023/manifest.yaml:3:11: previous: last year's manifest cannot be read"), std::string::npos) << said(r);
  // The one path that may leave the folder leads only to a manifest.
  edit("2023/manifest.yaml", "previous: ../2021/manifest.yaml", "previous: ../2022/report.txt");
  r = run("check 2023/manifest.yaml");
  EXPECT_EQ(r.rc, 78) << said(r);
  EXPECT_NE(said(r).find("previous must name last year's manifest, a .yaml file"), std::string::npos) << said(r);
}

TEST_F(Years, ACountyAgainstLastYearsCounty) {
  // Last year's county, made from this year's sample: the same agencies, each
  // carrying forward exactly what it carries over this year, 卢氏县教育局 under
  // its old name, and no returned workbook for 卫健委.
  fs::copy(fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo", dir / "county-2023", fs::copy_options::recursive);
  fs::remove_all(dir / "county-2023/out");
  fs::copy(dir / "county-2023", dir / "county-2022", fs::copy_options::recursive);
  python(R"(
rows = list(csv.reader(open('county-2023/roster.csv', encoding='utf-8')))
head = rows[0]
col = {k: i for i, k in enumerate(head)}
cols = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_service', 'other_org', 'total']
for r in rows[1:]:
    r[col['year']] = '2022'
    if r[col['agency']] == '卢氏县教育局': r[col['agency']] = '卢氏县教育体育局'
    for c in cols:
        cf = r[col['applications.carried_over.' + c]] or '0'
        r[col['applications.carry_forward.' + c]] = cf
        r[col['applications.carried_over.' + c]] = '0'
        r[col['applications.new_received.' + c]] = str(int(r[col['applications.r7_total.' + c]] or 0) + int(cf))
    for t in ('regulations', 'normative_documents'):
        made, rep, valid = (int(r[col['proactive.%s.%s' % (t, k)]] or 0) for k in ('made', 'repealed', 'valid'))
        r[col['proactive.%s.valid' % t]] = str(valid - made + rep)
    if r[col['agency']] == '官道口镇人民政府':   # planted: last year said one more was carried forward
        r[col['applications.carry_forward.natural_person']] = str(int(r[col['applications.carry_forward.natural_person']]) + 1)
        r[col['applications.carry_forward.total']] = str(int(r[col['applications.carry_forward.total']]) + 1)
w = csv.writer(open('county-2022/roster.csv', 'w', encoding='utf-8', newline=''), lineterminator='\n')
w.writerows(rows)
)");
  std::string text = slurp(dir / "county-2022/guanpo/text.yaml");
  text.replace(text.find("year: 2023"), 10, "year: 2022");
  spit(dir / "county-2022/guanpo/text.yaml", text);
  std::string m = slurp(dir / "county-2022/manifest.yaml");
  m = m.substr(0, m.find("  - id: weijian-2023"));
  spit(dir / "county-2022/manifest.yaml", m);
  edit("county-2023/manifest.yaml", "form: gov-info-disclosure-2021\n",
       "form: gov-info-disclosure-2021\nprevious: ../county-2022/manifest.yaml\n");

  Outcome r = run("check county-2023/manifest.yaml --json");
  EXPECT_EQ(r.rc, 65) << said(r);
  json account = json::parse(r.out);
  std::map<std::string, std::vector<std::string>> rules;  // report → its rules
  std::string r6_where;
  for (const auto& f : account["findings"]) {
    rules[f["report"]].push_back(f["rule"]);
    if (f["rule"] == "R6")
      for (const auto& c : f["cells"])
        if (c.value("previous", false) && r6_where.empty()) r6_where = c["position"];  // natural_person, then total
  }
  EXPECT_EQ(rules["lushi-2023/官道口镇人民政府-2023"], (std::vector<std::string>{"R6", "R6"})) << "natural_person and total";
  EXPECT_NE(r6_where.find("county-2022/roster.csv:2:GF"), std::string::npos) << r6_where;
  // Matched by agency across years though their ids differ by year; the
  // renamed one and the one without last year get a warning each.
  EXPECT_EQ(std::count(rules["lushi-2023/卢氏县教育局-2023"].begin(), rules["lushi-2023/卢氏县教育局-2023"].end(), "上年"), 1);
  EXPECT_EQ(std::count(rules["weijian-2023"].begin(), rules["weijian-2023"].end(), "上年"), 1);
  EXPECT_TRUE(rules["lushi-2023/五里川镇人民政府-2023"] == std::vector<std::string>{"R5"}) << "no cross-year finding where the years agree";

  // The renamed agency, mapped; then the county workbook shows both years' key totals.
  edit("county-2023/manifest.yaml", "      - {plugin: csv, path: roster.csv}\n",
       "      - {plugin: csv, path: roster.csv}\n    previous_id: {卢氏县教育局: 卢氏县教育体育局}\n");
  r = run("build county-2023/manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_EQ(said(r).find("卢氏县教育局-2023: warning 上年"), std::string::npos) << said(r);
  std::string wb = python(R"(
wb = openpyxl.load_workbook('county-2023/out/政府信息公开工作年度报告汇总.xlsx')
ws = wb['汇总']
head = [c.value for c in ws[1]]
rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
print(json.dumps({'head': head, 'edu': rows['卢氏县教育局'], 'health': rows['卢氏县卫生健康委员会']}, ensure_ascii=False))
)");
  json got = json::parse(wb);
  EXPECT_EQ(got["head"][3], "本年新收申请");
  EXPECT_EQ(got["head"][4], "上年本年新收申请");
  EXPECT_NE(got["edu"]["上年本年新收申请"], nullptr) << got.dump();
  EXPECT_EQ(got["health"]["上年本年新收申请"], nullptr) << "no last year, no number";
}

class Rollup : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    fs::copy(fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo", dir / "county", fs::copy_options::recursive);
    fs::remove_all(dir / "county/out");
    spit(dir / "county/total.yaml",
         "agency: 卢氏县部分单位\nyear: 2023\nkind: county_gov\ntext:\n"
         "  overview: |\n    全县汇总。我县将政务公开纳入考核，开展社会评议，落实责任追究。\n"
         "  problems: |\n    无。\n  other: |\n    本年度未收取信息处理费。\n");
  }
  void add_rollup(const std::string& members) {
    std::string m = slurp(dir / "county/manifest.yaml");
    spit(dir / "county/manifest.yaml", m + "  - id: lushi-total\n    inputs:\n      - {plugin: yaml, path: total.yaml}\n    rollup: " + members + "\n");
  }
  std::map<std::string, json> county_rows() {
    std::string out = tool(kPython + " -c \"import json, openpyxl; ws = openpyxl.load_workbook('" + (dir / "county/out/政府信息公开工作年度报告汇总.xlsx").string() +
                           "')['汇总']; head = [c.value for c in ws[1]]; print(json.dumps([dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)], ensure_ascii=False))\"");
    std::map<std::string, json> rows;
    for (const auto& r : json::parse(out)) rows[r["单位"]] = r;
    return rows;
  }
};

TEST_F(Rollup, AWholeAreaReportIsTheSumOfItsMembersCheckedAsOne) {
  add_rollup("[lushi-2023/官道口镇人民政府-2023, guanpo-2023, weijian-2023]");
  Outcome r = run("build county/manifest.yaml");
  EXPECT_EQ(r.rc, 65) << "the five planted failures, not the roll-up\n" << said(r);
  EXPECT_EQ(said(r).find("lushi-total: error"), std::string::npos) << said(r);
  EXPECT_TRUE(fs::exists(dir / "county/out/卢氏县部分单位2023年政府信息公开工作年度报告.txt")) << said(r);
  auto rows = county_rows();
  ASSERT_TRUE(rows.count("卢氏县部分单位")) << "the county workbook shows the roll-up's row";
  for (const char* col : {"本年新收申请", "上年结转申请", "办理结果总计", "行政复议"}) {
    int sum = 0;
    for (const char* m : {"官道口镇人民政府", "官坡镇人民政府", "卢氏县卫生健康委员会"}) sum += rows[m][col].get<int>();
    EXPECT_EQ(rows["卢氏县部分单位"][col], sum) << col;
  }
  EXPECT_EQ(rows["卢氏县部分单位"]["检查结果"], "通过");
}

TEST_F(Rollup, AFailingMemberFailsTheRollUpWhichNamesIt) {
  add_rollup("{kinds: [township]}");
  Outcome r = run("check county/manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(said(r).find("lushi-total: 汇总的成员中有 3 份报告有错误，未汇总："), std::string::npos) << said(r);
  for (const char* m : {"杜关镇人民政府（R1）", "五里川镇人民政府（R5）", "朱阳关镇人民政府（R9）"})
    EXPECT_NE(said(r).find(m), std::string::npos) << m << "\n" << said(r);
}

TEST_F(Rollup, MembersMustExistAndTheRollUpsTablesAreNotItsToFill) {
  add_rollup("[lushi-2023/官道口镇人民政府-2023, guanpo-2032]");
  Outcome r = run("check county/manifest.yaml");
  EXPECT_EQ(r.rc, 78) << said(r);
  EXPECT_NE(said(r).find("names 'guanpo-2032', which is no report of this manifest, did you mean 'guanpo-2023'?"), std::string::npos) << said(r);

  std::string m = slurp(dir / "county/manifest.yaml");
  m.replace(m.find("guanpo-2032"), 11, "guanpo-2023");
  spit(dir / "county/manifest.yaml", m);
  spit(dir / "county/total.yaml", slurp(dir / "county/total.yaml") + "tables:\n  appeals:\n    review: {maintained: 1}\n");
  r = run("check county/manifest.yaml");
  EXPECT_EQ(r.rc, 65) << said(r);
  EXPECT_NE(said(r).find("汇总报告的表格由成员相加得出，输入中不应填写“四、政府信息公开行政复议、行政诉讼情况 · 行政复议 · 结果维持”"),
            std::string::npos)
      << said(r);
}

}  // namespace
