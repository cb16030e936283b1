#include <nianbao/dates.hpp>

#include <string>

namespace nianbao {

bool parse_iso_date(const std::string& iso, int& y, int& m, int& d) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (iso[i] < '0' || iso[i] > '9') return false;
  y = std::stoi(iso.substr(0, 4));
  m = std::stoi(iso.substr(5, 2));
  d = std::stoi(iso.substr(8, 2));
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::time_t midnight_utc(const std::string& iso, std::time_t fallback) {
  int y = 0, m = 0, d = 0;
  if (!parse_iso_date(iso, y, m, d)) return fallback;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return timegm(&tm);
}

std::string chinese_date(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (!parse_iso_date(iso, y, m, d)) return iso;
  return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
}

}  // namespace nianbao
