// CSV as offices export it: RFC 4180 quoting, CRLF or LF, UTF-8 (with or
// without BOM) or GB18030/GBK, found out automatically unless forced.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace csv {

// Cells are placed as a spreadsheet shows them: `row` is the record's number
// (what Excel or WPS calls the row), which is also the text line unless a
// quoted field spans several lines; `column` 1 is A.
struct Field {
  std::string text;
  int row = 0;
  int column = 0;
};

struct Record {
  int row = 0;   // 1-based record number, blank records counted
  int line = 0;  // physical line where the record starts
  std::vector<Field> fields;
  bool blank() const;  // every field empty
};

// A defect of the file itself, at a physical line and spreadsheet column.
class ParseError : public std::runtime_error {
 public:
  // `in_text`: the column counts characters of the text (encoding errors),
  // not fields (a spreadsheet column).
  ParseError(const std::string& message, int line, int column, bool in_text = false)
      : std::runtime_error(message), line(line), column(column), in_text(in_text) {}
  int line, column;
  bool in_text;
};

// Bytes → UTF-8. `encoding` is auto, utf-8, gb18030 or gbk; `detected` says
// which was used. Throws ParseError for an empty file, bytes that are text in
// no supported encoding, or control characters that no text file holds.
std::string decode(std::string_view bytes, const std::string& encoding, std::string& detected);

// Parses decoded text. Throws ParseError for an unclosed quote (at the quote
// that opened it) or text after a closing quote.
std::vector<Record> parse(std::string_view utf8);

// 1 → A, 26 → Z, 27 → AA.
std::string column_name(int column);

}  // namespace csv
