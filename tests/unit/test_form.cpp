#include <nianbao/form.hpp>
#include <nianbao/text.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"

using namespace nianbao;
using nbtest::form2021;

namespace {

// 1-based line and character column where `needle` first occurs in `text`.
SourceLoc position_of(const std::string& text, const std::string& needle) {
  auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << "test bug: no '" << needle << "' in the form text";
  if (at == std::string::npos) return {};
  auto line_start = text.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  int line = 1;
  for (std::size_t i = 0; i < line_start; ++i) line += text[i] == '\n';
  int column = static_cast<int>(count_chars(std::string_view(text).substr(line_start, at - line_start))) + 1;
  return {"", line, column};
}

// Checks every slot of a table's grid is covered by exactly one cell and
// every cell of the table's rows is shown by exactly one value cell.
void expect_grid_covered_once(const TableDef& t) {
  ASSERT_GT(t.grid_rows, 0) << t.key;
  std::vector<std::vector<int>> count(static_cast<std::size_t>(t.grid_rows),
                                      std::vector<int>(static_cast<std::size_t>(t.grid_columns), 0));
  std::multiset<std::string> values;
  for (const auto& g : t.cells) {
    ASSERT_GE(g.row, 0);
    ASSERT_GE(g.col, 0);
    ASSERT_LE(g.row + g.rowspan, t.grid_rows) << t.key << " cell " << g.text << g.row_key;
    ASSERT_LE(g.col + g.colspan, t.grid_columns) << t.key << " cell " << g.text << g.row_key;
    for (int r = g.row; r < g.row + g.rowspan; ++r)
      for (int c = g.col; c < g.col + g.colspan; ++c) ++count[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
    if (g.role == GridCell::Role::value) values.insert(g.row_key + "." + g.column_key);
  }
  for (int r = 0; r < t.grid_rows; ++r)
    for (int c = 0; c < t.grid_columns; ++c)
      EXPECT_EQ(count[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)], 1)
          << t.key << ": grid slot row " << r + 1 << " column " << c + 1;
  std::size_t expected = 0;
  for (const auto& row : t.rows)
    for (const auto& col : row.columns) {
      ++expected;
      EXPECT_EQ(values.count(row.key + "." + col), 1u) << t.key << "." << row.key << "." << col;
    }
  EXPECT_EQ(values.size(), expected) << t.key;
}

const GridCell* value_cell(const TableDef& t, const std::string& row, const std::string& col) {
  for (const auto& g : t.cells)
    if (g.role == GridCell::Role::value && g.row_key == row && g.column_key == col) return &g;
  return nullptr;
}

}  // namespace

TEST(Form2021, Loads) {
  const Form& f = form2021();
  EXPECT_EQ(f.id, "gov-info-disclosure-2021");
  EXPECT_EQ(f.title_pattern, "{agency}{year}年政府信息公开工作年度报告");
  EXPECT_EQ(f.tables.size(), 3u);
  EXPECT_EQ(f.kinds.size(), 9u);
  ASSERT_NE(f.kind("township"), nullptr);
  EXPECT_EQ(f.kind("township")->label, "乡镇人民政府");
  EXPECT_EQ(f.kind("nope"), nullptr);
}

TEST(Form2021, SixSectionsInOrderWithVerbatimHeadings) {
  const Form& f = form2021();
  ASSERT_EQ(f.sections.size(), 6u);
  const std::vector<std::string> headings = {"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                                             "六、其他需要报告的事项"};
  const std::vector<std::string> keys = {"overview", "proactive", "applications", "appeals", "problems", "other"};
  const std::vector<SectionDef::Kind> kinds = {SectionDef::Kind::text,  SectionDef::Kind::table, SectionDef::Kind::table,
                                               SectionDef::Kind::table, SectionDef::Kind::text,  SectionDef::Kind::text};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(f.sections[i].heading, headings[i]);
    EXPECT_EQ(f.sections[i].key, keys[i]);
    EXPECT_EQ(f.sections[i].kind, kinds[i]) << headings[i];
  }
  EXPECT_EQ(f.text_section_keys(), (std::vector<std::string>{"overview", "problems", "other"}));
  ASSERT_NE(f.table("applications"), nullptr);
  EXPECT_EQ(f.table("applications")->title, "三、收到和处理政府信息公开申请情况");
}

TEST(Form2021, ApplicationsTableShape) {
  const TableDef* t = form2021().table("applications");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->rows.size(), 25u);
  EXPECT_EQ(t->columns.size(), 7u);
  EXPECT_EQ(t->grid_columns, 10);
  EXPECT_EQ(t->header_rows, 3);
  EXPECT_EQ(t->grid_rows, 3 + 25);
  for (const auto& r : t->rows) EXPECT_EQ(r.columns.size(), 7u) << r.key;
  EXPECT_EQ(t->rows.front().key, "new_received");
  EXPECT_EQ(t->rows[23].key, "r7_total");
  EXPECT_EQ(t->rows.back().key, "carry_forward");
  ASSERT_NE(t->row("r3_3_three_safety"), nullptr);
  EXPECT_EQ(t->row("r3_3_three_safety")->label, "3.危及“三安全一稳定”");
  EXPECT_EQ(t->row("r3_3_three_safety")->group, "三、本年度办理结果 · （三）不予公开");
  // The top-left header cell carries the printed rule.
  ASSERT_FALSE(t->cells.empty());
  const GridCell& corner = t->cells.front();
  EXPECT_EQ(corner.role, GridCell::Role::header);
  EXPECT_EQ(corner.text, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）");
  EXPECT_EQ(corner.rowspan, 3);
  EXPECT_EQ(corner.colspan, 3);
  const GridCell* first = value_cell(*t, "new_received", "natural_person");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->row, 3);
  EXPECT_EQ(first->col, 3);
  const GridCell* last = value_cell(*t, "carry_forward", "total");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->row, 27);
  EXPECT_EQ(last->col, 9);
}

TEST(Form2021, AppealsTableShape) {
  const TableDef* t = form2021().table("appeals");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->grid_columns, 15);
  EXPECT_EQ(t->header_rows, 3);
  EXPECT_EQ(t->grid_rows, 4);
  ASSERT_EQ(t->rows.size(), 3u);
  for (const auto& r : t->rows) EXPECT_EQ(r.columns.size(), 5u) << r.key;
  EXPECT_EQ(t->columns.size(), 5u);
  const GridCell* a = value_cell(*t, "review", "maintained");
  const GridCell* b = value_cell(*t, "litigation_after_review", "total");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->row, 3);
  EXPECT_EQ(a->col, 0);
  EXPECT_EQ(b->row, 3);
  EXPECT_EQ(b->col, 14);
}

TEST(Form2021, ProactiveTableShape) {
  const Form& f = form2021();
  const TableDef* t = f.table("proactive");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->grid_columns, 4);
  EXPECT_EQ(t->header_rows, 0);
  EXPECT_EQ(t->grid_rows, 14);
  std::size_t cells = 0;
  for (const auto& r : t->rows) cells += r.columns.size();
  EXPECT_EQ(cells, 10u);
  EXPECT_EQ(t->row("regulations")->columns, (std::vector<std::string>{"made", "repealed", "valid"}));
  EXPECT_EQ(t->row("administrative_fees")->columns, (std::vector<std::string>{"amount"}));
  EXPECT_TRUE(f.is_cell("proactive.administrative_license.decisions"));
  EXPECT_FALSE(f.is_cell("proactive.administrative_license.made"));
  EXPECT_EQ(f.cell_type("proactive.administrative_fees.amount"), ValueType::amount);
  EXPECT_EQ(f.cell_type("proactive.regulations.made"), ValueType::count);
  const GridCell* lic = value_cell(*t, "administrative_license", "decisions");
  ASSERT_NE(lic, nullptr);
  EXPECT_EQ(lic->col, 1);
  EXPECT_EQ(lic->colspan, 3);
}

TEST(Form2021, CellKeysAreAllCanonicalAndUnique) {
  const Form& f = form2021();
  auto keys = f.cell_keys();
  EXPECT_EQ(keys.size(), 10u + 25u * 7u + 15u);
  EXPECT_EQ(keys.size(), 200u);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
  EXPECT_EQ(keys.front(), "proactive.regulations.made");
  EXPECT_EQ(keys.back(), "appeals.litigation_after_review.total");
  for (const auto& k : keys) EXPECT_TRUE(f.is_cell(k)) << k;
}

TEST(Form2021, CellLabels) {
  const Form& f = form2021();
  std::string label = f.cell_label("applications.new_received.natural_person");
  EXPECT_NE(label.find("一、本年新收政府信息公开申请数量"), std::string::npos) << label;
  EXPECT_NE(label.find("自然人"), std::string::npos) << label;
  EXPECT_EQ(label, "三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 自然人");
  EXPECT_EQ(f.cell_label("applications.r3_1_state_secret.total"),
            "三、收到和处理政府信息公开申请情况 · 三、本年度办理结果 · （三）不予公开 · 1.属于国家秘密 · 总计");
  EXPECT_EQ(f.cell_label("appeals.litigation_direct.pending"),
            "四、政府信息公开行政复议、行政诉讼情况 · 行政诉讼 · 未经复议直接起诉 · 尚未审结");
}

TEST(Form2021, IsCellRefusesWhatTheFormDoesNotHave) {
  const Form& f = form2021();
  EXPECT_TRUE(f.is_cell("applications.new_received.natural_person"));
  EXPECT_FALSE(f.is_cell("applications.new_received.nope"));
  EXPECT_FALSE(f.is_cell("applications.nope.total"));
  EXPECT_FALSE(f.is_cell("nope.new_received.total"));
  EXPECT_FALSE(f.is_cell("applications.new_received"));
  EXPECT_FALSE(f.is_cell("applications.new_received.total.x"));
  EXPECT_FALSE(f.is_cell(""));
}

TEST(Form2021, EveryGridSlotIsCoveredExactlyOnce) {
  for (const auto& t : form2021().tables) {
    SCOPED_TRACE(t.key);
    expect_grid_covered_once(t);
  }
}

TEST(Form2021, RulesAreLoadedWithExpandedRanges) {
  const Form& f = form2021();
  std::vector<std::string> ids;
  for (const auto& r : f.rules) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"R1", "R2", "R3", "R4", "R5", "R9", "R6", "R7", "R8", "同比", "R10", "R11", "R11", "R14"}));
  // Last year's cells keep their prefix; the rule knows it needs last year.
  EXPECT_EQ(f.rules[6].rhs, (std::vector<std::string>{"last_year.carry_forward"}));
  EXPECT_TRUE(f.rules[6].cross_year);
  EXPECT_EQ(f.rules[7].rhs, (std::vector<std::string>{"last_year.valid", "made"}));
  EXPECT_FALSE(f.rules[8].cross_year);
  EXPECT_EQ(f.rules[8].check, RuleDef::Check::at_most);
  EXPECT_EQ(f.rules[1].rhs.size(), 21u);  // r1_granted .. r6_3_other
  EXPECT_EQ(f.rules[1].rhs.front(), "r1_granted");
  EXPECT_EQ(f.rules[1].rhs.back(), "r6_3_other");
  EXPECT_EQ(f.rules[2].rhs.size(), 6u);  // natural_person .. other_org
  EXPECT_EQ(f.rules[3].rhs, (std::vector<std::string>{"maintained", "corrected", "other", "pending"}));
  EXPECT_EQ(f.rules[5].kinds, (std::vector<std::string>{"township", "street", "county_gov", "county_dept"}));
  EXPECT_GT(f.rules[0].source.line, 0);
}

TEST(SplitCellKey, NeedsThreeNonEmptyParts) {
  std::string t, r, c;
  ASSERT_TRUE(split_cell_key("appeals.review.total", t, r, c));
  EXPECT_EQ(t, "appeals");
  EXPECT_EQ(r, "review");
  EXPECT_EQ(c, "total");
  EXPECT_FALSE(split_cell_key("appeals.review", t, r, c));
  EXPECT_FALSE(split_cell_key("appeals..total", t, r, c));
  EXPECT_FALSE(split_cell_key("a.b.c.d", t, r, c));
}

// --- defects in a form file -------------------------------------------------

namespace {

// A small valid form; the defect tests change one part of it.
const char* kHead =
    "id: test-form\n"
    "title: \"{agency}{year}年报告\"\n"
    "kinds:\n"
    "  township: 乡镇人民政府\n"
    "sections:\n"
    "  - {heading: 一、总体情况, text: overview}\n"
    "  - {heading: 二、表, table: t}\n";

const char* kTable =
    "tables:\n"
    "  t:\n"
    "    grid_columns: 3\n"
    "    columns:\n"
    "      a: 甲\n"
    "      b: 乙\n"
    "    rows:\n"
    "      x: 行一\n"
    "      y: 行二\n"
    "    header:\n"
    "      - [{header: 项目}, 甲, 乙]\n"
    "    body:\n"
    "      - [{label: x}, {values: x}]\n"
    "      - [{label: y}, {values: y}]\n";

const char* kRules =
    "rules:\n"
    "  - id: S1\n"
    "    check: equal_sums\n"
    "    table: t\n"
    "    for_each: column\n"
    "    lhs: [x]\n"
    "    rhs: [y]\n"
    "    message: \"{lhs}={rhs}\"\n";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "test bug: no '" << from << "'";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct FormDefect {
  ExitCode code = ExitCode::ok;
  SourceLoc where;
  std::string message;
  std::string path;
};

FormDefect load_bad(const nbtest::TempDir& dir, const std::string& text) {
  auto path = dir.write("form.yaml", text);
  try {
    Form::load(path);
  } catch (const Error& e) {
    return {e.code(), e.where(), e.message(), path.string()};
  }
  ADD_FAILURE() << "the form loaded although it is defective:\n" << text;
  return {};
}

}  // namespace

TEST(FormDefects, TheSmallFormIsValid) {
  nbtest::TempDir dir;
  Form f = Form::load(dir.write("form.yaml", std::string(kHead) + kTable + kRules));
  ASSERT_NE(f.table("t"), nullptr);
  EXPECT_EQ(f.cell_keys().size(), 4u);
  EXPECT_EQ(f.table("t")->grid_rows, 3);
  EXPECT_EQ(f.rules.size(), 1u);
}

TEST(FormDefects, LayoutCellOverlappingARowSpan) {
  nbtest::TempDir dir;
  // 乙 spans two rows in column 3; the wide cell of the second row runs into it.
  std::string table = std::string(kTable);
  table = replaced(table, "    grid_columns: 3\n", "    grid_columns: 4\n");
  table = replaced(table, "      b: 乙\n", "      b: 乙\n      c: 丙\n");
  table = replaced(table, "      - [{header: 项目}, 甲, 乙]\n",
                   "      - [项目, 甲, {header: 乙, rowspan: 2}, 丙]\n"
                   "      - [首, {header: 宽, colspan: 2}, 尾]\n");
  std::string text = std::string(kHead) + table + kRules;
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("overlaps"), std::string::npos) << d.message;
  EXPECT_EQ(d.where.file, d.path);
  SourceLoc expected = position_of(text, "{header: 宽");
  EXPECT_GT(d.where.line, 0);
  EXPECT_EQ(d.where.line, expected.line);
  EXPECT_EQ(d.where.column, expected.column);  // characters: 首 counts one
}

TEST(FormDefects, UnknownRowKeyInValues) {
  nbtest::TempDir dir;
  std::string text = std::string(kHead) + replaced(kTable, "{values: y}", "{values: yy}") + kRules;
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("unknown row 'yy'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("did you mean 'y'"), std::string::npos) << d.message;
  SourceLoc expected = position_of(text, "yy}");
  EXPECT_EQ(d.where.line, expected.line);
  EXPECT_EQ(d.where.column, expected.column);
}

TEST(FormDefects, UnknownTopLevelKeySuggestsTheRightOne) {
  nbtest::TempDir dir;
  std::string text = replaced(std::string(kHead) + kTable + kRules, "title:", "titel:");
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("unknown key 'titel'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("did you mean 'title'"), std::string::npos) << d.message;
  EXPECT_EQ(d.where.line, 2);
  EXPECT_EQ(d.where.column, 1);
}

TEST(FormDefects, RuleReferencingAnUnknownRow) {
  nbtest::TempDir dir;
  std::string text = std::string(kHead) + kTable + replaced(kRules, "rhs: [y]", "rhs: [y, zz]");
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("unknown row 'zz'"), std::string::npos) << d.message;
  SourceLoc expected = position_of(text, "zz]");
  EXPECT_GT(d.where.line, 0);
  EXPECT_EQ(d.where.line, expected.line);
  EXPECT_EQ(d.where.column, expected.column);
}

TEST(FormDefects, RuleRangeRunningBackwards) {
  nbtest::TempDir dir;
  std::string text = std::string(kHead) + kTable + replaced(kRules, "rhs: [y]", "rhs: [y..x]");
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("runs backwards"), std::string::npos) << d.message;
  EXPECT_EQ(d.where.line, position_of(text, "y..x").line);
}

TEST(FormDefects, CellNotPlacedInTheLayout) {
  nbtest::TempDir dir;
  std::string text = std::string(kHead) + replaced(kTable, "      y: 行二\n", "      y: 行二\n      z: 行三\n") + kRules;
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_GT(d.where.line, 0);
  EXPECT_NE(d.message.find("cell z.a is not placed in the layout"), std::string::npos) << d.message;
}

TEST(FormDefects, ValueCellsThatDoNotFitTheGrid) {
  nbtest::TempDir dir;
  std::string text = std::string(kHead) + replaced(kTable, "      b: 乙\n", "      b: 乙\n      c: 丙\n") + kRules;
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("does not fit"), std::string::npos) << d.message;
  EXPECT_EQ(d.where.line, position_of(text, "{values: x}").line);
}

TEST(FormDefects, GridSlotLeftEmpty) {
  nbtest::TempDir dir;
  std::string text = std::string(kHead) + replaced(kTable, "[{header: 项目}, 甲, 乙]", "[{header: 项目}, 甲]") + kRules;
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("grid row 1 leaves column 3 empty"), std::string::npos) << d.message;
  EXPECT_GT(d.where.line, 0);
}

TEST(FormDefects, UnknownKindInARule) {
  nbtest::TempDir dir;
  std::string text = std::string(kHead) + kTable + kRules + "    kinds: [townshp]\n";
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("unknown kind 'townshp'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("did you mean 'township'"), std::string::npos) << d.message;
  EXPECT_EQ(d.where.line, position_of(text, "townshp").line);
}

TEST(FormDefects, YamlSyntaxErrorIsAConfigError) {
  nbtest::TempDir dir;
  std::string text = std::string(kHead) + kTable + kRules + "  - {id: S2, check: [\n";
  FormDefect d = load_bad(dir, text);
  EXPECT_EQ(d.code, ExitCode::config);
  EXPECT_NE(d.message.find("YAML syntax error"), std::string::npos) << d.message;
  EXPECT_GT(d.where.line, 0);
}

TEST(FormDefects, MissingFormFileIsMissingInput) {
  nbtest::TempDir dir;
  try {
    Form::load(dir.path() / "absent.yaml");
    FAIL() << "loaded a missing form";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_input);
    EXPECT_NE(std::string(e.what()).find("absent.yaml"), std::string::npos) << e.what();
  }
}
