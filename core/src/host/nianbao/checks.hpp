// Consistency checks (勾稽关系): the form's rules run on a report.
//
// Usage:
//   std::vector<Finding> f = run_checks(form, report, last_year_or_null);
//   if (has_errors(f)) …   // exit 65
// Each finding quotes the form's labels in its Chinese message and lists the
// cells involved with their values and the file:line:column they came from.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/findings.hpp>
#include <nianbao/form.hpp>
#include <nianbao/report.hpp>

#include <string>
#include <vector>

namespace nianbao {

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

}  // namespace nianbao
