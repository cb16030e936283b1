// Output plugin `xlsx`: the report's three tables as the form lays them out,
// one sheet each, with the check findings on a sheet of their own; and, for a
// whole build, the county workbook that shows at a glance who is wrong.
#include <nianbao/compose.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>

#include <unicode/coll.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <set>

namespace {

using nianbao::Error;
using nianbao::ExitCode;

constexpr double kLineHeight = 14.25;  // points per text line at 11 pt
constexpr int kTableTop = 1;           // row 0 holds the sheet's heading

// Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules).
std::string sheet_name(const std::string& s) {
  std::u32string u = nianbao::to_u32(s), out;
  for (char32_t c : u) {
    if (std::u32string_view(U"[]:*?/\\").find(c) != std::u32string_view::npos) c = U'_';
    if (out.size() < 31) out.push_back(c);
  }
  return nianbao::to_utf8(out);
}

class Workbook {
 public:
  Workbook(const std::filesystem::path& path, const std::string& title, const std::string& author, const std::string& date)
      : title_(title), author_(author) {
    lxw_workbook_options opts{};
    opts.constant_memory = LXW_FALSE;  // cells are written out of row order
    wb_ = workbook_new_opt(path.c_str(), &opts);
    if (!wb_) throw Error(ExitCode::cant_create, "cannot create the workbook", {path.string()});
    props_.title = title_.data();
    props_.author = author_.data();
    props_.created = nianbao::midnight_utc(date, 946684800);  // 2000-01-01, never the clock
    workbook_set_properties(wb_, &props_);
    path_ = path.filename().string();
  }
  ~Workbook() {
    if (wb_) workbook_close(wb_);  // only on an error path; the file is then discarded
  }
  void close() {
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
  lxw_workbook* get() { return wb_; }

  lxw_format* format(bool border, bool bold, lxw_format_alignments align, const char* num_format = nullptr, int size = 11,
                     lxw_color_t fill = LXW_COLOR_WHITE) {
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

 private:
  lxw_workbook* wb_ = nullptr;
  std::string title_, author_, path_;
  lxw_doc_properties props_{};
};

void lxw_ok(lxw_error e, const std::string& what) {
  if (e != LXW_NO_ERROR) throw Error(ExitCode::software, what + ": " + lxw_strerror(e));
}

// Column widths (Excel character units: a CJK character is two) that fit
// every single-column text up to `cap`, and row heights for the wrapped lines.
struct Geometry {
  std::vector<double> widths;
  std::vector<double> heights;
};

Geometry measure_table(const nianbao::Table& t) {
  Geometry g{std::vector<double>(static_cast<std::size_t>(t.columns), 6.0), std::vector<double>(static_cast<std::size_t>(t.rows), kLineHeight + 3)};
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

class XlsxOutput : public nianbao::OutputPlugin {
 public:
  void write(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) override {
    // Spans are checked before a byte is written: libxlsxwriter would accept
    // overlapping merges and Excel would then call the file corrupt.
    std::vector<std::pair<std::string, const nianbao::Table*>> tables;
    std::string heading;
    for (const auto& b : rq.doc.blocks) {
      if (auto h = std::get_if<nianbao::Heading>(&b); h && h->level == 1) heading = h->text;
      if (auto a = std::get_if<nianbao::Attachment>(&b)) heading = a->label + " " + a->title;  // 附表1 主动公开政府信息情况
      if (auto t = std::get_if<nianbao::Table>(&b)) {
        t->validate();
        tables.emplace_back(heading, t);
      }
    }
    Workbook wb(files.create(rq.doc.file_stem + ".xlsx"), rq.doc.title, rq.doc.author, rq.doc.build_date);
    Formats fm(wb);
    for (const auto& [name, t] : tables) write_table(wb, fm, name, *t, rq.doc.title);
    write_findings(wb, fm, rq.findings);
    wb.close();
  }

  bool writes_summary() const override { return true; }

  void write_summary(const nianbao::SummaryRequest& rq, nianbao::OutputFiles& files) override {
    std::string name = nianbao::safe_file_stem(rq.options.string("summary_name"));
    Workbook wb(files.create(name + ".xlsx"), name, "", rq.date);
    Formats fm(wb);
    lxw_worksheet* ws = workbook_add_worksheet(wb.get(), "汇总");
    std::vector<std::string> head = {"单位", "类型", "年度"};
    for (const auto& c : rq.form.summary) head.push_back(c.label);
    head.insert(head.end(), {"检查结果", "说明"});
    for (std::size_t c = 0; c < head.size(); ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), head[c].c_str(), fm.header);

    // Sorted as the county publishes: by kind in the form's order, then by name (pinyin).
    std::vector<const nianbao::SummaryEntry*> rows;
    for (const auto& e : rq.entries) rows.push_back(&e);
    auto kind_rank = [&](const std::string& k) {
      for (std::size_t i = 0; i < rq.form.kinds.size(); ++i)
        if (rq.form.kinds[i].key == k) return i;
      return rq.form.kinds.size();
    };
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> coll(icu::Collator::createInstance(icu::Locale("zh"), status));
    std::stable_sort(rows.begin(), rows.end(), [&](const auto* a, const auto* b) {
      if (kind_rank(a->kind) != kind_rank(b->kind)) return kind_rank(a->kind) < kind_rank(b->kind);
      if (!coll || U_FAILURE(status)) return a->agency < b->agency;
      UErrorCode s = U_ZERO_ERROR;
      return coll->compareUTF8(a->agency, b->agency, s) == UCOL_LESS;
    });

    double widths[64] = {};
    for (std::size_t c = 0; c < head.size() && c < 64; ++c) widths[c] = nianbao::display_width(head[c], 2) + 2;
    lxw_row_t r = 1;
    for (const auto* e : rows) {
      bool errors = e->status != ExitCode::ok || nianbao::has_errors(e->findings);
      bool warnings = !e->findings.empty() && !errors;
      const Formats::Row& f = errors ? fm.error_row : warnings ? fm.warning_row : fm.ok_row;
      std::set<std::string> rules;
      for (const auto& x : e->findings) rules.insert(x.rule);
      std::string rule_list = nianbao::join(std::vector<std::string>(rules.begin(), rules.end()), "、");
      std::string verdict = e->status != ExitCode::ok && e->findings.empty() ? "未生成"
                            : errors                                         ? "错误：" + rule_list
                            : warnings                                       ? "警告：" + rule_list
                                                                             : "通过";
      std::string note = e->error;
      if (note.empty())
        for (const auto& x : e->findings) note += (note.empty() ? "" : "\n") + x.message;
      std::vector<std::string> texts = {e->agency.empty() ? e->id : e->agency, e->kind_label.empty() ? e->kind : e->kind_label};
      lxw_col_t c = 0;
      for (const auto& s : texts) worksheet_write_string(ws, r, c++, s.c_str(), f.text);
      if (e->year) worksheet_write_number(ws, r, c++, e->year, f.integer);
      else worksheet_write_blank(ws, r, c++, f.text);
      for (std::size_t i = 0; i < rq.form.summary.size(); ++i, ++c) {
        if (i < e->values.size() && e->values[i]) worksheet_write_number(ws, r, c, e->values[i]->to_double(), f.integer);
        else worksheet_write_blank(ws, r, c, f.text);
      }
      worksheet_write_string(ws, r, c++, verdict.c_str(), f.text);
      worksheet_write_string(ws, r, c, note.c_str(), f.note);
      widths[0] = std::max(widths[0], static_cast<double>(nianbao::display_width(texts[0], 2) + 2));
      widths[1] = std::max(widths[1], static_cast<double>(nianbao::display_width(texts[1], 2) + 2));
      widths[c - 1] = std::max(widths[c - 1], std::min(40.0, static_cast<double>(nianbao::display_width(verdict, 2) + 2)));
      ++r;
    }
    for (std::size_t c = 0; c < head.size() && c < 64; ++c)
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), c + 1 == head.size() ? 50 : widths[c], nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    lxw_ok(worksheet_autofilter(ws, 0, 0, r - 1, static_cast<lxw_col_t>(head.size() - 1)), "autofilter");
    page_setup(ws, true, 0, 0);
    wb.close();
  }

 private:
  struct Formats {
    explicit Formats(Workbook& wb)
        : title(wb.format(false, true, LXW_ALIGN_CENTER, nullptr, 14)),
          header(wb.format(true, true, LXW_ALIGN_CENTER)),
          label(wb.format(true, false, LXW_ALIGN_LEFT)),
          text(wb.format(true, false, LXW_ALIGN_CENTER)),
          ok_row(wb, LXW_COLOR_WHITE),
          error_row(wb, 0xF4CCCC),
          warning_row(wb, 0xFFF2CC) {
      for (int p = 0; p <= nianbao::Decimal::max_places; ++p) {
        std::string f = p == 0 ? "0" : "0." + std::string(static_cast<std::size_t>(p), '0');
        number[p] = wb.format(true, false, LXW_ALIGN_CENTER, f.c_str());
      }
    }
    struct Row {
      Row(Workbook& wb, lxw_color_t fill)
          : text(wb.format(true, false, LXW_ALIGN_LEFT, nullptr, 11, fill)),
            integer(wb.format(true, false, LXW_ALIGN_CENTER, "0", 11, fill)),
            note(wb.format(true, false, LXW_ALIGN_LEFT, nullptr, 10, fill)) {}
      lxw_format *text, *integer, *note;
    };
    lxw_format *title, *header, *label, *text;
    lxw_format* number[nianbao::Decimal::max_places + 1];
    Row ok_row, error_row, warning_row;
  };

  static void page_setup(lxw_worksheet* ws, bool landscape, int repeat_first, int repeat_last) {
    worksheet_set_paper(ws, 9);  // A4
    if (landscape) worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);  // one page wide, as many long as needed
    worksheet_set_margins(ws, 0.6, 0.6, 0.75, 0.75);
    worksheet_center_horizontally(ws);
    if (repeat_last >= repeat_first && repeat_last > 0) worksheet_repeat_rows(ws, static_cast<lxw_row_t>(repeat_first), static_cast<lxw_row_t>(repeat_last));
    worksheet_set_footer(ws, "&C— &P —");
  }

  static void write_table(Workbook& wb, Formats& fm, const std::string& heading, const nianbao::Table& t, const std::string&) {
    lxw_worksheet* ws = workbook_add_worksheet(wb.get(), sheet_name(heading).c_str());
    if (!ws) throw Error(ExitCode::software, "cannot add the sheet " + heading);
    Geometry g = measure_table(t);
    for (int c = 0; c < t.columns; ++c) worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), g.widths[static_cast<std::size_t>(c)], nullptr);
    worksheet_set_row(ws, 0, 24, nullptr);
    for (int r = 0; r < t.rows; ++r) worksheet_set_row(ws, static_cast<lxw_row_t>(r + kTableTop), g.heights[static_cast<std::size_t>(r)], nullptr);
    if (t.columns > 1)
      lxw_ok(worksheet_merge_range(ws, 0, 0, 0, static_cast<lxw_col_t>(t.columns - 1), heading.c_str(), fm.title), "merge");
    else
      worksheet_write_string(ws, 0, 0, heading.c_str(), fm.title);
    for (const auto& c : t.cells) {
      auto row = static_cast<lxw_row_t>(c.row + kTableTop);
      auto col = static_cast<lxw_col_t>(c.col);
      lxw_format* f = c.kind == nianbao::TableCell::Kind::header || c.kind == nianbao::TableCell::Kind::band ? fm.header
                      : c.kind == nianbao::TableCell::Kind::label                                            ? fm.label
                                                                                                             : fm.text;
      std::optional<nianbao::Decimal> number;
      if (c.kind == nianbao::TableCell::Kind::number) {
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
    page_setup(ws, t.columns > 10, kTableTop, kTableTop + t.header_rows - 1);
  }

  static void write_findings(Workbook& wb, Formats& fm, const std::vector<nianbao::Finding>& findings) {
    lxw_worksheet* ws = workbook_add_worksheet(wb.get(), "检查结果");
    const char* head[] = {"规则", "严重程度", "说明", "涉及的单元格"};
    for (lxw_col_t c = 0; c < 4; ++c) worksheet_write_string(ws, 0, c, head[c], fm.header);
    worksheet_set_column(ws, 0, 0, 8, nullptr);
    worksheet_set_column(ws, 1, 1, 10, nullptr);
    worksheet_set_column(ws, 2, 2, 60, nullptr);
    worksheet_set_column(ws, 3, 3, 80, nullptr);
    lxw_row_t r = 1;
    for (const auto& f : findings) {
      std::string cells;
      for (const auto& c : f.cells)
        cells += (cells.empty() ? "" : "\n") + c.label + " = " + (c.value.empty() ? "空白" : c.value) +
                 (c.source.known() ? "（" + c.source.str() + "）" : "");
      const Formats::Row& row = f.severity == nianbao::Severity::error ? fm.error_row : fm.warning_row;
      worksheet_write_string(ws, r, 0, f.rule.c_str(), row.text);
      worksheet_write_string(ws, r, 1, f.severity == nianbao::Severity::error ? "错误" : "警告", row.text);
      worksheet_write_string(ws, r, 2, f.message.c_str(), row.note);
      worksheet_write_string(ws, r, 3, cells.c_str(), row.note);
      worksheet_set_row(ws, r, std::max<double>(1, static_cast<double>(f.cells.size())) * 13 + 4, nullptr);
      ++r;
    }
    if (findings.empty()) worksheet_write_string(ws, 1, 0, "未发现问题", fm.ok_row.text);
    worksheet_freeze_panes(ws, 1, 0);
    page_setup(ws, true, 0, 0);
  }
};

const nianbao_option_spec kOptions[] = {
    {"summary_name", "string", "政府信息公开工作年度报告汇总", nullptr,
     "file name (without .xlsx) of the county workbook written for a whole build (manifest summary:)"},
};

}  // namespace

NIANBAO_OUTPUT_PLUGIN(XlsxOutput, "xlsx", "1.0.0", "Excel workbooks: the report's tables as the form lays them out; the county summary",
                      kOptions)
