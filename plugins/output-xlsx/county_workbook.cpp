#include "county_workbook.hpp"

#include "sheets.hpp"

#include <nianbao/dates.hpp>
#include <nianbao/text.hpp>

#include <unicode/coll.h>

#include <algorithm>
#include <memory>
#include <set>

namespace xlsx_output {

namespace {

// Sorted as the county publishes: by kind in the form's order, then by name (pinyin).
std::vector<const nianbao::SummaryEntry*> publication_order(const nianbao::SummaryRequest& rq) {
  std::vector<const nianbao::SummaryEntry*> rows;
  for (const auto& e : rq.entries) rows.push_back(&e);
  auto kind_rank = [&](const std::string& k) {
    return static_cast<std::size_t>(std::find(rq.kinds.begin(), rq.kinds.end(), k) - rq.kinds.begin());
  };
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Collator> coll(icu::Collator::createInstance(icu::Locale("zh"), status));
  std::stable_sort(rows.begin(), rows.end(), [&](const auto* a, const auto* b) {
    if (kind_rank(a->kind) != kind_rank(b->kind)) return kind_rank(a->kind) < kind_rank(b->kind);
    if (!coll || U_FAILURE(status)) return a->agency < b->agency;
    UErrorCode s = U_ZERO_ERROR;
    return coll->compareUTF8(a->agency, b->agency, s) == UCOL_LESS;
  });
  return rows;
}

void overview(Workbook& wb, Formats& fm, const nianbao::SummaryRequest& rq, const std::vector<const nianbao::SummaryEntry*>& rows,
              const std::string& name) {
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), "汇总");
  // Last year's key totals beside this year's, when the build had last year's data.
  const bool last_year = std::any_of(rows.begin(), rows.end(), [](const auto* e) { return !e->last_values.empty(); });
  std::vector<std::string> head = {"单位", "类型", "年度"};
  for (const auto& c : rq.columns) {
    head.push_back(c);
    if (last_year) head.push_back("上年" + c);
  }
  head.insert(head.end(), {"检查结果", "说明"});
  for (std::size_t c = 0; c < head.size(); ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), head[c].c_str(), fm.header);
  double widths[64] = {};
  for (std::size_t c = 0; c < head.size() && c < 64; ++c) widths[c] = nianbao::display_width(head[c], 2) + 2;
  lxw_row_t r = 1;
  for (const auto* e : rows) {
    bool errors = e->status != nianbao::ExitCode::ok || nianbao::has_errors(e->findings);
    bool warnings = !e->findings.empty() && !errors;
    const Formats::Row& f = errors ? fm.error_row : warnings ? fm.warning_row : fm.ok_row;
    std::set<std::string> rules;
    for (const auto& x : e->findings) rules.insert(x.rule);
    std::string rule_list = nianbao::join(std::vector<std::string>(rules.begin(), rules.end()), "、");
    std::string verdict = e->status != nianbao::ExitCode::ok && e->findings.empty() ? "未生成"
                          : errors                                                  ? "错误：" + rule_list
                          : warnings                                                ? "警告：" + rule_list
                                                                                    : "通过";
    std::string note = e->error;
    if (note.empty())
      for (const auto& x : e->findings) note += (note.empty() ? "" : "\n") + x.message;
    std::vector<std::string> texts = {e->agency.empty() ? e->id : e->agency, e->kind_label.empty() ? e->kind : e->kind_label};
    lxw_col_t c = 0;
    for (const auto& s : texts) worksheet_write_string(ws, r, c++, s.c_str(), f.text);
    if (e->year) worksheet_write_number(ws, r, c++, e->year, f.integer);
    else worksheet_write_blank(ws, r, c++, f.text);
    auto number = [&](const std::vector<std::optional<nianbao::Decimal>>& v, std::size_t i) {
      if (i < v.size() && v[i]) worksheet_write_number(ws, r, c, v[i]->to_double(), f.integer);
      else worksheet_write_blank(ws, r, c, f.text);
      ++c;
    };
    for (std::size_t i = 0; i < rq.columns.size(); ++i) {
      number(e->values, i);
      if (last_year) number(e->last_values, i);
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
  page_setup(ws, true, 0, 0, name);
}

// Every finding, and every report that could not be read, with the agency's
// telephone: the list the office works through, calling each agency about
// each cell.
void follow_up(Workbook& wb, Formats& fm, const std::vector<const nianbao::SummaryEntry*>& rows, const std::string& name) {
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), "问题清单");
  const char* head[] = {"单位", "联系电话", "规则", "严重程度", "问题（应为与实为）", "涉及的表格与栏目", "位置（文件与单元格）", "数值"};
  const double widths[] = {22, 14, 6, 8, 50, 60, 36, 10};
  for (lxw_col_t c = 0; c < 8; ++c) {
    worksheet_write_string(ws, 0, c, head[c], fm.header);
    worksheet_set_column(ws, c, c, widths[c], nullptr);
  }
  lxw_row_t r = 1;
  auto line = [&](const nianbao::SummaryEntry& e, const Formats::Row& f, const std::string& rule, const std::string& severity,
                  const std::string& problem, const std::vector<nianbao::FindingCell>& cells) {
    std::string labels, places, values;
    for (const auto& c : cells) {
      labels += (labels.empty() ? "" : "\n") + c.label;
      places += (places.empty() ? "" : "\n") + (c.source.known() ? c.source.str() : std::string("（未填写）"));
      values += (values.empty() ? "" : "\n") + (c.value.empty() ? std::string("空白") : c.value);
    }
    std::string cols[] = {e.agency.empty() ? e.id : e.agency, e.phone, rule, severity, problem, labels, places, values};
    for (lxw_col_t c = 0; c < 8; ++c) worksheet_write_string(ws, r, c, cols[c].c_str(), c == 4 || c == 5 || c == 6 ? f.note : f.text);
    worksheet_set_row(ws, r, std::max<double>(1, static_cast<double>(cells.size())) * 13 + 4, nullptr);
    ++r;
  };
  for (const auto* e : rows) {
    if (e->status != nianbao::ExitCode::ok && e->findings.empty()) line(*e, fm.error_row, "", "无法生成", e->error, {});
    for (const auto& x : e->findings)
      line(*e, x.severity == nianbao::Severity::error ? fm.error_row : fm.warning_row, x.rule,
           x.severity == nianbao::Severity::error ? "错误" : "警告", x.message, x.cells);
  }
  if (r == 1) worksheet_write_string(ws, 1, 0, "没有问题", fm.ok_row.text);
  worksheet_freeze_panes(ws, 1, 1);
  if (r > 1) lxw_ok(worksheet_autofilter(ws, 0, 0, r - 1, 7), "autofilter");
  page_setup(ws, true, 0, 0, name);
}

}  // namespace

void write_county_workbook(const nianbao::SummaryRequest& rq, nianbao::OutputFiles& files) {
  std::string name = nianbao::safe_file_stem(rq.options.string("summary_name"));
  Workbook wb(files.create(name + ".xlsx"), name, "", rq.date);
  Formats fm(wb);
  auto rows = publication_order(rq);
  overview(wb, fm, rq, rows, name);
  follow_up(wb, fm, rows, name);
  wb.close();
}

}  // namespace xlsx_output
