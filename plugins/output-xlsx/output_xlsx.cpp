// Output plugin `xlsx`: a report's tables as the form lays them out
// (report_workbook), the county workbook for a whole build
// (county_workbook), and — with `template: true` — the fill-in workbooks a
// county sends its agencies (fill_in).
#include "county_workbook.hpp"
#include "fill_in.hpp"
#include "report_workbook.hpp"

#include <nianbao/plugin.hpp>

namespace {

class XlsxOutput : public nianbao::OutputPlugin {
 public:
  void write(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) override {
    if (rq.options.boolean("template")) xlsx_output::write_fill_in(rq, files);
    else xlsx_output::write_report_workbook(rq, files);
  }
  bool writes_summary() const override { return true; }
  void write_summary(const nianbao::SummaryRequest& rq, nianbao::OutputFiles& files) override {
    if (rq.options.boolean("template")) xlsx_output::write_roster_fill_in(rq, files);
    else xlsx_output::write_county_workbook(rq, files);
  }
};

const nianbao_option_spec kOptions[] = {
    {"summary_name", "string", "政府信息公开工作年度报告汇总", nullptr,
     "file name (without .xlsx) of the county workbook written for a whole build (manifest summary:)"},
    {"template", "boolean", "false", nullptr,
     "write fill-in workbooks for the agencies instead of reports (what `nianbao template` sets)"},
};

}  // namespace

NIANBAO_OUTPUT_PLUGIN(XlsxOutput, "xlsx", "1.0.0", "Excel workbooks: the report's tables as the form lays them out; the county summary",
                      kOptions)
