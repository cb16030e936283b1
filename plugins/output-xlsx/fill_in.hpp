// The fill-in workbooks a county sends its agencies in December
// (`nianbao template`): per agency, a cover (封面) prefilled where known, the
// texts (正文) and the three tables exactly as the form prints them, every
// place to write unlocked and validated, the labels protected, the 勾稽 checks
// recomputed beside each table as the clerk types; and a roster workbook
// headed in the users' language, one row per agency.
#pragma once
#include <nianbao/plugin.hpp>

namespace xlsx_output {

void write_fill_in(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files);
void write_roster_fill_in(const nianbao::SummaryRequest& rq, nianbao::OutputFiles& files);

}  // namespace xlsx_output
