// Tables and rosters from a grid of cells, as spreadsheets hold them: what
// the csv and xlsx input plugins share, so that a CSV export and the workbook
// it came from read alike.
//
// Usage (inside an input plugin):
//   Grid g;                                 // rows of cells, 1-based, and how to name a cell
//   g.at = [&](int row, int col) { return SourceLoc{file, row, col, column_letters(col)}; };
//   Report r = read_official_table(form, *form.table("applications"), g);   // problems in r.problems
//   std::vector<Report> agencies = read_roster(form, g, rq.files, decode);  // one per row, each with its problems
// A table is matched by its labels as the form prints them (after NFKC,
// white space and case folding), whatever the header and band rows look like
// once merged cells are exported (empty, or repeated). Every problem is kept
// and reading goes on, so a user sees them all in one run.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/form.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/report.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nianbao {

struct GridField {
  int row = 0, column = 0;  // 1-based
  std::string text;         // as the user sees it; numbers in plain decimal notation
};

struct NIANBAO_API GridRow {
  int row = 0;
  std::vector<GridField> fields;  // in column order; gaps allowed
  bool blank() const;
};

struct Grid {
  std::vector<GridRow> rows;
  // Names a cell in messages: "applications.csv:7:C", "卢氏县.xlsx [表三] D12".
  std::function<SourceLoc(int row, int column)> at;
};

// A spreadsheet column's letters: 1 → A, 27 → AA.
NIANBAO_API std::string column_letters(int column);

// Whether `text` is a table value (a number, na, /) rather than a label.
NIANBAO_API bool is_table_value(const std::string& text);

// One table of the form, in the official layout (or a simple grid by keys).
NIANBAO_API Report read_official_table(const Form& form, const TableDef& table, const Grid& grid);

// How a roster's text cell that names a .txt file becomes text: the plugin
// decodes the bytes the core read (UTF-8 or GB18030).
using TextDecoder = std::function<std::string(const DataFile& file, const SourceLoc& named_at)>;

// A roster: a header row naming the columns — by key (agency, text.overview,
// applications.new_received.natural_person) or by the form's own Chinese
// labels as nianbao's messages print them (单位名称, 一、总体情况, 三、收到和处理
// 政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 自然人) — then one
// agency per row. A row's problems stay with its agency; a problem with the
// header is every row's.
NIANBAO_API std::vector<Report> read_roster(const Form& form, const Grid& grid, InputFiles& files, const TextDecoder& decode);

// Sets the report's own field `key` — agency, year, kind, region, preface,
// signature.name/.date (gathered in `sig`: its two halves may come from two
// cells), text.*, contact.* — from `value` written at `at`, as a roster or a
// workbook's cover gives it; `text` makes a text field's value (a roster's
// cell may name a .txt file). Returns false for a key that is no such field
// (a table cell's). Throws nianbao::Error(data) for a value it cannot take.
NIANBAO_API bool set_report_field(const Form& form, Report& r, std::optional<Signature>& sig, const std::string& key,
                                  const std::string& value, const SourceLoc& at,
                                  const std::function<Text(const std::string& value, const SourceLoc& at)>& text);

// The roster column names in the users' language, in order: what a roster
// workbook's header row says (`nianbao template --roster`).
NIANBAO_API std::vector<RosterColumn> roster_columns(const Form& form);

}  // namespace nianbao
