#include <nianbao/checks.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"

using namespace nianbao;
using nbtest::form2021;

namespace {

Decimal num(const std::string& s) {
  auto d = Decimal::parse(s);
  EXPECT_TRUE(d.has_value()) << s;
  return d.value_or(Decimal{});
}

// Every cell of the form filled with 0, each at its own line of r.yaml.
Report zero_report(const std::string& kind = "township") {
  Report r;
  r.id = "guanpo-2023";
  r.agency = "官坡镇人民政府";
  r.year = 2023;
  r.kind = kind;
  int line = 100;
  for (const auto& k : form2021().cell_keys()) r.cells[k] = Cell::number(Decimal::from_int(0), {"r.yaml", line++, 5});
  return r;
}

void put(Report& r, const std::string& key, const std::string& value, SourceLoc at = {"r.yaml", 1, 1}) {
  ASSERT_TRUE(form2021().is_cell(key)) << key;
  r.cells[key] = Cell::number(num(value), std::move(at));
}

// A consistent report with non-zero values: 3 applications from natural
// persons, 2 granted, 1 not held, none carried over or forward.
Report consistent_report() {
  Report r = zero_report();
  for (const char* col : {"natural_person", "total"}) {
    const std::string c = col;
    put(r, "applications.new_received." + c, "3");
    put(r, "applications.r1_granted." + c, "2");
    put(r, "applications.r4_1_not_held." + c, "1");
    put(r, "applications.r7_total." + c, "3");
  }
  put(r, "appeals.review.maintained", "1");
  put(r, "appeals.review.total", "1");
  put(r, "proactive.administrative_fees.amount", "59237.2449");
  put(r, "proactive.normative_documents.made", "4");
  return r;
}

std::vector<Finding> of_rule(const std::vector<Finding>& all, const std::string& rule) {
  std::vector<Finding> out;
  for (const auto& f : all)
    if (f.rule == rule) out.push_back(f);
  return out;
}

std::set<std::string> rules_of(const std::vector<Finding>& all) {
  std::set<std::string> out;
  for (const auto& f : all) out.insert(f.rule);
  return out;
}

std::string dump(const std::vector<Finding>& all) {
  std::string s;
  for (const auto& f : all) s += std::string(to_string(f.severity)) + " " + f.message + "\n";
  return s;
}

}  // namespace

TEST(Checks, AllZeroReportHasNoFindings) {
  auto findings = run_checks(form2021(), zero_report());
  EXPECT_TRUE(findings.empty()) << dump(findings);
  EXPECT_FALSE(has_errors(findings));
}

TEST(Checks, ConsistentReportHasNoFindings) {
  auto findings = run_checks(form2021(), consistent_report());
  EXPECT_TRUE(findings.empty()) << dump(findings);
}

TEST(Checks, R1ColumnBalanceQuotesLabelsValuesAndSources) {
  Report r = zero_report();
  put(r, "applications.new_received.natural_person", "5", {"r.yaml", 12, 27});
  put(r, "applications.r7_total.natural_person", "4", {"r.yaml", 40, 27});
  auto findings = run_checks(form2021(), r);
  EXPECT_TRUE(has_errors(findings));
  auto r1 = of_rule(findings, "R1");
  ASSERT_EQ(r1.size(), 1u) << dump(findings);
  const Finding& f = r1[0];
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.report, "guanpo-2023");
  EXPECT_EQ(f.message, "R1 三、收到和处理政府信息公开申请情况 · 自然人：一+二=5，三（七）总计+四=4");
  ASSERT_EQ(f.cells.size(), 4u);
  const FindingCell& c = f.cells[0];
  EXPECT_EQ(c.key, "applications.new_received.natural_person");
  EXPECT_EQ(c.value, "5");
  EXPECT_EQ(c.source.file, "r.yaml");
  EXPECT_EQ(c.source.line, 12);
  EXPECT_EQ(c.source.column, 27);
  EXPECT_EQ(c.source.str(), "r.yaml:12:27");
  EXPECT_EQ(c.label, "三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 自然人");
  std::vector<std::string> keys;
  for (const auto& x : f.cells) keys.push_back(x.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"applications.new_received.natural_person",
                                            "applications.carried_over.natural_person",
                                            "applications.r7_total.natural_person",
                                            "applications.carry_forward.natural_person"}));
  EXPECT_EQ(f.cells[2].value, "4");
  EXPECT_EQ(f.cells[2].source.line, 40);
}

TEST(Checks, R2OutcomeRowsMustAddUpToTheTotal) {
  Report r = consistent_report();
  put(r, "applications.r1_granted.natural_person", "1");
  put(r, "applications.r1_granted.total", "1");
  auto findings = run_checks(form2021(), r);
  EXPECT_EQ(rules_of(findings), (std::set<std::string>{"R2"})) << dump(findings);
  auto r2 = of_rule(findings, "R2");
  ASSERT_EQ(r2.size(), 2u) << dump(findings);
  EXPECT_EQ(r2[0].severity, Severity::error);
  EXPECT_EQ(r2[0].message, "R2 三、收到和处理政府信息公开申请情况 · 自然人：三（七）总计=3，（一）至（六）各项之和=2");
  EXPECT_EQ(r2[1].message, "R2 三、收到和处理政府信息公开申请情况 · 总计：三（七）总计=3，（一）至（六）各项之和=2");
  EXPECT_EQ(r2[0].cells.size(), 1u + 21u);
  EXPECT_EQ(r2[0].cells[0].key, "applications.r7_total.natural_person");
}

TEST(Checks, R3RowTotalMustEqualTheSixColumns) {
  Report r = consistent_report();
  put(r, "applications.r1_granted.total", "3");
  auto findings = run_checks(form2021(), r);
  auto r3 = of_rule(findings, "R3");
  ASSERT_EQ(r3.size(), 1u) << dump(findings);
  EXPECT_EQ(r3[0].severity, Severity::error);
  EXPECT_EQ(r3[0].message,
            "R3 三、收到和处理政府信息公开申请情况 · 三、本年度办理结果 · （一）予以公开：总计=3，自然人至其他各列之和=2");
  ASSERT_EQ(r3[0].cells.size(), 7u);
  EXPECT_EQ(r3[0].cells[0].key, "applications.r1_granted.total");
  EXPECT_EQ(r3[0].cells[0].value, "3");
}

TEST(Checks, R4AppealsTotals) {
  Report r = consistent_report();
  put(r, "appeals.review.total", "2");
  put(r, "appeals.litigation_direct.pending", "1");
  auto findings = run_checks(form2021(), r);
  EXPECT_EQ(rules_of(findings), (std::set<std::string>{"R4"})) << dump(findings);
  auto r4 = of_rule(findings, "R4");
  ASSERT_EQ(r4.size(), 2u) << dump(findings);
  EXPECT_EQ(r4[0].message, "R4 四、政府信息公开行政复议、行政诉讼情况 · 行政复议：总计=2，结果维持+结果纠正+其他结果+尚未审结=1");
  EXPECT_EQ(r4[1].message,
            "R4 四、政府信息公开行政复议、行政诉讼情况 · 行政诉讼 · 未经复议直接起诉：总计=0，结果维持+结果纠正+其他结果+尚未审结=1");
  EXPECT_EQ(r4[0].severity, Severity::error);
}

TEST(Checks, R5BlankCellIsAnError) {
  Report r = zero_report();
  r.cells.erase("applications.carried_over.research");
  auto findings = run_checks(form2021(), r);
  ASSERT_EQ(findings.size(), 1u) << dump(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.rule, "R5");
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_EQ(f.message,
            "R5 三、收到和处理政府信息公开申请情况 · 二、上年结转政府信息公开申请数量 · 科研机构：未填写（没有发生请填0，空白不等于0）");
  ASSERT_EQ(f.cells.size(), 1u);
  EXPECT_EQ(f.cells[0].value, "");
  EXPECT_FALSE(f.cells[0].source.known());
  EXPECT_TRUE(has_errors(findings));
}

TEST(Checks, R5ExplicitBlankKeepsItsSource) {
  Report r = zero_report();
  r.cells["appeals.review.pending"] = Cell::blank({"r.yaml", 7, 9});
  auto findings = run_checks(form2021(), r);
  ASSERT_EQ(findings.size(), 1u) << dump(findings);
  EXPECT_EQ(findings[0].rule, "R5");
  EXPECT_EQ(findings[0].cells[0].source.str(), "r.yaml:7:9");
}

TEST(Checks, R5NotApplicableIsAWarning) {
  Report r = zero_report();
  r.cells["proactive.administrative_coercion.decisions"] = Cell::not_applicable({"r.yaml", 8, 30});
  auto findings = run_checks(form2021(), r);
  ASSERT_EQ(findings.size(), 1u) << dump(findings);
  const Finding& f = findings[0];
  EXPECT_EQ(f.rule, "R5");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.message, "R5 二、主动公开政府信息情况 · 行政强制 · 本年处理决定数量：填为不适用（/），本表各项应填写数字，没有发生请填0");
  EXPECT_EQ(f.cells[0].value, "/");
  EXPECT_EQ(f.cells[0].source.line, 8);
  EXPECT_FALSE(has_errors(findings));
}

TEST(Checks, R5NegativeAndFractionalCounts) {
  Report r = zero_report();
  put(r, "appeals.review.corrected", "-1");
  put(r, "appeals.review.total", "-1");
  put(r, "proactive.administrative_penalty.decisions", "1.5");
  auto r5 = of_rule(run_checks(form2021(), r), "R5");
  ASSERT_EQ(r5.size(), 3u);
  std::vector<std::string> messages;
  for (const auto& f : r5) {
    EXPECT_EQ(f.severity, Severity::error);
    messages.push_back(f.message);
  }
  EXPECT_EQ(messages[0], "R5 二、主动公开政府信息情况 · 行政处罚 · 本年处理决定数量：件数应为整数，实为1.5");
  EXPECT_EQ(messages[1], "R5 四、政府信息公开行政复议、行政诉讼情况 · 行政复议 · 结果纠正：不能为负数，实为-1");
  EXPECT_EQ(messages[2], "R5 四、政府信息公开行政复议、行政诉讼情况 · 行政复议 · 总计：不能为负数，实为-1");
}

TEST(Checks, AmountsMayHaveDecimalPlaces) {
  Report r = zero_report();
  put(r, "proactive.administrative_fees.amount", "59237.2449");
  auto findings = run_checks(form2021(), r);
  EXPECT_TRUE(findings.empty()) << dump(findings);
}

TEST(Checks, R9TownshipCannotMakeRegulations) {
  Report r = zero_report("township");
  put(r, "proactive.regulations.made", "1", {"r.yaml", 3, 11});
  auto findings = run_checks(form2021(), r);
  auto r9 = of_rule(findings, "R9");
  ASSERT_EQ(r9.size(), 1u) << dump(findings);
  EXPECT_EQ(r9[0].severity, Severity::error);
  EXPECT_NE(r9[0].message.find("乡镇人民政府"), std::string::npos) << r9[0].message;
  EXPECT_EQ(r9[0].message, "R9 二、主动公开政府信息情况 · 规章 · 本年制发件数：“乡镇人民政府”没有规章制定权，应为0，实为1");
  ASSERT_EQ(r9[0].cells.size(), 1u);
  EXPECT_EQ(r9[0].cells[0].source.str(), "r.yaml:3:11");
  EXPECT_TRUE(has_errors(findings));
}

TEST(Checks, R9AppliesToCountyDepartmentsButNotCities) {
  Report county = zero_report("county_dept");
  put(county, "proactive.regulations.valid", "2");
  auto r9 = of_rule(run_checks(form2021(), county), "R9");
  ASSERT_EQ(r9.size(), 1u);
  EXPECT_NE(r9[0].message.find("县级人民政府部门"), std::string::npos) << r9[0].message;

  Report city = zero_report("city_gov");
  put(city, "proactive.regulations.made", "1");
  put(city, "proactive.regulations.valid", "2");
  auto findings = run_checks(form2021(), city);
  EXPECT_TRUE(findings.empty()) << dump(findings);
}

TEST(Checks, SumRuleIsSkippedWhenACellIsBlank) {
  Report r = zero_report();
  put(r, "applications.new_received.research", "5");
  put(r, "applications.new_received.total", "5");
  // With every cell filled the imbalance is an R1 error in two columns …
  auto filled = of_rule(run_checks(form2021(), r), "R1");
  ASSERT_EQ(filled.size(), 2u);
  // … but a blank in each of those columns makes the sums unknown: only R5 speaks.
  r.cells.erase("applications.carried_over.research");
  r.cells.erase("applications.carried_over.total");
  auto findings = run_checks(form2021(), r);
  EXPECT_EQ(rules_of(findings), (std::set<std::string>{"R5"})) << dump(findings);
  EXPECT_EQ(findings.size(), 2u) << dump(findings);
}

TEST(Checks, HasErrorsLooksAtSeverity) {
  EXPECT_FALSE(has_errors({}));
  Finding w;
  w.severity = Severity::warning;
  Finding e;
  e.severity = Severity::error;
  EXPECT_FALSE(has_errors({w, w}));
  EXPECT_TRUE(has_errors({w, e}));
  EXPECT_STREQ(to_string(Severity::error), "error");
  EXPECT_STREQ(to_string(Severity::warning), "warning");
}

TEST(Checks, CellTextAsPrinted) {
  EXPECT_EQ(cell_text(Cell::number(num("59237.2449"), {})), "59237.2449");
  EXPECT_EQ(cell_text(Cell::number(Decimal::from_int(0), {})), "0");
  EXPECT_EQ(cell_text(Cell::not_applicable({})), "/");
  EXPECT_EQ(cell_text(Cell::blank({})), "");
  EXPECT_EQ(cell_text(Report{}.cell("applications.new_received.total")), "");
}
