// Composition: form + report → Document.
//
// Usage: Document doc = compose(form, report);
// Sections come in the form's order with verbatim headings; text sections are
// split into paragraphs at blank lines, and a paragraph that opens with a
// （一）-style marker becomes a level-2 heading (when it is only that) or a
// paragraph with a run-in lead.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/document.hpp>
#include <nianbao/form.hpp>
#include <nianbao/report.hpp>

#include <ctime>
#include <string>

namespace nianbao {

NIANBAO_API Document compose(const Form& form, const Report& report);

// Fills {agency} {year} {region} {kind} in a pattern; an unknown field throws
// Error(ExitCode::config).
NIANBAO_API std::string expand_pattern(const std::string& pattern, const Report& report);

// True for a real calendar date written exactly YYYY-MM-DD.
NIANBAO_API bool parse_iso_date(const std::string& iso, int& year, int& month, int& day);
// Midnight UTC of an ISO date, for file metadata; `fallback` when it is not a date.
NIANBAO_API std::time_t midnight_utc(const std::string& iso, std::time_t fallback);
// 2024-01-20 → 2024年1月20日; anything that is not a real date is returned unchanged.
NIANBAO_API std::string chinese_date(const std::string& iso);

// A file name component: no path separators, no "..", no control characters.
NIANBAO_API std::string safe_file_stem(const std::string& name);

}  // namespace nianbao
