#include <nianbao/error.hpp>

#include <array>

namespace nianbao {

std::string SourceLoc::str() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (!column_name.empty()) s += ":" + column_name;
    else if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

static std::string with_location(const std::string& message, const SourceLoc& where) {
  return where.known() ? where.str() + ": " + message : message;
}

Error::Error(ExitCode code, const std::string& message, SourceLoc where)
    : std::runtime_error(with_location(message, where)),
      code_(code),
      where_(std::move(where)),
      message_(message) {}

Error::~Error() = default;

ExitCode worse(ExitCode a, ExitCode b) {
  // The code tells a scheduler what to do first (docs/operations.md): what the
  // operator must fix and no retry cures, then a defect (retry once), then what
  // a retry may cure, then what only the agencies can fix.
  static constexpr std::array order = {ExitCode::config,      ExitCode::unavailable, ExitCode::usage,
                                       ExitCode::software,    ExitCode::cant_create, ExitCode::io,
                                       ExitCode::temp_fail,   ExitCode::no_input,    ExitCode::data,
                                       ExitCode::ok};
  for (ExitCode c : order) {
    if (a == c || b == c) return c;
  }
  return a;
}

}  // namespace nianbao
