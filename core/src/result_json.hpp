// Report results as JSON: how workers hand results to the build process,
// how the build remembers its last good results (incremental builds), and
// what the build summary lists.
#pragma once
#include <nianbao/pipeline.hpp>

#include <nlohmann/json.hpp>

namespace nianbao::detail {

nlohmann::json to_json(const SourceLoc& s);
SourceLoc source_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Finding& f);
Finding finding_from_json(const nlohmann::json& j);
// Everything a ReportResult holds; paths as absolute strings.
nlohmann::json to_json(const ReportResult& r);
ReportResult result_from_json(const nlohmann::json& j);
// The fields a report's record and its entry in a --summary file share (who,
// what kind, its status, error, findings and key totals), read into `r`.
void read_report_fields(const nlohmann::json& j, ReportResult& r);

}  // namespace nianbao::detail
