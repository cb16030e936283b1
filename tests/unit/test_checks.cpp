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
  // What the text rules ask a township to say (R11, R14).
  r.texts["overview"] = Text{"我镇将政务公开纳入年度考核，开展社会评议，落实责任追究。", {"r.yaml", 10, 13}};
  r.texts["other"] = Text{"本年度未收取信息处理费。", {"r.yaml", 20, 10}};
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
  put(r, "proactive.normative_documents.valid", "4");  // R8: made no more than valid + repealed
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

// ---- across years (R6, R7, the change check) and within a year (R8) ----

TEST(CrossYear, R6IsLastYearsCarryForwardColumnByColumnAndNamesBothYears) {
  Report last = zero_report();
  last.year = 2022;
  for (const char* c : {"natural_person", "total"}) {
    put(last, std::string("applications.carry_forward.") + c, "2", {"2022/r.yaml", 77, 30});
    put(last, std::string("applications.new_received.") + c, "2");
    put(last, std::string("applications.r7_total.") + c, "0");
  }
  Report now = consistent_report();  // carried over 0: last year said 2
  auto r6 = of_rule(run_checks(form2021(), now, &last), "R6");
  ASSERT_EQ(r6.size(), 2u) << dump(run_checks(form2021(), now, &last));
  EXPECT_EQ(r6[0].severity, Severity::error);
  EXPECT_NE(r6[0].message.find("本年二、上年结转=0，上年四、结转下年度继续办理=2"), std::string::npos) << r6[0].message;
  ASSERT_EQ(r6[0].cells.size(), 2u);
  EXPECT_FALSE(r6[0].cells[0].previous);
  EXPECT_TRUE(r6[0].cells[1].previous);
  EXPECT_EQ(r6[0].cells[1].source.str(), "2022/r.yaml:77:30");
  EXPECT_EQ(r6[0].cells[1].label.rfind("2022年（上年）· ", 0), 0u) << r6[0].cells[1].label;
  // Kept: this year carries over what last year carried forward.
  for (const char* c : {"natural_person", "total"}) {
    put(now, std::string("applications.carried_over.") + c, "2");
    put(now, std::string("applications.carry_forward.") + c, "2");
  }
  EXPECT_TRUE(of_rule(run_checks(form2021(), now, &last), "R6").empty()) << dump(run_checks(form2021(), now, &last));
  // Without last year's report the rule does not run.
  EXPECT_TRUE(of_rule(run_checks(form2021(), consistent_report()), "R6").empty());
}

TEST(CrossYear, R7ValidFollowsLastYearPlusMadeMinusRepealedAsAWarning) {
  Report last = zero_report();
  last.year = 2022;
  put(last, "proactive.normative_documents.valid", "10");
  Report now = zero_report();
  put(now, "proactive.normative_documents.made", "3");
  put(now, "proactive.normative_documents.repealed", "1");
  put(now, "proactive.normative_documents.valid", "12");  // 10 + 3 − 1
  EXPECT_TRUE(of_rule(run_checks(form2021(), now, &last), "R7").empty());
  put(now, "proactive.normative_documents.valid", "14");  // revisions counted as made: the usual slip
  auto r7 = of_rule(run_checks(form2021(), now, &last), "R7");
  ASSERT_EQ(r7.size(), 1u);
  EXPECT_EQ(r7[0].severity, Severity::warning);
  EXPECT_NE(r7[0].message.find("行政规范性文件：本年现行有效+本年废止=15，上年现行有效+本年制发=13"), std::string::npos) << r7[0].message;
}

TEST(CrossYear, AChainOfYearsChecksEachAgainstTheOneBefore) {
  // 2021 → 2022 → 2023: each year's valid follows from the year before.
  Report y1 = zero_report(), y2 = zero_report(), y3 = zero_report();
  y1.year = 2021, y2.year = 2022, y3.year = 2023;
  put(y1, "proactive.normative_documents.valid", "5");
  put(y2, "proactive.normative_documents.made", "2");
  put(y2, "proactive.normative_documents.valid", "7");
  put(y3, "proactive.normative_documents.repealed", "3");
  put(y3, "proactive.normative_documents.valid", "5");  // 7 − 3 = 4: broken in the third year only
  EXPECT_TRUE(of_rule(run_checks(form2021(), y2, &y1), "R7").empty());
  EXPECT_EQ(of_rule(run_checks(form2021(), y3, &y2), "R7").size(), 1u);
}

TEST(WithinAYear, R8MadeIsNoMoreThanValidPlusRepealed) {
  Report r = zero_report();
  put(r, "proactive.normative_documents.made", "4");
  put(r, "proactive.normative_documents.valid", "3");
  auto r8 = of_rule(run_checks(form2021(), r), "R8");
  ASSERT_EQ(r8.size(), 1u);
  EXPECT_EQ(r8[0].severity, Severity::warning);
  EXPECT_NE(r8[0].message.find("本年制发=4，多于现行有效+本年废止=3"), std::string::npos) << r8[0].message;
  put(r, "proactive.normative_documents.repealed", "1");
  EXPECT_TRUE(of_rule(run_checks(form2021(), r), "R8").empty());
}

TEST(CrossYear, AKeyTotalBeyondFivefoldIsQuestionedUnlessBothYearsAreSmall) {
  Report last = zero_report(), now = zero_report();
  last.year = 2022;
  put(last, "appeals.review.total", "2");
  put(now, "appeals.review.total", "9");  // more than fivefold, but both under the floor of 10
  EXPECT_TRUE(of_rule(run_checks(form2021(), now, &last), "同比").empty());
  put(last, "applications.new_received.total", "95");
  put(now, "applications.new_received.total", "17");  // below a fifth
  auto c = of_rule(run_checks(form2021(), now, &last), "同比");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].severity, Severity::warning);
  EXPECT_NE(c[0].message.find("本年新收政府信息公开申请总计：本年为17，上年（2022年）为95"), std::string::npos) << c[0].message;
  put(now, "applications.new_received.total", "19");  // a fifth or more: quiet
  EXPECT_TRUE(of_rule(run_checks(form2021(), now, &last), "同比").empty());
}

// ---- what the text says (R10, R11, R14) ----

TEST(Text, R10QuotedCountsMatchTheTablesWithTheSentenceAndItsLine) {
  Report r = consistent_report();  // 3 new, 2 granted, 3 closed
  r.texts["overview"] = Text{"（一）主动公开：我镇公开信息。\n\n（二）依申请公开：本年新收政府信息公开申请3件，全年办结三件，其中予以公开5件。\n"
                             "我镇将政务公开纳入考核，开展评议，落实追究。",
                             {"r.yaml", 12, 13}};
  auto r10 = of_rule(run_checks(form2021(), r), "R10");
  ASSERT_EQ(r10.size(), 1u) << dump(r10);
  EXPECT_EQ(r10[0].severity, Severity::warning);
  EXPECT_NE(r10[0].message.find("写的是“予以公开5件”，而表格中予以公开为2"), std::string::npos) << r10[0].message;
  ASSERT_FALSE(r10[0].cells.empty());
  EXPECT_EQ(r10[0].cells[0].source.str(), "r.yaml:15") << "a block scalar starts a line below its key; two lines on";
  EXPECT_NE(r10[0].cells[0].value.find("（二）依申请公开"), std::string::npos);
}

TEST(Text, R10Accepts收到AsNewOrAsNewPlusCarriedOver) {
  Report r = consistent_report();
  put(r, "applications.carried_over.natural_person", "1");
  put(r, "applications.carried_over.total", "1");
  auto said = [&](const std::string& s) {
    r.texts["overview"] = Text{s + "纳入考核，开展评议，落实追究。", {"r.xlsx", 3, 2, "B", "正文"}};
    return of_rule(run_checks(form2021(), r), "R10");
  };
  EXPECT_TRUE(said("本年共收到政府信息公开申请3件。").empty());   // new
  EXPECT_TRUE(said("本年共收到政府信息公开申请4件。").empty());   // new plus carried over
  auto wrong = said("本年共收到政府信息公开申请17件。");
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_NE(wrong[0].message.find("本年新收为3，本年新收加上年结转为4"), std::string::npos) << wrong[0].message;
  EXPECT_EQ(wrong[0].cells[0].source.str(), "r.xlsx [正文] B3") << "a spreadsheet cell is its own place";
  EXPECT_TRUE(said("收到人大代表建议17件。").empty()) << "not an application: 申请 is not in the clause";
}

TEST(Text, R11AsksForTheFeeAndForFeeNoticesWhenFeesWentUnpaid) {
  Report r = zero_report();
  r.texts["other"] = Text{"无。", {"r.yaml", 20, 10}};
  auto r11 = of_rule(run_checks(form2021(), r), "R11");
  ASSERT_EQ(r11.size(), 1u);
  EXPECT_NE(r11[0].message.find("没有说明信息处理费"), std::string::npos);
  r.texts["other"] = Text{"本年度未收取信息处理费。", {"r.yaml", 20, 10}};
  EXPECT_TRUE(of_rule(run_checks(form2021(), r), "R11").empty());
  put(r, "applications.r6_2_fee_unpaid.natural_person", "1");
  put(r, "applications.r6_2_fee_unpaid.total", "1");
  r11 = of_rule(run_checks(form2021(), r), "R11");
  ASSERT_EQ(r11.size(), 1u);
  EXPECT_NE(r11[0].message.find("有1件，说明发出过收费通知"), std::string::npos) << r11[0].message;
  r.texts["other"] = Text{"本年度发出收费通知1件，申请人逾期未缴纳，未收取信息处理费。", {"r.yaml", 20, 10}};
  EXPECT_TRUE(of_rule(run_checks(form2021(), r), "R11").empty());
}

TEST(Text, R14ApplesToGovernmentsNotToDepartments) {
  Report r = zero_report();
  r.texts["overview"] = Text{"我镇将政务公开纳入年度考核。", {"r.yaml", 10, 13}};
  auto r14 = of_rule(run_checks(form2021(), r), "R14");
  ASSERT_EQ(r14.size(), 1u);
  EXPECT_NE(r14[0].message.find("没有写到：评议、追究"), std::string::npos) << r14[0].message;
  r.kind = "county_dept";
  EXPECT_TRUE(of_rule(run_checks(form2021(), r), "R14").empty());
}
