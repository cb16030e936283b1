#include <nianbao/error.hpp>

#include <array>
#include <cerrno>

namespace nianbao {

std::string display_path(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (!ec && p.is_absolute()) {
    std::filesystem::path rel = p.lexically_normal().lexically_relative(cwd);
    if (!rel.empty() && *rel.begin() != "..") return rel.string();
  }
  return p.lexically_normal().string();
}

std::string SourceLoc::str() const {
  if (!sheet.empty()) {
    // As Excel and WPS show a cell: the sheet's tab, then D12.
    std::string s = file + " [" + sheet + "]";
    if (line > 0) s += " " + (column_name.empty() ? std::string("R") + std::to_string(line) : column_name + std::to_string(line));
    return s;
  }
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

// A safety net under quote_value(): whatever a message quotes, it stays readable
// and bounded (a 20 MB key or cell is not echoed whole).
static std::string bounded(const std::string& message) {
  constexpr std::size_t limit = 4000;
  if (message.size() <= limit) return message;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return message.substr(0, cut) + "…（消息过长，其余 " + std::to_string(message.size() - cut) + " 字节从略）";
}

Error::Error(ExitCode code, const std::string& message, SourceLoc where)
    : std::runtime_error(with_location(bounded(message), where)),
      code_(code),
      where_(std::move(where)),
      message_(bounded(message)) {}

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

void Problems::add(const Error& e) {
  ++total_;
  if (kept_.size() < limit) kept_.push_back(e);
}

ExitCode Problems::code() const {
  ExitCode c = ExitCode::ok;
  for (const auto& e : kept_) c = worse(c, e.code());
  return c;
}

std::string Problems::text() const {
  std::string s;
  for (const auto& e : kept_) s += (s.empty() ? "" : "\n") + std::string(e.what());
  if (total_ > kept_.size()) s += "\n……另有 " + std::to_string(total_ - kept_.size()) + " 处错误未列出（共 " + std::to_string(total_) + " 处）";
  return s;
}

ExitCode file_error_code(int err) {
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
    case EROFS:
    case EACCES:
    case EPERM:
    case ENAMETOOLONG:
    case ENOTDIR:
    case ELOOP:
    case EEXIST:
      return ExitCode::cant_create;
    default:
      return ExitCode::io;
  }
}

}  // namespace nianbao
