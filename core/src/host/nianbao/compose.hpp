// Composition: form + report → Document.
//
// Usage: Document doc = compose(form, report);
// Sections come in the form's order with verbatim headings; text sections are
// split into paragraphs at blank lines, and a paragraph that opens with a
// （一）-style marker becomes a level-2 heading (when it is only that) or a
// paragraph with a run-in lead.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/dates.hpp>
#include <nianbao/document.hpp>
#include <nianbao/form.hpp>
#include <nianbao/profile.hpp>
#include <nianbao/report.hpp>

#include <ctime>
#include <map>
#include <string>

namespace nianbao {

// A profile's document settings decide the title, the file name, the opening
// paragraph, the 落款 and where the tables stand. `build_date` (ISO) dates a
// 落款 the data leaves undated. Template fields without a value are
// Error(data) naming the field.
NIANBAO_API Document compose(const Form& form, const Report& report, const DocumentSettings& settings,
                             const std::string& build_date);
// With the defaults: the form's title, tables inline, the data's own 落款.
NIANBAO_API Document compose(const Form& form, const Report& report);
// The file name compose() gives a report, without composing the rest (what a
// build's plan needs of every report): compose(…).file_stem.
NIANBAO_API std::string file_stem_of(const Form& form, const Report& report, const DocumentSettings& settings,
                                     const std::string& build_date);

// The values of a report's template fields ({agency}, {contact.phone}…);
// {title} and {date} are added by compose.
NIANBAO_API std::map<std::string, std::string> template_values(const Form& form, const Report& report,
                                                               const DocumentSettings& settings);

// A date as a profile asks: 2024年1月20日, 二〇二四年一月二十日 or 2024-01-20.
NIANBAO_API std::string format_date(const std::string& iso, DateFormat format);


}  // namespace nianbao
