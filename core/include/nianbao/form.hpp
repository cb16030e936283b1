// The form: the national format as data (config/forms/*.yaml).
//
// Usage:
//   Form form = Form::load("config/forms/gov-info-disclosure-2021.yaml");
//   const TableDef* t = form.table("applications");
//   form.is_cell("applications.new_received.natural_person");   // true
//   form.cell_label("applications.new_received.natural_person");
//     // "三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 自然人"
// Loading validates the whole form: keys, labels, the table grids (every grid
// slot covered exactly once, every cell placed once) and the rules.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/error.hpp>
#include <nianbao/report.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nianbao {

enum class ValueType { count, amount };  // non-negative integer | non-negative decimal (万元)

struct ColumnDef {
  std::string key;
  std::string label;
  ValueType type = ValueType::count;
};

struct RowDef {
  std::string key;
  std::string label;
  std::string group;                 // enclosing group label, e.g. （三）不予公开; may be empty
  std::vector<std::string> columns;  // the column keys this row has, in grid order
};

// One cell of a table's printed grid, placed at (row, col) of the header or body.
struct GridCell {
  enum class Role { header, band, label, value };
  Role role = Role::label;
  std::string text;      // header/band/label text
  std::string row_key;   // value cells: the row …
  std::string column_key;  // … and column they show
  int row = 0, col = 0, rowspan = 1, colspan = 1;
};

struct NIANBAO_API TableDef {
  std::string key;
  std::string title;   // heading of the section that shows the table
  int grid_columns = 0;
  int header_rows = 0;  // leading grid rows that repeat on a new page
  int grid_rows = 0;
  std::vector<ColumnDef> columns;
  std::vector<RowDef> rows;
  std::vector<GridCell> cells;  // header then body, row-major

  const RowDef* row(const std::string& key) const;
  const ColumnDef* column(const std::string& key) const;
  bool has_cell(const std::string& row_key, const std::string& column_key) const;
};

struct SectionDef {
  enum class Kind { text, table };
  std::string key;      // text: key under `text:` in the data; table: the table key
  std::string heading;  // verbatim, e.g. 一、总体情况
  Kind kind = Kind::text;
};

struct KindDef {
  std::string key;    // township
  std::string label;  // 乡镇人民政府
};

// A sum of cells under a name: a column of the county summary (新收 =
// applications.new_received.total), a key total a rule compares.
struct SummaryColumn {
  std::string label;
  std::vector<std::string> cells;
};

// A count the text may quote (R10): one of `words`, then — in the same
// clause, with one of `near` in between when given — a number and 件. The
// number must equal one of `sums` (an office may count 收到 as new, or as
// new plus carried over).
struct TextCount {
  std::vector<std::string> words, near;
  std::vector<SummaryColumn> sums;
};

// The prefix of a rule term that names last year's cell (R6: last_year.carry_forward).
inline constexpr const char* kLastYear = "last_year.";

struct RuleDef {
  enum class Check { equal_sums, at_most, filled, zero, change, text_counts, text_mentions };
  enum class Axis { column, row };
  std::string id;
  std::string severity = "error";  // error | warning
  Check check = Check::equal_sums;
  std::string table;                   // equal_sums, at_most, zero
  Axis for_each = Axis::column;        // equal_sums, at_most: iterate columns (sums over rows) or rows
  std::vector<std::string> over;       // the columns/rows iterated; empty = all that apply
  // equal_sums, at_most (lhs ≤ rhs): keys along the other axis (ranges
  // expanded); a term written last_year.<key> keeps its prefix and is a cell
  // of last year's report.
  std::vector<std::string> lhs, rhs;
  bool cross_year = false;             // needs last year's report (skipped without one)
  std::vector<std::string> rows;       // zero: rows that must be 0
  std::vector<std::string> tables;     // filled: tables checked; empty = all
  std::vector<std::string> kinds;      // report kinds the rule applies to; empty = all
  std::string message;                 // template: {lhs} {rhs} {value} {kind} …
  std::map<std::string, std::string> messages;  // filled: blank, not_applicable, negative, fraction
  std::string not_applicable_severity = "warning";
  // change: each total against last year's; a warning beyond `factor` either
  // way, unless both years stay under `floor`.
  std::vector<SummaryColumn> totals;
  Decimal factor, floor;
  // text_counts, text_mentions: the text section read
  std::string section;
  std::vector<TextCount> counts;             // text_counts
  std::vector<std::string> any, all;         // text_mentions: one of / every one of these words
  std::vector<std::string> when_above_zero;  // text_mentions: only when these cells sum above 0
  SourceLoc source;
};

struct NIANBAO_API Form {
  std::string id;
  std::string name;
  std::string title_pattern;  // {agency}{year}年政府信息公开工作年度报告
  std::filesystem::path path;
  std::vector<KindDef> kinds;
  std::vector<SectionDef> sections;
  std::vector<TableDef> tables;
  std::vector<RuleDef> rules;
  std::vector<SummaryColumn> summary;

  // Throws Error(ExitCode::config) with file:line:column for any defect.
  static Form load(const std::filesystem::path& file);

  const TableDef* table(const std::string& key) const;
  const KindDef* kind(const std::string& key) const;
  std::vector<std::string> kind_keys() const;
  std::vector<std::string> text_section_keys() const;

  bool is_cell(const std::string& key) const;
  // Every canonical cell key, in form order.
  std::vector<std::string> cell_keys() const;
  ValueType cell_type(const std::string& key) const;
  // Table title · group · row label · column label (the parts that exist).
  std::string cell_label(const std::string& key) const;

  // What every input plugin does with a cell as written: "" → blank, "na"
  // or "/" → not applicable, otherwise a non-negative number (whole for
  // counts, up to four places for amounts). Throws Error(ExitCode::data) at
  // `at` with the cell's labels and what to write instead.
  Cell parse_cell(const std::string& key, const std::string& text, const SourceLoc& at) const;
  // A report year (2000–2100) and a kind key, with the same errors everywhere.
  int parse_year(const std::string& text, const SourceLoc& at) const;
  void check_kind(const std::string& kind, const SourceLoc& at) const;
  // A kind as users write it — its key (township) or its label (乡镇人民政府) —
  // as its key; Error(data) at `at` listing both when it is neither.
  std::string parse_kind(const std::string& text, const SourceLoc& at) const;
};

// Splits "table.row.column"; false when it does not have three parts.
NIANBAO_API bool split_cell_key(const std::string& key, std::string& table, std::string& row,
                                std::string& column);

}  // namespace nianbao
