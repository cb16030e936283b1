// Consistency checks (勾稽关系): the form's rules run on a report.
//
// Usage:
//   std::vector<Finding> f = run_checks(form, report, last_year_or_null);
//   if (has_errors(f)) …   // exit 65
// Each finding quotes the form's labels in its Chinese message and lists the
// cells involved with their values and the file:line:column they came from.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/form.hpp>
#include <nianbao/report.hpp>

#include <string>
#include <vector>

namespace nianbao {

enum class Severity { warning, error };
NIANBAO_API const char* to_string(Severity s);

struct FindingCell {
  std::string key;    // canonical key
  std::string label;  // the form's labels for it
  std::string value;  // as printed: a number, "" for blank, "/" for not applicable
  SourceLoc source;   // unknown when no input gave the cell
  bool previous = false;  // a cell of last year's report (cross-year rules), not this year's
};

struct Finding {
  std::string report;  // report id
  std::string rule;    // R1 …
  Severity severity = Severity::error;
  std::string message;
  std::vector<FindingCell> cells;
};

// `previous`: last year's report of the same agency, for the cross-year
// rules (R6, R7, the change check); without it they are not run.
NIANBAO_API std::vector<Finding> run_checks(const Form& form, const Report& report, const Report* previous = nullptr);

// An arithmetic rule (equal_sums, R1–R4) on one column or row of its table:
// the cells whose sums must be equal and how a finding names them. What the
// checks run, and what a fill-in workbook recomputes as the clerk types.
struct SumCheck {
  std::string rule;      // R1
  Severity severity = Severity::error;
  std::string subject;   // 三、收到和处理政府信息公开申请情况 · 自然人
  std::string message;   // with {lhs} and {rhs}: 一+二={lhs}，三（七）总计+四={rhs}
  std::vector<std::string> lhs, rhs;  // cell keys
};
// Every such check that applies to a report of this kind, in the form's
// order; those needing last year's report are left out (a workbook holds one year).
NIANBAO_API std::vector<SumCheck> sum_checks(const Form& form, const std::string& kind);
NIANBAO_API bool has_errors(const std::vector<Finding>& findings);
// Cell value as printed in findings and outputs.
NIANBAO_API std::string cell_text(const Cell& c);

}  // namespace nianbao
