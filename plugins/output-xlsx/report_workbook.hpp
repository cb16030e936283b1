// A report's workbook: its three tables as the form lays them out, a sheet
// each, and the check findings on a sheet of their own.
#pragma once
#include <nianbao/plugin.hpp>

namespace xlsx_output {

void write_report_workbook(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files);

}  // namespace xlsx_output
