// Errors and source locations.
//
// Usage: every error a user can cause is thrown as nianbao::Error with the exit
// code class it belongs to and, when known, where it is:
//   throw Error(ExitCode::data, "应为非负整数", SourceLoc{"report.yaml", 12, 7});
// what() gives "report.yaml:12:7: 应为非负整数". Columns count characters, not bytes.
#pragma once
#include <nianbao/api.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace nianbao {

// sysexits(3) classes, as DESIGN.md lists them.
enum class ExitCode : int {
  ok = 0,
  usage = 64,        // the command line is wrong
  data = 65,         // data fails a rule or cannot be read as a number
  no_input = 66,     // an input file is missing or unreadable
  unavailable = 69,  // a plugin is missing or refused
  software = 70,     // a bug in nianbao or a plugin
  cant_create = 73,  // an output file cannot be created
  io = 74,           // reading or writing failed midway
  temp_fail = 75,    // try again later
  config = 78,       // manifest, form or options are wrong
};

// The more serious of two outcomes, for a build that keeps going. From the most
// serious: 78, 69, 64 (the operator must fix them; a retry cannot), 70 (a
// defect: retry once), 73, 74, 75 (a retry may cure them), 66, 65 (the
// agencies must fix them). docs/operations.md documents this order.
NIANBAO_API ExitCode worse(ExitCode a, ExitCode b);

// The class of a failed file operation by its errno: a full disk, a
// read-only or forbidden place is 73 (cannot create), anything else 74 (I/O).
NIANBAO_API ExitCode file_error_code(int err);

struct NIANBAO_API SourceLoc {
  SourceLoc() = default;
  SourceLoc(std::string file_, int line_ = 0, int column_ = 0, std::string column_name_ = {}, std::string sheet_ = {})
      : file(std::move(file_)), line(line_), column(column_), column_name(std::move(column_name_)), sheet(std::move(sheet_)) {}

  std::string file;  // as the user named it (relative paths stay relative)
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based, in characters; 0 = unknown
  std::string column_name;  // spreadsheet inputs: the column letter (C, AA); printed instead of the number
  std::string sheet;        // workbook inputs: the sheet, as its tab says

  bool known() const { return !file.empty(); }
  // "file:line:column" ("file:line:C" for a CSV file), "file [sheet] D12" for
  // a workbook, "file:line" or "file", omitting what is unknown.
  std::string str() const;
};

// A path as messages name it: relative to the current directory when it lies
// below it, otherwise as given.
NIANBAO_API std::string display_path(const std::filesystem::path& p);

class NIANBAO_API Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, SourceLoc where = {});
  ~Error() override;

  ExitCode code() const { return code_; }
  const SourceLoc& where() const { return where_; }
  // The message without the location prefix.
  const std::string& message() const { return message_; }

 private:
  ExitCode code_;
  SourceLoc where_;
  std::string message_;
};

// The errors found in one pass over an input, so that an agency sees them
// all in one run rather than one per run: the first `limit` are kept, the
// rest counted.
//   Problems p;
//   p.attempt([&] { read_cell(…); });   // an Error thrown inside is kept, reading goes on
//   if (!p.empty()) …                   // p.code(), p.kept(), p.count()
class NIANBAO_API Problems {
 public:
  static constexpr std::size_t limit = 200;
  void add(const Error& e);
  // More were found than were kept (a record that kept only `limit`).
  void count_more(std::size_t n) { total_ += n; }
  template <class F>
  void attempt(F&& f) {
    try {
      f();
    } catch (const Error& e) {
      add(e);
    }
  }
  bool empty() const { return total_ == 0; }
  std::size_t count() const { return total_; }            // all found
  const std::vector<Error>& kept() const { return kept_; }  // the first `limit`
  ExitCode code() const;                                  // the most serious of them
  // Every kept error's what(), one a line, and how many more were found.
  std::string text() const;

 private:
  std::vector<Error> kept_;
  std::size_t total_ = 0;
};

}  // namespace nianbao
