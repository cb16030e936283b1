// Dates as the reports write them: ISO in the data, Chinese on the page,
// midnight UTC in file metadata (never the wall clock: same inputs, same bytes).
//
// Usage:
//   int y, m, d; if (parse_iso_date("2024-01-20", y, m, d)) …
//   chinese_date("2024-01-20")            // 2024年1月20日
//   midnight_utc(rq.doc.build_date, 0)    // for a PDF's CreationDate, a workbook's created
#pragma once
#include <nianbao/api.hpp>

#include <ctime>
#include <string>

namespace nianbao {

// True for a real calendar date written exactly YYYY-MM-DD.
NIANBAO_API bool parse_iso_date(const std::string& iso, int& year, int& month, int& day);
// Midnight UTC of an ISO date, for file metadata; `fallback` when it is not a date.
NIANBAO_API std::time_t midnight_utc(const std::string& iso, std::time_t fallback);
// 2024-01-20 → 2024年1月20日; anything that is not a real date is returned unchanged.
NIANBAO_API std::string chinese_date(const std::string& iso);

}  // namespace nianbao
