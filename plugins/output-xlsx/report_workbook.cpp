#include "report_workbook.hpp"

#include "sheets.hpp"

#include <algorithm>

namespace xlsx_output {

namespace {

void write_findings(Workbook& wb, Formats& fm, const std::vector<nianbao::Finding>& findings, const std::string& agency) {
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
  page_setup(ws, true, 0, 0, agency);
}

}  // namespace

void write_report_workbook(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) {
  auto tables = document_tables(rq.doc);
  Workbook wb(files.create(rq.doc.file_stem + ".xlsx"), rq.doc.title, rq.doc.author, rq.doc.build_date);
  Formats fm(wb);
  for (const auto& [name, t] : tables) {
    lxw_worksheet* ws = table_sheet(wb, name);
    write_table(wb, fm, ws, name, *t, false);
    page_setup(ws, t->columns > 10, kTableTop, kTableTop + t->header_rows - 1, rq.doc.author);
  }
  write_findings(wb, fm, rq.findings, rq.doc.author);
  wb.close();
}

}  // namespace xlsx_output
