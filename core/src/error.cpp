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
  // Most serious first: a defect in the tool, then configuration that stops
  // everything, then missing pieces, then bad data.
  static constexpr std::array order = {ExitCode::software, ExitCode::config,  ExitCode::unavailable,
                                       ExitCode::cant_create, ExitCode::io,   ExitCode::no_input,
                                       ExitCode::temp_fail, ExitCode::usage,  ExitCode::data,
                                       ExitCode::ok};
  for (ExitCode c : order) {
    if (a == c || b == c) return c;
  }
  return a;
}

}  // namespace nianbao
