#include "fill_in.hpp"

#include "sheets.hpp"

#include <nianbao/grid_input.hpp>
#include <nianbao/dates.hpp>
#include <nianbao/text.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace xlsx_output {

namespace {

using nianbao::Error;
using nianbao::ExitCode;

// No password: the labels are protected from slips, not from the clerk.
void protect(lxw_worksheet* ws) {
  lxw_protection p{};
  p.format_columns = 1;  // a clerk may widen a column or heighten a row to read
  p.format_rows = 1;
  worksheet_protect(ws, nullptr, &p);
}

void hint(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const char* title, const char* message) {
  lxw_data_validation dv{};
  dv.validate = LXW_VALIDATION_TYPE_ANY;
  dv.show_input = LXW_VALIDATION_ON;
  dv.input_title = const_cast<char*>(title);
  dv.input_message = const_cast<char*>(message);
  lxw_ok(worksheet_data_validation_cell(ws, row, col, &dv), "input message");
}

const char kHowTo[] =
    "填写说明：浅黄色的格子是填写处，其余不能改动。数字只填阿拉伯数字：没有发生的填 0，不适用的填 /，不要留空。"
    "每张表右边的“勾稽检查”随填随算，全部显示 ✓ 后再报送。";

void cover(Workbook& wb, Formats& fm, const nianbao::Document& doc) {
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), "封面");
  worksheet_set_column(ws, 0, 0, 16, nullptr);
  worksheet_set_column(ws, 1, 1, 48, nullptr);
  worksheet_set_column(ws, 2, 2, 30, nullptr);
  lxw_ok(worksheet_merge_range(ws, 0, 0, 0, 2, (doc.title + "（填报表）").c_str(), fm.title), "merge");
  worksheet_set_row(ws, 0, 30, nullptr);
  lxw_ok(worksheet_merge_range(ws, 1, 0, 1, 2, kHowTo, fm.plain), "merge");
  worksheet_set_row(ws, 1, 45, nullptr);
  lxw_row_t r = 3;
  for (const auto& f : doc.fields) {
    worksheet_write_string(ws, r, 0, f.label.c_str(), fm.label);
    if (f.value.empty()) worksheet_write_blank(ws, r, 1, fm.input_text);
    else worksheet_write_string(ws, r, 1, f.value.c_str(), fm.input_text);
    std::string note;
    if (f.key == "year") {
      lxw_data_validation dv{};
      dv.validate = LXW_VALIDATION_TYPE_INTEGER;
      dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
      dv.minimum_number = 2000;
      dv.maximum_number = 2100;
      dv.show_input = dv.show_error = LXW_VALIDATION_ON;
      static char t[] = "年度", m[] = "报告所属的年度，四位数字，如 2023。", e[] = "年度应为四位数字，如 2023。";
      dv.input_title = t;
      dv.input_message = m;
      dv.error_message = e;
      lxw_ok(worksheet_data_validation_cell(ws, r, 1, &dv), "validation");
      note = "如 2023";
    } else if (!f.choices.empty()) {
      std::vector<std::string> choices = f.choices;
      std::vector<char*> list;
      for (auto& c : choices) list.push_back(c.data());
      list.push_back(nullptr);
      lxw_data_validation dv{};
      dv.validate = LXW_VALIDATION_TYPE_LIST;
      dv.value_list = list.data();
      dv.show_input = dv.show_error = LXW_VALIDATION_ON;
      static char t[] = "单位类型", m[] = "从下拉列表中选择。";
      dv.input_title = t;
      dv.input_message = m;
      lxw_ok(worksheet_data_validation_cell(ws, r, 1, &dv), "validation");
      note = "从下拉列表中选择";
    } else if (f.key == "signature.date") {
      hint(ws, r, 1, "落款日期", "写作 2024-01-20。");
      note = "写作 2024-01-20";
    } else if (f.key.rfind("contact.", 0) == 0) {
      note = "可不填";
    }
    if (!note.empty()) worksheet_write_string(ws, r, 2, note.c_str(), fm.plain);
    ++r;
  }
  protect(ws);
  page_setup(ws, false, 0, 0, doc.author);
}

void texts(Workbook& wb, Formats& fm, const nianbao::Document& doc) {
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), "正文");
  worksheet_set_column(ws, 0, 0, 24, nullptr);
  worksheet_set_column(ws, 1, 1, 100, nullptr);
  lxw_ok(worksheet_merge_range(ws, 0, 0, 0, 1, "正文（每段之间空一行；“（一）主动公开：”这样的小标题写在段首）", fm.title), "merge");
  lxw_row_t r = 1;
  for (const auto& t : doc.texts) {
    worksheet_write_string(ws, r, 0, t.heading.c_str(), fm.label);
    if (t.body.empty()) worksheet_write_blank(ws, r, 1, fm.input_text);
    else worksheet_write_string(ws, r, 1, t.body.c_str(), fm.input_text);
    worksheet_set_row(ws, r, t.key == "preface" ? 60 : 220, nullptr);
    if (t.key == "preface") hint(ws, r, 1, "开头段落", "可不填：县里的格式会写好开头。");
    ++r;
  }
  protect(ws);
  page_setup(ws, false, 0, 0, doc.author);
}

// "✓ R1", "○ R1 待填" or "✗ R1：一+二=5，三（七）总计+四=0", recomputed by
// Excel, WPS and LibreOffice as the clerk types. "" when a cell is not on
// this sheet.
std::string check_formula(const nianbao::DocumentCheck& c, const std::map<std::string, std::pair<int, int>>& where,
                          std::string& pending_text) {
  auto refs = [&](const std::vector<std::string>& keys) {
    std::string s;
    for (const auto& k : keys) {
      auto it = where.find(k);
      if (it == where.end()) return std::string();
      s += (s.empty() ? "" : ",") + cell_ref(it->second.first, it->second.second);
    }
    return s;
  };
  std::string l = refs(c.lhs), r = refs(c.rhs);
  if (l.empty() || r.empty()) return "";
  auto quoted = [](const std::string& s) {
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
  };
  std::string detail = quoted("✗ " + c.rule + "：");
  const std::string& msg = c.message;
  for (std::size_t p = 0; p < msg.size();) {
    std::size_t lp = msg.find("{lhs}", p), rp = msg.find("{rhs}", p);
    std::size_t next = std::min(lp, rp);
    if (next == std::string::npos) {
      detail += "&" + quoted(msg.substr(p));
      break;
    }
    if (next > p) detail += "&" + quoted(msg.substr(p, next - p));
    detail += "&SUM(" + (next == lp ? l : r) + ")";
    p = next + 5;
  }
  std::size_t count = c.lhs.size() + c.rhs.size();
  pending_text = "○ " + c.rule + " 待填";
  return "=IF(COUNTA(" + l + "," + r + ")<" + std::to_string(count) + "," + quoted(pending_text) + ",IF(SUM(" + l + ")=SUM(" + r +
         ")," + quoted("✓ " + c.rule) + "," + detail + "))";
}

// Where a check's status stands: beside the row it checks (R3: a row's total),
// under the column it checks (R1, R2: a column's sums), each rule a row of
// its own under the table; else in a list to the right.
void place_checks(lxw_worksheet* ws, Formats& fm, const nianbao::Document& doc, const nianbao::Table& t,
                  const std::map<std::string, std::pair<int, int>>& where) {
  const int bottom = kTableTop + t.rows;  // the first row under the table
  const auto beside = static_cast<lxw_col_t>(t.columns);
  std::vector<std::string> column_rules;  // in order: each rule's row under the table
  lxw_row_t listed = kTableTop + 1;
  bool any_beside = false;
  for (const auto& c : doc.checks) {
    if (c.lhs.empty() || c.lhs.front().rfind(t.key + ".", 0) != 0) continue;
    std::string pending;
    std::string formula = check_formula(c, where, pending);
    if (formula.empty()) continue;
    std::set<int> rows, cols;
    for (const auto* side : {&c.lhs, &c.rhs})
      for (const auto& k : *side) {
        rows.insert(where.at(k).first);
        cols.insert(where.at(k).second);
      }
    lxw_row_t row;
    lxw_col_t col;
    if (rows.size() == 1) {
      row = static_cast<lxw_row_t>(*rows.begin());
      col = beside;
      any_beside = true;
    } else if (cols.size() == 1) {
      auto it = std::find(column_rules.begin(), column_rules.end(), c.rule);
      if (it == column_rules.end()) it = column_rules.insert(column_rules.end(), c.rule);
      row = static_cast<lxw_row_t>(bottom + (it - column_rules.begin()));
      col = static_cast<lxw_col_t>(*cols.begin());
    } else {
      row = listed++;
      col = static_cast<lxw_col_t>(beside + 1);
    }
    lxw_ok(worksheet_write_formula_str(ws, row, col, formula.c_str(), fm.check, pending.c_str()), "formula");
  }
  if (any_beside) {
    worksheet_set_column(ws, beside, beside, 24, nullptr);
    worksheet_write_string(ws, kTableTop, beside, "勾稽检查（随填随算）", fm.header);
  }
  for (std::size_t i = 0; i < column_rules.size(); ++i) worksheet_set_row(ws, static_cast<lxw_row_t>(bottom + static_cast<int>(i)), 42, nullptr);
}

void table(Workbook& wb, Formats& fm, const nianbao::Document& doc, const std::string& heading, const nianbao::Table& t) {
  lxw_worksheet* ws = table_sheet(wb, heading);
  auto where = write_table(wb, fm, ws, heading, t, true);
  place_checks(ws, fm, doc, t, where);
  protect(ws);
  page_setup(ws, true, kTableTop, kTableTop + t.header_rows - 1, doc.author);
}

}  // namespace

void write_fill_in(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) {
  auto tables = document_tables(rq.doc);
  Workbook wb(files.create(rq.doc.file_stem + "-填报表.xlsx"), rq.doc.title + "（填报表）", rq.doc.author, rq.doc.build_date);
  Formats fm(wb);
  cover(wb, fm, rq.doc);
  texts(wb, fm, rq.doc);
  for (const auto& [name, t] : tables) table(wb, fm, rq.doc, name, *t);
  wb.close();
}

void write_roster_fill_in(const nianbao::SummaryRequest& rq, nianbao::OutputFiles& files) {
  std::string name = "政府信息公开工作年度报告名册-填报表";
  Workbook wb(files.create(name + ".xlsx"), name, "", rq.date);
  Formats fm(wb);
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), "名册");
  const std::vector<nianbao::RosterColumn>& columns = rq.roster;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    auto col = static_cast<lxw_col_t>(c);
    worksheet_write_string(ws, 0, col, columns[c].label.c_str(), fm.header);
    worksheet_set_column(ws, col, col, c < 4 ? 18 : 14, nullptr);
  }
  worksheet_set_row(ws, 0, 90, nullptr);
  lxw_row_t r = 1;
  for (const auto& e : rq.entries) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      auto col = static_cast<lxw_col_t>(c);
      const std::string& key = columns[c].key;
      std::string value = key == "agency" ? e.agency : key == "year" && e.year ? std::to_string(e.year) : key == "kind" ? e.kind_label : "";
      if (value.empty()) worksheet_write_blank(ws, r, col, columns[c].cell ? fm.input : fm.input_text);
      else worksheet_write_string(ws, r, col, value.c_str(), fm.input_text);
    }
    ++r;
  }
  worksheet_freeze_panes(ws, 1, 1);
  page_setup(ws, true, 0, 0, name);
  wb.close();
}

}  // namespace xlsx_output
