// A Report as JSON and back, exactly: identity, texts, contact, 落款, every
// cell as a value (an exact decimal string, with the places written), blank
// or not applicable, each with where it came from, and the problems found
// reading it. How a build hands a report from the worker that read it to the
// worker that writes it, and what the record of a report keeps.
//
// Usage:
//   std::string j = report_to_json(report);
//   Report back = report_from_json(j, "a3.json");   // Error(data) at `display` for what is not one
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/report.hpp>

#include <string>
#include <string_view>

namespace nianbao {

// "nianbao-report/1": the shape below; a reader refuses another major version.
NIANBAO_API extern const char* const kReportSchema;

NIANBAO_API std::string report_to_json(const Report& r);
NIANBAO_API Report report_from_json(std::string_view json, const std::string& display);

}  // namespace nianbao
