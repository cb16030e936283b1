#include "sheets.hpp"

#include <unistd.h>

#include <nianbao/dates.hpp>
#include <nianbao/text.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>
#include <variant>

namespace xlsx_output {

using nianbao::Error;
using nianbao::ExitCode;

std::string sheet_name(const std::string& s) {
  std::u32string u = nianbao::to_u32(s), out;
  for (char32_t c : u) {
    if (std::u32string_view(U"[]:*?/\\").find(c) != std::u32string_view::npos) c = U'_';
    if (out.size() < 31) out.push_back(c);
  }
  return nianbao::to_utf8(out);
}

std::string cell_ref(int row, int col, bool absolute) {
  std::string letters;
  for (int c = col + 1; c > 0; c = (c - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  return absolute ? "$" + letters + "$" + std::to_string(row + 1) : letters + std::to_string(row + 1);
}

void lxw_ok(lxw_error e, const std::string& what) {
  if (e != LXW_NO_ERROR) throw Error(ExitCode::software, what + ": " + lxw_strerror(e));
}

Workbook::Workbook(const std::filesystem::path& path, const std::string& title, const std::string& author, const std::string& date)
    : title_(title), author_(author) {
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_FALSE;  // cells are written out of row order
  // libxlsxwriter stages each part of the package in a temporary file (13 a
  // workbook); in RAM-backed /dev/shm they cost no disk. They are unlinked
  // as soon as they are made, so a killed worker leaves none behind.
  static const std::string tmpdir = ::access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "";
  if (!tmpdir.empty()) opts.tmpdir = const_cast<char*>(tmpdir.c_str());
  wb_ = workbook_new_opt(path.c_str(), &opts);
  if (!wb_) throw Error(ExitCode::cant_create, "cannot create the workbook", {path.filename().string()});
  props_.title = title_.data();
  props_.author = author_.data();
  props_.created = nianbao::midnight_utc(date, 946684800);  // 2000-01-01, never the clock
  workbook_set_properties(wb_, &props_);
  path_ = path.filename().string();
}

Workbook::~Workbook() {
  if (wb_) workbook_close(wb_);  // only on an error path; the file is then discarded
}

void Workbook::close() {
  errno = 0;
  lxw_error e = workbook_close(wb_);
  wb_ = nullptr;
  if (e != LXW_NO_ERROR) {
    // libxlsxwriter says what failed, errno why: a full disk is 73, like every output's.
    int err = errno;
    bool no_room = err == ENOSPC || err == EDQUOT || err == EFBIG;
    throw Error(no_room ? ExitCode::cant_create : ExitCode::io,
                std::string("cannot write the workbook: ") + lxw_strerror(e) + (err ? std::string(" (") + std::strerror(err) + ")" : ""),
                {path_});
  }
}

lxw_format* Workbook::format(bool border, bool bold, lxw_format_alignments align, const char* num_format, int size, lxw_color_t fill) {
  lxw_format* f = workbook_add_format(wb_);
  format_set_font_name(f, "宋体");
  format_set_font_size(f, size);
  if (bold) format_set_bold(f);
  if (border) format_set_border(f, LXW_BORDER_THIN);
  format_set_align(f, align);
  format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
  format_set_text_wrap(f);
  if (num_format) format_set_num_format(f, num_format);
  if (fill != LXW_COLOR_WHITE) format_set_bg_color(f, fill);
  return f;
}

Formats::Row::Row(Workbook& wb, lxw_color_t fill)
    : text(wb.format(true, false, LXW_ALIGN_LEFT, nullptr, 11, fill)),
      integer(wb.format(true, false, LXW_ALIGN_CENTER, "0", 11, fill)),
      note(wb.format(true, false, LXW_ALIGN_LEFT, nullptr, 10, fill)) {}

Formats::Formats(Workbook& wb)
    : title(wb.format(false, true, LXW_ALIGN_CENTER, nullptr, 14)),
      header(wb.format(true, true, LXW_ALIGN_CENTER)),
      label(wb.format(true, false, LXW_ALIGN_LEFT)),
      text(wb.format(true, false, LXW_ALIGN_CENTER)),
      plain(wb.format(false, false, LXW_ALIGN_LEFT, nullptr, 10)),
      input(wb.format(true, false, LXW_ALIGN_CENTER, "General", 11, 0xFFF8D6)),
      input_text(wb.format(true, false, LXW_ALIGN_LEFT, "@", 11, 0xFFF8D6)),
      check(wb.format(false, false, LXW_ALIGN_LEFT, nullptr, 9)),
      ok_row(wb, LXW_COLOR_WHITE),
      error_row(wb, 0xF4CCCC),
      warning_row(wb, 0xFFF2CC) {
  for (int p = 0; p <= nianbao::Decimal::max_places; ++p) {
    std::string f = p == 0 ? "0" : "0." + std::string(static_cast<std::size_t>(p), '0');
    number[p] = wb.format(true, false, LXW_ALIGN_CENTER, f.c_str());
  }
  format_set_unlocked(input);
  format_set_unlocked(input_text);
  format_set_align(input_text, LXW_ALIGN_VERTICAL_TOP);
}

void page_setup(lxw_worksheet* ws, bool landscape, int repeat_first, int repeat_last, const std::string& header_left) {
  worksheet_set_paper(ws, 9);  // A4
  if (landscape) worksheet_set_landscape(ws);
  worksheet_fit_to_pages(ws, 1, 0);  // one page wide, as many long as needed
  worksheet_set_margins(ws, 0.6, 0.6, 0.75, 0.75);
  worksheet_center_horizontally(ws);
  if (repeat_last >= repeat_first && repeat_last > 0)
    worksheet_repeat_rows(ws, static_cast<lxw_row_t>(repeat_first), static_cast<lxw_row_t>(repeat_last));
  // Whose page this is, on every printed sheet; '&' is a header code, doubled to print.
  std::string who;
  for (char c : header_left) who += c == '&' ? std::string("&&") : std::string(1, c);
  std::string header = "&L" + who;
  worksheet_set_header(ws, header.c_str());
  worksheet_set_footer(ws, "&C— &P —");
}

namespace {

struct Geometry {
  std::vector<double> widths;
  std::vector<double> heights;
};

// Column widths (Excel character units: a CJK character is two) that fit
// every single-column text up to a cap, and row heights for the wrapped lines.
Geometry measure_table(const nianbao::Table& t) {
  Geometry g{std::vector<double>(static_cast<std::size_t>(t.columns), 6.0),
             std::vector<double>(static_cast<std::size_t>(t.rows), kLineHeight + 3)};
  auto width_of = [](const std::string& s) { return static_cast<double>(nianbao::display_width(s, 2)); };
  for (const auto& c : t.cells) {
    if (c.colspan != 1) continue;
    double cap = c.kind == nianbao::TableCell::Kind::label ? 36 : 12;
    auto& w = g.widths[static_cast<std::size_t>(c.col)];
    w = std::max(w, std::min(width_of(c.text) + 2, cap));
  }
  auto span_width = [&](const nianbao::TableCell& c) {
    double s = 0;
    for (int k = c.col; k < c.col + c.colspan; ++k) s += g.widths[static_cast<std::size_t>(k)];
    return s;
  };
  auto lines = [&](const nianbao::TableCell& c) {
    return std::max(1.0, std::ceil(width_of(c.text) / std::max(1.0, span_width(c) - 2)));
  };
  for (const auto& c : t.cells)
    if (c.rowspan == 1) {
      auto& h = g.heights[static_cast<std::size_t>(c.row)];
      h = std::max(h, lines(c) * kLineHeight + 3);
    }
  for (const auto& c : t.cells) {
    if (c.rowspan == 1) continue;
    double have = 0;
    for (int r = c.row; r < c.row + c.rowspan; ++r) have += g.heights[static_cast<std::size_t>(r)];
    double need = lines(c) * kLineHeight + 3;
    if (need > have) g.heights[static_cast<std::size_t>(c.row + c.rowspan - 1)] += need - have;
  }
  return g;
}

// A value cell to fill in: a number ≥ 0 (whole for counts), or / where the
// item does not apply — nothing else goes in, and the clerk is told so.
void validate_input(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, bool decimal) {
  std::string c = cell_ref(static_cast<int>(row), static_cast<int>(col));
  std::string formula = decimal ? "=OR(" + c + "=\"/\",AND(ISNUMBER(" + c + ")," + c + ">=0))"
                                : "=OR(" + c + "=\"/\",AND(ISNUMBER(" + c + ")," + c + ">=0," + c + "=INT(" + c + ")))";
  static char title[] = "填写说明";
  static char count_msg[] = "填阿拉伯数字：件数为不小于 0 的整数。没有发生的填 0，不适用的填 /，不要留空。";
  static char amount_msg[] = "填金额（万元）：不小于 0 的数，小数照实填写。没有收费的填 0，不适用的填 /，不要留空。";
  static char err_title[] = "这里只能填数字或 /";
  static char count_err[] = "件数应为不小于 0 的整数；不适用的填 /。";
  static char amount_err[] = "金额（万元）应为不小于 0 的数；不适用的填 /。";
  lxw_data_validation dv{};
  dv.validate = LXW_VALIDATION_TYPE_CUSTOM_FORMULA;
  dv.value_formula = formula.data();
  dv.ignore_blank = LXW_VALIDATION_ON;
  dv.show_input = LXW_VALIDATION_ON;
  dv.show_error = LXW_VALIDATION_ON;
  dv.input_title = title;
  dv.input_message = decimal ? amount_msg : count_msg;
  dv.error_title = err_title;
  dv.error_message = decimal ? amount_err : count_err;
  lxw_ok(worksheet_data_validation_cell(ws, row, col, &dv), "data validation");
}

}  // namespace

lxw_worksheet* table_sheet(Workbook& wb, const std::string& heading) {
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), sheet_name(heading).c_str());
  if (!ws) throw Error(ExitCode::software, "cannot add the sheet " + heading);
  return ws;
}

std::map<std::string, std::pair<int, int>> write_table(Workbook&, Formats& fm, lxw_worksheet* ws, const std::string& heading,
                                                       const nianbao::Table& t, bool fill_in) {
  std::map<std::string, std::pair<int, int>> where;
  Geometry g = measure_table(t);
  for (int c = 0; c < t.columns; ++c)
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), g.widths[static_cast<std::size_t>(c)], nullptr);
  worksheet_set_row(ws, 0, 24, nullptr);
  for (int r = 0; r < t.rows; ++r)
    worksheet_set_row(ws, static_cast<lxw_row_t>(r + kTableTop), g.heights[static_cast<std::size_t>(r)], nullptr);
  if (t.columns > 1)
    lxw_ok(worksheet_merge_range(ws, 0, 0, 0, static_cast<lxw_col_t>(t.columns - 1), heading.c_str(), fm.title), "merge");
  else
    worksheet_write_string(ws, 0, 0, heading.c_str(), fm.title);
  for (const auto& c : t.cells) {
    auto row = static_cast<lxw_row_t>(c.row + kTableTop);
    auto col = static_cast<lxw_col_t>(c.col);
    using Kind = nianbao::TableCell::Kind;
    bool value = c.kind == Kind::number || c.kind == Kind::blank || c.kind == Kind::not_applicable;
    if (value && !c.key.empty()) where[c.key] = {static_cast<int>(row), static_cast<int>(col)};
    if (fill_in && value && !c.key.empty()) {
      worksheet_write_blank(ws, row, col, fm.input);
      validate_input(ws, row, col, c.decimal);
      continue;
    }
    lxw_format* f = c.kind == Kind::header || c.kind == Kind::band ? fm.header : c.kind == Kind::label ? fm.label : fm.text;
    std::optional<nianbao::Decimal> number;
    if (c.kind == Kind::number) {
      number = nianbao::Decimal::parse(c.text);
      f = fm.number[number ? number->places() : 0];
    }
    bool merged = c.rowspan > 1 || c.colspan > 1;
    if (merged)
      lxw_ok(worksheet_merge_range(ws, row, col, static_cast<lxw_row_t>(row + c.rowspan - 1),
                                   static_cast<lxw_col_t>(col + c.colspan - 1), number ? "" : c.text.c_str(), f),
             "merge");
    // The first cell of a merged range may be overwritten with a number.
    if (number) worksheet_write_number(ws, row, col, number->to_double(), f);
    else if (!merged && c.text.empty()) worksheet_write_blank(ws, row, col, f);
    else if (!merged) worksheet_write_string(ws, row, col, c.text.c_str(), f);
  }
  return where;
}

std::vector<std::pair<std::string, const nianbao::Table*>> document_tables(const nianbao::Document& doc) {
  std::vector<std::pair<std::string, const nianbao::Table*>> tables;
  std::string heading;
  for (const auto& b : doc.blocks) {
    if (auto h = std::get_if<nianbao::Heading>(&b); h && h->level == 1) heading = h->text;
    if (auto a = std::get_if<nianbao::Attachment>(&b)) heading = a->label + " " + a->title;  // 附表1 主动公开政府信息情况
    if (auto t = std::get_if<nianbao::Table>(&b)) {
      t->validate();
      tables.emplace_back(heading, t);
    }
  }
  return tables;
}

}  // namespace xlsx_output
