// The report record: how a reading worker hands a report to the build, and
// how a build keeps it. Every part comes back as it went, the text is the
// same from run to run, and a record that is not one is an error in Chinese.
#include <nianbao/report_json.hpp>

#include <gtest/gtest.h>

#include <string>

using namespace nianbao;

namespace {

Report sample() {
  Report r;
  r.id = "guanpo-2023";
  r.agency = "官坡镇人民政府";
  r.agency_source = {"report.yaml", 2, 9};
  r.year = 2023;
  r.year_source = {"report.yaml", 3, 7};
  r.kind = "township";
  r.region = "卢氏县";
  r.preface = Text{"根据《条例》编制本报告。", {"report.yaml", 5, 10}};
  r.texts["s1"] = Text{"第一段\n\n第二段 \"引号\"", {"report.yaml", 8, 3}};
  r.contact["phone"] = Text{"0398-1234567", {"report.yaml", 20, 10}};
  r.signature = Signature{"官坡镇人民政府", "2024-01-20", {"report.yaml", 22, 9}};
  r.cells["t1.r1.c1"] = Cell::number(*Decimal::parse("12"), {"cells.csv", 2, 3, "本年新制发件数", ""});
  r.cells["t1.r1.c2"] = Cell::number(*Decimal::parse("0.012345"), {"book.xlsx", 0, 0, "", "表二"});
  r.cells["t1.r2.c1"] = Cell::not_applicable({"report.yaml", 30, 5});
  r.cells["t1.r2.c2"] = Cell::blank({});
  r.problems.add(Error(ExitCode::data, "第 31 行：不是数字", SourceLoc{"report.yaml", 31, 12}));
  return r;
}

}  // namespace

TEST(ReportRecord, EveryPartComesBackAsItWent) {
  const Report r = sample();
  const std::string text = report_to_json(r);
  const Report back = report_from_json(text, "record");
  EXPECT_EQ(back.id, r.id);
  EXPECT_EQ(back.agency, r.agency);
  EXPECT_EQ(back.agency_source.str(), "report.yaml:2:9");
  EXPECT_EQ(back.year, 2023);
  EXPECT_EQ(back.year_source.str(), r.year_source.str());
  EXPECT_EQ(back.kind, r.kind);
  EXPECT_EQ(back.region, r.region);
  ASSERT_TRUE(back.preface.has_value());
  EXPECT_EQ(back.preface->body, r.preface->body);
  EXPECT_EQ(back.preface->source.str(), "report.yaml:5:10");
  ASSERT_EQ(back.texts.count("s1"), 1u);
  EXPECT_EQ(back.texts.at("s1").body, r.texts.at("s1").body);
  EXPECT_EQ(back.contact.at("phone").body, "0398-1234567");
  ASSERT_TRUE(back.signature.has_value());
  EXPECT_EQ(back.signature->date, "2024-01-20");
  EXPECT_EQ(back.signature->source.str(), "report.yaml:22:9");
  ASSERT_EQ(back.cells.size(), 4u);
  EXPECT_EQ(back.cells.at("t1.r1.c1").value.str(), "12");
  EXPECT_EQ(back.cells.at("t1.r1.c1").source.column_name, "本年新制发件数");
  EXPECT_EQ(back.cells.at("t1.r1.c2").value.str(), "0.012345");
  EXPECT_EQ(back.cells.at("t1.r1.c2").source.sheet, "表二");
  EXPECT_EQ(back.cells.at("t1.r2.c1").state, Cell::State::not_applicable);
  EXPECT_EQ(back.cells.at("t1.r2.c2").state, Cell::State::blank);
  EXPECT_FALSE(back.cells.at("t1.r2.c2").source.known());
  ASSERT_EQ(back.problems.count(), 1u);
  EXPECT_EQ(back.problems.code(), ExitCode::data);
  EXPECT_NE(back.problems.text().find("不是数字"), std::string::npos) << back.problems.text();
  // The same report, the same text: what a build keeps compares equal from run to run.
  EXPECT_EQ(report_to_json(back), text);
}

TEST(ReportRecord, TheTextIsStable) {
  Report r;
  r.id = "a";
  r.agency = "甲";
  r.year = 2023;
  r.kind = "township";
  r.cells["t1.r1.c1"] = Cell::number(*Decimal::parse("3"), {"a.yaml", 4, 5});
  EXPECT_EQ(report_to_json(r),
            R"({"agency":{"source":null,"value":"甲"},"cells":{"t1.r1.c1":{"source":{"column":5,"file":"a.yaml","line":4},"state":"value","value":"3"}},"contact":{},"id":"a","kind":{"source":null,"value":"township"},"preface":null,"problem_count":0,"problems":[],"region":{"source":null,"value":""},"schema":"nianbao-report/1","signature":null,"texts":{},"year":{"source":null,"value":2023}})");
}

TEST(ReportRecord, APartOfTheWrongTypeIsNamed) {
  const std::string good = report_to_json(sample());
  for (const char* part : {"cells", "texts", "contact", "problems"}) {
    SCOPED_TRACE(part);
    std::string bad = good;
    const std::string key = std::string("\"") + part + "\":";
    const auto at = bad.find(key);
    ASSERT_NE(at, std::string::npos);
    bad.insert(at + key.size(), "\"x\",\"was_" + std::string(part) + "\":");
    try {
      report_from_json(bad, "a3.json");
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::data);
      EXPECT_NE(e.message().find(std::string("报告记录不完整：") + part), std::string::npos) << e.message();
      EXPECT_EQ(e.where().str(), "a3.json");
    }
  }
  try {
    report_from_json("[1]", "a3.json");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("不是 JSON 格式的报告记录"), std::string::npos) << e.message();
  }
}
