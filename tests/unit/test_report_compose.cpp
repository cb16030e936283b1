#include <nianbao/compose.hpp>
#include <nianbao/report.hpp>
#include <nianbao/text.hpp>

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "test_util.hpp"

using namespace nianbao;
using nbtest::form2021;

namespace {

Report base_report() {
  Report r;
  r.id = "guanpo-2023";
  r.agency = "官坡镇人民政府";
  r.year = 2023;
  r.kind = "township";
  return r;
}

std::vector<std::string> level1_headings(const Document& doc) {
  std::vector<std::string> out;
  for (const auto& b : doc.blocks)
    if (const auto* h = std::get_if<Heading>(&b); h && h->level == 1) out.push_back(h->text);
  return out;
}

std::vector<const Table*> tables_of(const Document& doc) {
  std::vector<const Table*> out;
  for (const auto& b : doc.blocks)
    if (const auto* t = std::get_if<Table>(&b)) out.push_back(t);
  return out;
}

// The blocks between the level-1 heading `heading` and the next one.
std::vector<Block> section_blocks(const Document& doc, const std::string& heading) {
  std::vector<Block> out;
  bool inside = false;
  for (const auto& b : doc.blocks) {
    if (const auto* h = std::get_if<Heading>(&b); h && h->level == 1) {
      inside = h->text == heading;
      continue;
    }
    if (inside) out.push_back(b);
  }
  return out;
}

const TableCell* cell_with_key(const Table& t, const std::string& key) {
  for (const auto& c : t.cells)
    if (c.key == key) return &c;
  return nullptr;
}

}  // namespace

// --- Report::merge ------------------------------------------------------------

TEST(ReportMerge, SameCellFromTwoInputsIsADataErrorNamingBoth) {
  Report a = base_report(), b;
  a.set_cell("applications.new_received.total", Cell::number(Decimal::from_int(1), {"a.yaml", 3, 5}));
  b.set_cell("applications.new_received.total", Cell::number(Decimal::from_int(1), {"b.yaml", 7, 2}));
  try {
    a.merge(b);
    FAIL() << "merge accepted the same cell twice";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::data);
    EXPECT_NE(e.message().find("a.yaml:3:5"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("applications.new_received.total"), std::string::npos) << e.message();
    EXPECT_EQ(e.where().str(), "b.yaml:7:2");
    EXPECT_EQ(std::string(e.what()).rfind("b.yaml:7:2: ", 0), 0u) << e.what();
  }
}

TEST(ReportMerge, SetCellTwiceIsRefused) {
  Report r;
  r.set_cell("appeals.review.total", Cell::number(Decimal::from_int(0), {"a.yaml", 1, 1}));
  EXPECT_THROW(r.set_cell("appeals.review.total", Cell::number(Decimal::from_int(0), {"a.yaml", 2, 1})), Error);
  EXPECT_EQ(r.cell("appeals.review.total").source.line, 1);
}

TEST(ReportMerge, DisjointPartsCombine) {
  Report a, b;
  a.agency = "官坡镇人民政府";
  a.agency_source = {"a.yaml", 1, 9};
  a.set_cell("applications.new_received.total", Cell::number(Decimal::from_int(2), {"a.yaml", 3, 5}));
  a.texts["overview"] = Text{"总体情况。", {"a.yaml", 10, 1}};
  b.year = 2023;
  b.kind = "township";
  b.set_cell("appeals.review.total", Cell::not_applicable({"b.csv", 4, 2}));
  b.texts["problems"] = Text{"问题。", {"b.yaml", 2, 1}};
  b.signature = Signature{"官坡镇人民政府", "2024-01-20", {"b.yaml", 20, 1}};
  a.merge(b);
  EXPECT_EQ(a.agency, "官坡镇人民政府");
  EXPECT_EQ(a.year, 2023);
  EXPECT_EQ(a.kind, "township");
  EXPECT_EQ(a.cells.size(), 2u);
  EXPECT_EQ(a.cell("applications.new_received.total").value, Decimal::from_int(2));
  EXPECT_EQ(a.cell("appeals.review.total").state, Cell::State::not_applicable);
  EXPECT_EQ(a.cell("appeals.review.total").source.file, "b.csv");
  EXPECT_EQ(a.texts.size(), 2u);
  ASSERT_TRUE(a.signature.has_value());
  EXPECT_EQ(a.signature->date, "2024-01-20");
}

TEST(ReportMerge, ConflictingAgencyOrDuplicateTextIsAnError) {
  Report a = base_report(), b;
  b.agency = "别的镇人民政府";
  EXPECT_THROW(a.merge(b), Error);

  Report c = base_report(), d;
  d.agency = "官坡镇人民政府";  // the same name twice is fine
  EXPECT_NO_THROW(c.merge(d));

  Report e = base_report(), f;
  e.texts["overview"] = Text{"一。", {"a.yaml", 5, 1}};
  f.texts["overview"] = Text{"二。", {"b.yaml", 6, 1}};
  try {
    e.merge(f);
    FAIL() << "merge accepted the same text twice";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ExitCode::data);
    EXPECT_NE(err.message().find("a.yaml:5:1"), std::string::npos) << err.message();
  }
}

TEST(ReportModel, AbsentCellReadsAsBlankNeverZero) {
  Report r;
  const Cell& c = r.cell("applications.new_received.total");
  EXPECT_EQ(c.state, Cell::State::blank);
  EXPECT_FALSE(c.has_value());
  EXPECT_FALSE(c.source.known());
}

// --- compose --------------------------------------------------------------------

TEST(Compose, TitleAndFileStem) {
  Document doc = compose(form2021(), base_report());
  EXPECT_EQ(doc.title, "官坡镇人民政府2023年政府信息公开工作年度报告");
  EXPECT_EQ(doc.file_stem, doc.title);
  EXPECT_EQ(doc.author, "官坡镇人民政府");
}

TEST(Compose, SixLevelOneHeadingsInOrder) {
  Document doc = compose(form2021(), base_report());
  EXPECT_EQ(level1_headings(doc),
            (std::vector<std::string>{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                      "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                                      "六、其他需要报告的事项"}));
  auto tables = tables_of(doc);
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_EQ(tables[0]->key, "proactive");
  EXPECT_EQ(tables[1]->key, "applications");
  EXPECT_EQ(tables[2]->key, "appeals");
  // Each table follows its own heading.
  auto s3 = section_blocks(doc, "三、收到和处理政府信息公开申请情况");
  ASSERT_EQ(s3.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<Table>(s3[0]));
  EXPECT_EQ(std::get<Table>(s3[0]).key, "applications");
}

TEST(Compose, MarkersBecomeLeadsAndLevelTwoHeadings) {
  Report r = base_report();
  r.texts["overview"] = Text{"（一）主动公开：正文。\n\n（一）存在问题：", {"r.yaml", 1, 1}};
  Document doc = compose(form2021(), r);
  auto blocks = section_blocks(doc, "一、总体情况");
  ASSERT_EQ(blocks.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<Paragraph>(blocks[0]));
  EXPECT_EQ(std::get<Paragraph>(blocks[0]).lead, "（一）主动公开：");
  EXPECT_EQ(std::get<Paragraph>(blocks[0]).text, "正文。");
  ASSERT_TRUE(std::holds_alternative<Heading>(blocks[1]));
  EXPECT_EQ(std::get<Heading>(blocks[1]).level, 2);
  EXPECT_EQ(std::get<Heading>(blocks[1]).text, "（一）存在问题：");
}

TEST(Compose, ParagraphLinesJoinWithoutSpacesBetweenCjk) {
  Report r = base_report();
  r.texts["problems"] = Text{"一是公开内容\n不够全面。\nThe quick\nbrown fox\n\n  第二段。  \n", {}};
  Document doc = compose(form2021(), r);
  auto blocks = section_blocks(doc, "五、存在的主要问题及改进情况");
  ASSERT_EQ(blocks.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<Paragraph>(blocks[0]));
  EXPECT_EQ(std::get<Paragraph>(blocks[0]).lead, "");
  EXPECT_EQ(std::get<Paragraph>(blocks[0]).text, "一是公开内容不够全面。The quick brown fox");
  EXPECT_EQ(std::get<Paragraph>(blocks[1]).text, "第二段。");
}

TEST(Compose, EveryTableValidatesAndShowsCellStates) {
  Report r = base_report();
  r.set_cell("applications.new_received.natural_person", Cell::number(Decimal::from_int(5), {"r.yaml", 12, 27}));
  r.set_cell("applications.carried_over.natural_person", Cell::not_applicable({"r.yaml", 13, 27}));
  r.set_cell("proactive.administrative_fees.amount", Cell::number(*Decimal::parse("59237.2449"), {"r.yaml", 2, 3}));
  Document doc = compose(form2021(), r);
  auto tables = tables_of(doc);
  ASSERT_EQ(tables.size(), 3u);
  for (const Table* t : tables) EXPECT_NO_THROW(t->validate()) << t->key;
  const Table& apps = *tables[1];
  EXPECT_EQ(apps.rows, 28);
  EXPECT_EQ(apps.columns, 10);
  EXPECT_EQ(apps.header_rows, 3);
  const TableCell* five = cell_with_key(apps, "applications.new_received.natural_person");
  ASSERT_NE(five, nullptr);
  EXPECT_EQ(five->kind, TableCell::Kind::number);
  EXPECT_EQ(five->text, "5");
  const TableCell* na = cell_with_key(apps, "applications.carried_over.natural_person");
  ASSERT_NE(na, nullptr);
  EXPECT_EQ(na->kind, TableCell::Kind::not_applicable);
  EXPECT_EQ(na->text, "/");
  const TableCell* blank = cell_with_key(apps, "applications.r7_total.total");
  ASSERT_NE(blank, nullptr);
  EXPECT_EQ(blank->kind, TableCell::Kind::blank);
  EXPECT_EQ(blank->text, "");  // never 0
  const TableCell* fee = cell_with_key(*tables[0], "proactive.administrative_fees.amount");
  ASSERT_NE(fee, nullptr);
  EXPECT_EQ(fee->text, "59237.2449");
  EXPECT_EQ(tables[2]->columns, 15);
}

TEST(Compose, PrefaceComesFirstAndSignatureLast) {
  Report r = base_report();
  r.preface = Text{"根据《中华人民共和国政府信息公开条例》，编制本报告。", {"r.yaml", 1, 1}};
  r.signature = Signature{"", "2024-01-20", {"r.yaml", 30, 1}};
  Document doc = compose(form2021(), r);
  ASSERT_FALSE(doc.blocks.empty());
  ASSERT_TRUE(std::holds_alternative<Paragraph>(doc.blocks.front()));
  EXPECT_EQ(std::get<Paragraph>(doc.blocks.front()).text, "根据《中华人民共和国政府信息公开条例》，编制本报告。");
  ASSERT_TRUE(std::holds_alternative<SignatureBlock>(doc.blocks.back()));
  EXPECT_EQ(std::get<SignatureBlock>(doc.blocks.back()).name, "官坡镇人民政府");
  EXPECT_EQ(std::get<SignatureBlock>(doc.blocks.back()).date, "2024年1月20日");
  EXPECT_EQ(doc.date, "2024-01-20");
}

// --- Table::validate ------------------------------------------------------------

namespace {

TableCell at(int row, int col, int rowspan = 1, int colspan = 1) {
  TableCell c;
  c.text = "c" + std::to_string(row) + std::to_string(col);
  c.row = row;
  c.col = col;
  c.rowspan = rowspan;
  c.colspan = colspan;
  return c;
}

ExitCode validate_code(const Table& t, std::string* message = nullptr) {
  try {
    t.validate();
  } catch (const Error& e) {
    if (message) *message = e.message();
    return e.code();
  }
  return ExitCode::ok;
}

}  // namespace

TEST(TableValidate, AcceptsAnExactTiling) {
  Table t;
  t.key = "t";
  t.rows = 2;
  t.columns = 2;
  t.cells = {at(0, 0, 2, 1), at(0, 1), at(1, 1)};
  EXPECT_EQ(validate_code(t), ExitCode::ok);
}

TEST(TableValidate, RefusesOverlappingSpans) {
  Table t;
  t.key = "t";
  t.rows = 2;
  t.columns = 2;
  t.cells = {at(0, 0, 2, 1), at(0, 1), at(1, 0, 1, 2)};
  std::string message;
  EXPECT_EQ(validate_code(t, &message), ExitCode::software);
  EXPECT_NE(message.find("overlaps"), std::string::npos) << message;
  EXPECT_NE(message.find("table t"), std::string::npos) << message;
}

TEST(TableValidate, RefusesCellsOutsideTheGridAndUncoveredSlots) {
  Table out;
  out.key = "t";
  out.rows = 1;
  out.columns = 2;
  out.cells = {at(0, 0), at(0, 1, 1, 2)};
  std::string message;
  EXPECT_EQ(validate_code(out, &message), ExitCode::software);
  EXPECT_NE(message.find("leaves the 1×2 grid"), std::string::npos) << message;

  Table hole;
  hole.key = "t";
  hole.rows = 2;
  hole.columns = 2;
  hole.cells = {at(0, 0), at(0, 1), at(1, 0)};
  EXPECT_EQ(validate_code(hole, &message), ExitCode::software);
  EXPECT_NE(message.find("row 2, column 2 is not covered"), std::string::npos) << message;

  Table empty;
  empty.key = "t";
  EXPECT_EQ(validate_code(empty), ExitCode::software);
}

// --- helpers ------------------------------------------------------------------

Template tmpl(const std::string& text, const std::string& key = "document.file_name") {
  return Template{text, SourceLoc{"county.yaml", 7, 14}, key};
}

TEST(Templates, FillKnownFieldsAndRefuseUnknownOnes) {
  Report r = base_report();
  r.region = "卢氏县";
  DocumentSettings d;
  auto fields = template_values(form2021(), r, d);
  EXPECT_EQ(expand_template(tmpl("{region}{agency}{year}年度报告"), fields, "x"), "卢氏县官坡镇人民政府2023年度报告");
  EXPECT_EQ(expand_template(tmpl("{kind_label}-{id}-{next_year}"), fields, "x"), "乡镇人民政府-guanpo-2023-2024");
  auto config_error = [](const Template& t) {
    try {
      check_template(t);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::config);
      EXPECT_EQ(e.where().str(), "county.yaml:7:14");
      return e.message();
    }
    ADD_FAILURE() << "accepted: " << t.text;
    return std::string();
  };
  EXPECT_NE(config_error(tmpl("{agency}{unknown}")).find("unknown field {unknown}"), std::string::npos);
  EXPECT_NE(config_error(tmpl("{agncy}")).find("did you mean 'agency'"), std::string::npos);
  EXPECT_NE(config_error(tmpl("{contact.phon}")).find("did you mean 'contact.phone'"), std::string::npos);
  EXPECT_NE(config_error(tmpl("{agency")).find("unclosed"), std::string::npos);
  EXPECT_NE(config_error(tmpl("{title}", "document.title")).find("unknown field {title}"), std::string::npos);
}

TEST(Templates, TheFileNameAloneIsTheOneComposeGives) {
  Report r = base_report();
  r.region = "卢氏县";
  DocumentSettings d;
  d.title = tmpl("{agency}\n{year}年政府信息公开工作年度报告", "document.title");
  d.file_name = tmpl("{region}-{title}-{date}");
  d.date_format = DateFormat::chinese;
  const std::string stem = file_stem_of(form2021(), r, d, "2024-01-20");
  EXPECT_EQ(stem, "卢氏县-官坡镇人民政府2023年政府信息公开工作年度报告-二〇二四年一月二十日");
  EXPECT_EQ(stem, compose(form2021(), r, d, "2024-01-20").file_stem);
}

TEST(Templates, AFieldWithoutValueIsAnErrorInTheUsersTerms) {
  Report r = base_report();  // no contact, no region
  DocumentSettings d;
  auto fields = template_values(form2021(), r, d);
  try {
    expand_template(tmpl("联系电话：{contact.phone}", "document.preface"), fields, "report.yaml:3:9");
    FAIL() << "empty field accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::data);
    EXPECT_NE(e.message().find("{contact.phone}（联系电话）"), std::string::npos) << e.message();
    EXPECT_EQ(e.where().str(), "report.yaml:3:9");
  }
  d.contact["phone"] = Text{"0398-7001234", {}};
  EXPECT_EQ(expand_template(tmpl("电话：{contact.phone}", "document.preface"), template_values(form2021(), r, d), "x"),
            "电话：0398-7001234");
  r.contact["phone"] = Text{"0398-7654321", {}};  // the report's own wins over the profile's
  EXPECT_EQ(expand_template(tmpl("{contact.phone}", "document.preface"), template_values(form2021(), r, d), "x"),
            "0398-7654321");
}

TEST(FormatDate, ArabicChineseAndIso) {
  EXPECT_EQ(format_date("2024-01-20", DateFormat::arabic), "2024年1月20日");
  EXPECT_EQ(format_date("2024-01-20", DateFormat::chinese), "二〇二四年一月二十日");
  EXPECT_EQ(format_date("2030-10-31", DateFormat::chinese), "二〇三〇年十月三十一日");
  EXPECT_EQ(format_date("2024-12-15", DateFormat::chinese), "二〇二四年十二月十五日");
  EXPECT_EQ(format_date("2024-01-20", DateFormat::iso), "2024-01-20");
}

TEST(ChineseDate, WritesIsoDatesTheChineseWay) {
  EXPECT_EQ(chinese_date("2024-01-20"), "2024年1月20日");
  EXPECT_EQ(chinese_date("2024-12-31"), "2024年12月31日");
  EXPECT_EQ(chinese_date("2024年1月17日"), "2024年1月17日");
  EXPECT_EQ(chinese_date("2024-13-01"), "2024-13-01");
  EXPECT_EQ(chinese_date(""), "");
}

TEST(ChineseDate, LeavesImpossibleDatesAlone) {
  EXPECT_EQ(chinese_date("2024-02-30"), "2024-02-30");
  EXPECT_EQ(chinese_date("2023-04-31"), "2023-04-31");
  EXPECT_EQ(chinese_date(" 2024-01-05"), " 2024-01-05");
  EXPECT_EQ(chinese_date("2024-02-29"), "2024年2月29日");  // a leap day
  EXPECT_EQ(chinese_date("2023-02-29"), "2023-02-29");
}

TEST(SafeFileStem, NeverEscapesTheOutputFolder) {
  std::string s = safe_file_stem("../../etc/passwd");
  EXPECT_EQ(s.find('/'), std::string::npos) << s;
  EXPECT_EQ(s.find(".."), std::string::npos) << s;
  EXPECT_FALSE(s.empty());
  EXPECT_NE(s.find("passwd"), std::string::npos) << s;

  std::string t = safe_file_stem("a..b...c");
  EXPECT_EQ(t.find(".."), std::string::npos) << t;
  std::string hidden = safe_file_stem(".hidden");
  ASSERT_FALSE(hidden.empty());
  EXPECT_NE(hidden.front(), '.');
}

TEST(SafeFileStem, ReplacesSeparatorsAndControlCharacters) {
  EXPECT_EQ(safe_file_stem("a/b"), "a_b");
  EXPECT_EQ(safe_file_stem("a\\b"), "a_b");
  EXPECT_EQ(safe_file_stem("a\nb"), "a_b");
  EXPECT_EQ(safe_file_stem("官坡镇\t报告"), "官坡镇_报告");
  EXPECT_EQ(safe_file_stem("官坡镇人民政府2023年政府信息公开工作年度报告"), "官坡镇人民政府2023年政府信息公开工作年度报告");
}

TEST(SafeFileStem, EmptyBecomesReport) {
  EXPECT_EQ(safe_file_stem(""), "report");
  EXPECT_EQ(safe_file_stem(".."), "report");
  EXPECT_EQ(safe_file_stem(" . "), "report");
}

TEST(SafeFileStem, LongNamesAreShortenedOnACharacterBoundary) {
  std::string name;
  for (int i = 0; i < 100; ++i) name += "官";  // 300 bytes
  std::string s = safe_file_stem(name);
  EXPECT_LE(s.size(), 200u);
  EXPECT_GT(s.size(), 150u);
  EXPECT_EQ(s.size() % 3, 0u);
  EXPECT_TRUE(valid_utf8(s));
}
