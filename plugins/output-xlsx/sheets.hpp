// What every workbook the xlsx output writes is made of: the workbook and its
// formats, a sheet per table laid out from the Document's grid (the same
// header rows and merged ranges the form prints), and the page setup.
#pragma once
#include <nianbao/decimal.hpp>
#include <nianbao/document.hpp>
#include <nianbao/error.hpp>

#include <xlsxwriter.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace xlsx_output {

constexpr double kLineHeight = 14.25;  // points per text line at 11 pt
constexpr int kTableTop = 1;           // row 0 holds the sheet's heading

// Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules).
std::string sheet_name(const std::string& s);

// "D12" for (row 11, column 3), 0-based; absolute ($D$12) for formulas that
// other cells copy.
std::string cell_ref(int row, int col, bool absolute = false);

void lxw_ok(lxw_error e, const std::string& what);

class Workbook {
 public:
  Workbook(const std::filesystem::path& path, const std::string& title, const std::string& author, const std::string& date);
  ~Workbook();
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;
  // Writes the file: Error 73 (no room) or 74 with libxlsxwriter's reason.
  void close();
  lxw_workbook* get() { return wb_; }
  lxw_format* format(bool border, bool bold, lxw_format_alignments align, const char* num_format = nullptr, int size = 11,
                     lxw_color_t fill = LXW_COLOR_WHITE);

 private:
  lxw_workbook* wb_ = nullptr;
  std::string title_, author_, path_;
  lxw_doc_properties props_{};
};

struct Formats {
  explicit Formats(Workbook& wb);
  struct Row {
    Row(Workbook& wb, lxw_color_t fill);
    lxw_format *text, *integer, *note;
  };
  lxw_format *title, *header, *label, *text, *plain;
  lxw_format* number[nianbao::Decimal::max_places + 1];
  lxw_format* input;      // a cell to fill in: unlocked, light yellow
  lxw_format* input_text;  // the same for long text: top-left, wrapped
  lxw_format* check;       // a check's status beside its row or under its column
  Row ok_row, error_row, warning_row;
};

// A4, one page wide, the heading rows repeated, the agency named at the top
// of every printed page and the page number at the foot.
void page_setup(lxw_worksheet* ws, bool landscape, int repeat_first, int repeat_last, const std::string& header_left);

// A table on a sheet of its own, as the form prints it. With `fill_in`, its
// value cells are left for the user: unlocked, validated (whole numbers ≥ 0,
// 万元 decimals ≥ 0, or / where not applicable) with an input message.
// Returns where each value cell stands (key → row, column; 0-based).
std::map<std::string, std::pair<int, int>> write_table(Workbook& wb, Formats& fm, lxw_worksheet* ws, const std::string& heading,
                                                       const nianbao::Table& t, bool fill_in);

// The sheet for a table, with column widths and row heights that fit its labels.
lxw_worksheet* table_sheet(Workbook& wb, const std::string& heading);

// The tables of a Document with the heading each stands under (附表1 … when a
// profile puts them after the 落款), spans checked before a byte is written:
// libxlsxwriter would accept overlapping merges and Excel would then call the
// file corrupt.
std::vector<std::pair<std::string, const nianbao::Table*>> document_tables(const nianbao::Document& doc);

}  // namespace xlsx_output
