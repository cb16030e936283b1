// Last year's reports, for the cross-year checks (R6, R7, the change check):
// a county's last manifest (`previous:` at the top), read once a build in
// workers and kept in the spill; or an entry's own `previous:` inputs. Each
// of this year's reports is matched to last year's by id, else by agency
// (`previous_id:` maps a renamed one).
#pragma once
#include "plan.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nianbao {

struct Pipeline::LastYear {
  std::string display;  // last year's manifest, as the manifest names it
  struct At {
    std::uint64_t offset = 0, length = 0;  // the report in the spill
    std::string id, agency;
    int year = 0;
  };
  std::vector<At> reports;
  std::map<std::string, std::size_t> by_id, by_agency;
  std::vector<std::string> problems;  // last year's entries that could not be read: "id: why"
  bool read = false;
};

namespace detail {

// What last year's data was read from — its manifest and every input
// file's bytes — so that a change to it builds the reports again.
std::string last_year_key(const Manifest& last);

}  // namespace detail
}  // namespace nianbao
