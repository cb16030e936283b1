// Input plugin `xlsx`: the workbooks agencies fill in, in Excel, WPS or
// LibreOffice (.xlsx and .ods). A workbook is one of:
//  - a roster: a sheet whose first row names the columns (单位名称, 年度, … or
//    the keys), one agency per row;
//  - one agency's report: its cover (单位名称 … beside their values), its
//    texts (一、总体情况 beside the text) and the three tables in the
//    official layout, on one sheet or on three — a filled `nianbao
//    template`, or any workbook laid out as the form prints the tables.
// Errors name the workbook, the sheet and the cell as Excel shows them:
// 卢氏县2023.xlsx [三、收到和处理政府信息公开申请情况] D12.
#include "csv_reader.hpp"
#include "roster_text.hpp"
#include "workbook.hpp"

#include <nianbao/dates.hpp>
#include <nianbao/grid_input.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>

#include <ctime>
#include <map>
#include <optional>
#include <set>

namespace {

using nianbao::Error;
using nianbao::ExitCode;
using xlsx_input::Sheet;

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Text typed where a number goes: full-width digits (３, １２．５) are what
// Chinese input methods type, and read as the numbers they are.
std::string as_typed(const xlsx_input::Value& v) {
  if (v.number) return v.text;
  std::string t = trim(v.text);
  if (t.empty()) return t;
  std::string n = nianbao::normalize_label(t);
  return nianbao::Decimal::parse(n) || n == "na" || n == "/" ? n : t;
}

// A sheet's rows from `first` to `last` (inclusive) as a grid.
nianbao::Grid grid_of(const Sheet& sheet, const std::string& display, int first = 1, int last = 1 << 30) {
  nianbao::Grid g;
  int current = 0;
  for (const auto& [rc, v] : sheet.cells) {
    auto [row, col] = rc;
    if (row < first || row > last) continue;
    if (row != current) {
      g.rows.push_back(nianbao::GridRow{row, {}});
      current = row;
    }
    auto& fields = g.rows.back().fields;
    while (static_cast<int>(fields.size()) < col - 1)
      fields.push_back({row, static_cast<int>(fields.size()) + 1, ""});  // the cells between, as a CSV export has them
    fields.push_back({row, col, as_typed(v)});
  }
  g.at = [display, name = sheet.name](int row, int column) {
    return nianbao::SourceLoc{display, row, column, column > 0 ? nianbao::column_letters(column) : std::string(), name};
  };
  return g;
}

// The cover's and the texts' labels: every roster column that is not a cell.
std::map<std::string, std::string> field_labels(const nianbao::Form& form) {
  std::map<std::string, std::string> out;
  for (const auto& c : nianbao::roster_columns(form)) {
    if (form.is_cell(c.key)) continue;
    out[nianbao::normalize_label(c.label)] = c.key;
    out[nianbao::normalize_label(c.key)] = c.key;
  }
  out[nianbao::normalize_label("地区")] = "region";
  return out;
}

std::string label_text(const std::string& s) {
  std::string t = trim(s);
  for (const char* tail : {"：", ":", "*", "＊"})
    while (t.size() >= std::string(tail).size() && t.compare(t.size() - std::string(tail).size(), std::string::npos, tail) == 0)
      t.erase(t.size() - std::string(tail).size());
  return nianbao::normalize_label(t);
}

// A roster sheet: its first filled row names the agency column and others.
bool is_roster(const nianbao::Grid& g, const std::map<std::string, std::string>& fields, const nianbao::Form& form) {
  for (const auto& row : g.rows) {
    if (row.blank()) continue;
    int known = 0;
    bool agency = false;
    for (const auto& f : row.fields) {
      std::string n = label_text(f.text);
      if (n.empty()) continue;
      auto it = fields.find(n);
      if (it != fields.end()) known++, agency = agency || it->second == "agency";
      else if (form.is_cell(trim(f.text))) known++;
    }
    return agency && known >= 3;
  }
  return false;
}

struct Region {
  const nianbao::TableDef* table;
  int first, last;  // rows
};

// Where each table stands on a sheet: from its title row to the next title;
// a sheet named after a table (as nianbao's own workbooks name them) with no
// title on it is that table.
std::vector<Region> table_regions(const Sheet& sheet, const nianbao::Form& form) {
  std::map<std::string, const nianbao::TableDef*> titles;
  for (const auto& t : form.tables) {
    titles[nianbao::normalize_label(t.title)] = &t;
    for (const auto& s : form.sections)
      if (s.kind == nianbao::SectionDef::Kind::table && s.key == t.key) titles[nianbao::normalize_label(s.heading)] = &t;
  }
  std::vector<Region> out;
  for (const auto& [rc, v] : sheet.cells) {
    if (v.number) continue;
    auto it = titles.find(nianbao::normalize_label(v.text));
    if (it == titles.end()) continue;
    if (!out.empty() && out.back().first == rc.first) continue;
    if (!out.empty()) out.back().last = rc.first - 1;
    out.push_back({it->second, rc.first, 1 << 30});
  }
  if (out.empty()) {
    auto it = titles.find(nianbao::normalize_label(sheet.name));
    if (it != titles.end()) out.push_back({it->second, 1, 1 << 30});
  }
  return out;
}

// An Excel date typed into 落款日期 is a day count: 45311 is 2024-01-20.
std::string as_date(const std::string& text) {
  auto d = nianbao::Decimal::parse(text);
  if (!d || !d->is_integer() || d->integer_part() < 30000 || d->integer_part() > 80000) return text;
  long days = static_cast<long>(d->integer_part()) - 25569;  // 1970-01-01
  std::time_t t = static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class XlsxInput : public nianbao::InputPlugin {
 public:
  std::vector<nianbao::Report> read(const nianbao::InputRequest& rq) override {
    const nianbao::Form& form = rq.form;
    xlsx_input::Workbook wb = xlsx_input::read_workbook(rq.path, rq.display_path);
    const auto fields = field_labels(form);
    const std::string& only = rq.options.string("sheet");
    if (!only.empty()) {
      std::vector<std::string> names;
      for (const auto& s : wb.sheets) names.push_back(s.name);
      if (std::find(names.begin(), names.end(), only) == names.end())
        throw Error(ExitCode::data, "工作簿里没有名为“" + only + "”的工作表" + nianbao::did_you_mean(only, names) +
                                        "（有：" + nianbao::join(names, "、") + "）",
                    {rq.display_path});
    }
    auto wanted = [&](const Sheet& s) { return only.empty() || s.name == only; };

    // A roster: one agency per row.
    for (const auto& sheet : wb.sheets) {
      if (!wanted(sheet)) continue;
      nianbao::Grid g = grid_of(sheet, rq.display_path);
      if (is_roster(g, fields, form)) return nianbao::read_roster(form, g, rq.files, csv::decode_roster_text);
    }

    // One agency: its cover, texts and tables, from whichever sheets hold them.
    nianbao::Report r;
    bool found = false;
    for (const auto& sheet : wb.sheets) {
      if (!wanted(sheet)) continue;
      std::vector<Region> regions = table_regions(sheet, form);
      for (const auto& reg : regions) {
        nianbao::Report t = nianbao::read_official_table(form, *reg.table, grid_of(sheet, rq.display_path, reg.first, reg.last));
        r.problems.attempt([&] { r.merge(t, [&](const std::string& k) { return form.cell_label(k); }); });
        found = true;
      }
      int before = regions.empty() ? 1 << 30 : regions.front().first;
      found |= read_fields(sheet, before, fields, rq, r);
    }
    if (!found)
      throw Error(ExitCode::data,
                  "这个工作簿里没有找到年报的内容：没有名册（第一行写“单位名称”等列名），也没有按国家格式排列的表格（表题如“" +
                      form.tables.front().title + "”）或封面（“单位名称”旁填写单位）",
                  {rq.display_path});
    return {r};
  }

 private:
  // The cover and the texts: a label, and its value in the cell to its right. Rows from `before` on belong to a table.
  static bool read_fields(const Sheet& sheet, int before, const std::map<std::string, std::string>& fields,
                          const nianbao::InputRequest& rq, nianbao::Report& r) {
    const nianbao::Form& form = rq.form;
    bool found = false;
    std::optional<nianbao::Signature> sig;
    for (auto it = sheet.cells.begin(); it != sheet.cells.end(); ++it) {
      const int row = it->first.first;
      if (row >= before || it->second.number) continue;
      auto f = fields.find(label_text(it->second.text));
      if (f == fields.end()) continue;
      // The value is in the cell right after the label (after its merge):
      // a note further right, like the template's "写作 2024-01-20", is not it.
      int col = it->first.second;
      if (auto m = sheet.merged_to.find(it->first); m != sheet.merged_to.end()) col = std::max(col, m->second);
      auto next = sheet.cells.find({row, col + 1});
      found = true;
      if (next == sheet.cells.end()) continue;
      const std::string& key = f->second;
      std::string value = key == "signature.date" ? as_date(trim(next->second.text)) : trim(next->second.text);
      nianbao::SourceLoc at{rq.display_path, row, next->first.second, nianbao::column_letters(next->first.second), sheet.name};
      if (value.empty()) continue;
      r.problems.attempt([&] {
        nianbao::set_report_field(form, r, sig, key, value, at,
                                  [](const std::string& v, const nianbao::SourceLoc& where) { return nianbao::Text{v, where}; });
      });
    }
    if (sig) {
      if (sig->date.empty()) r.problems.add(Error(ExitCode::data, "落款需要日期（落款日期，如 2024-01-20）", sig->source));
      else if (!r.signature) r.signature = sig;
    }
    return found;
  }
};

const nianbao_option_spec kOptions[] = {
    {"sheet", "string", "", nullptr, "read only this sheet (its tab's name); leave out to read the whole workbook"},
};

}  // namespace

NIANBAO_INPUT_PLUGIN(XlsxInput, "xlsx", "1.0.0", "Workbooks as agencies fill them in (.xlsx, .ods): templates, the official layout, rosters",
                     kOptions)
