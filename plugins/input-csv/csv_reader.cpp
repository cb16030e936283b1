#include "csv_reader.hpp"

#include <unicode/ucnv.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <memory>

namespace csv {

bool Record::blank() const {
  for (const auto& f : fields)
    if (!f.text.empty()) return false;
  return true;
}

std::string column_name(int column) {
  std::string s;
  for (int c = column; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

namespace {

int line_of_offset(std::string_view bytes, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) line += bytes[i] == '\n';
  return line;
}

// The column, in characters, of `offset` in UTF-8 text that is valid before it.
int column_of_offset(std::string_view utf8, std::size_t offset) {
  std::size_t start = utf8.rfind('\n', offset == 0 ? 0 : offset - 1);
  start = start == std::string_view::npos || offset == 0 ? 0 : start + 1;
  int column = 1;
  for (std::size_t i = start; i < offset && i < utf8.size(); ++i)
    column += (static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80;
  return column;
}

// Where GB18030 (or GBK) conversion of `bytes` first fails, as a byte offset.
std::size_t gb_error_at(std::string_view bytes, const char* charset) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open(charset, &status), ucnv_close);
  if (U_FAILURE(status)) return 0;
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::u16string u(bytes.size() + 1, u'\0');
  UChar* target = u.data();
  const char* source = bytes.data();
  ucnv_toUnicode(conv.get(), &target, u.data() + u.size(), &source, bytes.data() + bytes.size(), nullptr, true, &status);
  char bad[32];
  int8_t len = sizeof bad;
  UErrorCode ignore = U_ZERO_ERROR;
  ucnv_getInvalidChars(conv.get(), bad, &len, &ignore);
  std::size_t at = static_cast<std::size_t>(source - bytes.data());
  return at >= static_cast<std::size_t>(len) ? at - static_cast<std::size_t>(len) : 0;
}

// Offset of the first invalid UTF-8 sequence, or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return static_cast<std::size_t>(at);
  }
  return std::string_view::npos;
}

// GB18030 (a superset of GBK) to UTF-8; false when the bytes are not that.
bool from_gb18030(std::string_view bytes, const char* charset, std::string& out) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open(charset, &status), ucnv_close);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU has no converter for ") + charset);
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::u16string u(bytes.size() + 1, u'\0');
  int32_t len = ucnv_toUChars(conv.get(), u.data(), static_cast<int32_t>(u.size()), bytes.data(),
                              static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) return false;
  u.resize(static_cast<std::size_t>(len));
  out.clear();
  out.reserve(bytes.size() * 3 / 2);
  for (std::size_t i = 0; i < u.size();) {
    UChar32 c;
    U16_NEXT(u.data(), i, u.size(), c);
    uint8_t buf[4];
    int32_t n = 0;
    UBool err = false;
    U8_APPEND(buf, n, 4, c, err);
    (void)err;  // c came from valid UTF-16: it always fits
    out.append(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
  }
  return true;
}

void refuse_controls(std::string_view text) {
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') ++line;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", c);
      throw ParseError(std::string("not a text file: it holds the control character ") + code +
                           " (is it a spreadsheet saved as .xls/.xlsx rather than exported as CSV?)",
                       line, column_of_offset(text, i), true);
    }
  }
}

}  // namespace

std::string decode(std::string_view bytes, const std::string& encoding, std::string& detected) {
  if (bytes.empty()) throw ParseError("the file is empty", 1, 0);
  bool bom = bytes.substr(0, 3) == "\xEF\xBB\xBF";
  std::string out;
  if (encoding == "utf-8" || (encoding == "auto" && (bom || invalid_utf8_at(bytes) == std::string_view::npos))) {
    std::string_view body = bom ? bytes.substr(3) : bytes;
    std::size_t bad = invalid_utf8_at(body);
    if (bad != std::string_view::npos)
      throw ParseError("not UTF-8 text at byte " + std::to_string(bad + (bom ? 3 : 0)) +
                           " (save it as UTF-8, or set encoding: gb18030)",
                       line_of_offset(body, bad), column_of_offset(body, bad), true);
    detected = bom ? "utf-8 (BOM)" : "utf-8";
    out.assign(body);
  } else if (encoding == "auto" || encoding == "gb18030" || encoding == "gbk") {
    const char* charset = encoding == "gbk" ? "GBK" : "GB18030";
    if (!from_gb18030(bytes, charset, out)) {
      // Where it goes wrong: as UTF-8 when neither was asked for, else as the charset asked.
      std::size_t bad = encoding == "auto" ? invalid_utf8_at(bytes) : gb_error_at(bytes, charset);
      std::size_t line_start = bytes.rfind('\n', bad == 0 ? 0 : bad - 1);
      line_start = line_start == std::string_view::npos || bad == 0 ? 0 : line_start + 1;
      std::string before;
      int column = 1;
      if (encoding == "auto") column = column_of_offset(bytes, bad);
      else if (from_gb18030(bytes.substr(line_start, bad - line_start), charset, before))
        column = column_of_offset(before, before.size());
      throw ParseError(std::string(encoding == "auto" ? "neither UTF-8 nor GB18030 text" : std::string("not ") + charset + " text") +
                           " (is it a spreadsheet saved as .xls/.xlsx rather than exported as CSV?)",
                       line_of_offset(bytes, bad), column, true);
    }
    detected = encoding == "gbk" ? "gbk" : "gb18030";
  } else {
    throw std::invalid_argument("unknown encoding " + encoding);
  }
  if (out.empty() || out.find_first_not_of(" \t\r\n") == std::string::npos) throw ParseError("the file is empty", 1, 0);
  refuse_controls(out);
  return out;
}

std::vector<Record> parse(std::string_view s) {
  std::vector<Record> records;
  std::size_t i = 0, n = s.size();
  int line = 1;
  while (i < n) {
    Record rec;
    rec.line = line;
    rec.row = static_cast<int>(records.size()) + 1;
    for (;;) {
      Field f;
      f.row = rec.row;
      f.column = static_cast<int>(rec.fields.size()) + 1;
      if (i < n && s[i] == '"') {
        int open_line = line;
        ++i;
        for (;;) {
          if (i >= n) throw ParseError("unclosed quote: the field that starts here has no closing \"", open_line, f.column);
          char c = s[i++];
          if (c == '"') {
            if (i < n && s[i] == '"') {
              f.text += '"';
              ++i;
              continue;
            }
            break;
          }
          if (c == '\r' && i < n && s[i] == '\n') continue;  // CRLF inside a quoted field is a new line: LF
          if (c == '\n') ++line;
          f.text += c;
        }
        if (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
          throw ParseError("text after a closing quote (write a quote inside a quoted field as \"\")", line, f.column);
      } else {
        std::size_t end = s.find_first_of(",\r\n", i);
        if (end == std::string_view::npos) end = n;
        f.text.assign(s.substr(i, end - i));
        i = end;
      }
      rec.fields.push_back(std::move(f));
      if (i < n && s[i] == ',') {
        ++i;
        continue;
      }
      if (i < n && s[i] == '\r') ++i;
      if (i < n && s[i] == '\n') ++i;
      ++line;
      break;
    }
    records.push_back(std::move(rec));
  }
  return records;
}

}  // namespace csv
