// The county workbook (a whole build's `summary:`): a row per report with the
// key totals and the verdict, failing ones red, sorted as the county
// publishes; and a sheet of every finding with whom to call about it.
#pragma once
#include <nianbao/plugin.hpp>

namespace xlsx_output {

void write_county_workbook(const nianbao::SummaryRequest& rq, nianbao::OutputFiles& files);

}  // namespace xlsx_output
