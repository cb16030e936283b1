#include "workbook.hpp"

#include <orcus/orcus_ods.hpp>
#include <orcus/orcus_xlsx.hpp>
#include <orcus/spreadsheet/import_interface.hpp>
#include <zip.h>

#include <charconv>
#include <deque>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace xlsx_input {

namespace ss = orcus::spreadsheet;
using nianbao::Error;
using nianbao::ExitCode;

namespace {

constexpr std::uintmax_t kMaxBytes = 64u << 20;  // far above any county's workbook
constexpr std::size_t kMaxCells = 2000000;

struct TooMany {};  // thrown from the import callbacks to stop a runaway file

std::string plain(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);  // shortest that reads back exactly
  std::string s(buf, r.ptr);
  if (s == "-0") s = "0";
  return s;
}

std::string iso_date(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

class Strings : public ss::iface::import_shared_strings {
 public:
  std::vector<std::string> list;
  std::size_t append(std::string_view s) override {
    list.emplace_back(s);
    return list.size() - 1;
  }
  std::size_t add(std::string_view s) override { return append(s); }
  void set_segment_font(std::size_t) override {}
  void set_segment_bold(bool) override {}
  void set_segment_italic(bool) override {}
  void set_segment_font_name(std::string_view) override {}
  void set_segment_font_size(double) override {}
  void set_segment_font_color(ss::color_elem_t, ss::color_elem_t, ss::color_elem_t, ss::color_elem_t) override {}
  void append_segment(std::string_view s) override { segments_ += s; }
  std::size_t commit_segments() override {
    list.push_back(std::move(segments_));
    segments_.clear();
    return list.size() - 1;
  }

 private:
  std::string segments_;
};

// "A1", "$B$7", ".C3", "[.D4]", "Sheet1.E5": the cell, whatever the grammar.
class Resolver : public ss::iface::import_reference_resolver {
 public:
  ss::src_address_t resolve_address(std::string_view s) override {
    while (!s.empty() && (s.front() == '[' || s.front() == '$')) s.remove_prefix(1);
    while (!s.empty() && s.back() == ']') s.remove_suffix(1);
    if (auto dot = s.rfind('.'); dot != std::string_view::npos) s.remove_prefix(dot + 1);
    int col = 0, row = 0;
    std::size_t i = 0;
    if (i < s.size() && s[i] == '$') ++i;
    while (i < s.size() && s[i] >= 'A' && s[i] <= 'Z') col = col * 26 + (s[i++] - 'A' + 1);
    if (i < s.size() && s[i] == '$') ++i;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') row = row * 10 + (s[i++] - '0'), digits = true;
    ss::src_address_t a{};
    a.sheet = 0;
    a.row = digits ? row - 1 : 0;
    a.column = col > 0 ? col - 1 : 0;
    return a;
  }
  ss::src_range_t resolve_range(std::string_view s) override {
    ss::src_range_t r{};
    auto colon = s.find(':');
    r.first = resolve_address(s.substr(0, colon));
    r.last = colon == std::string_view::npos ? r.first : resolve_address(s.substr(colon + 1));
    return r;
  }
};

class SheetImport : public ss::iface::import_sheet {
 public:
  SheetImport(Sheet& sheet, const Strings& strings, std::size_t& cells) : sheet_(sheet), strings_(strings), cells_(cells) {}
  void set_auto(ss::row_t r, ss::col_t c, std::string_view s) override { put(r, c, Value{std::string(s), false}); }
  void set_string(ss::row_t r, ss::col_t c, ss::string_id_t i) override {
    put(r, c, Value{i < strings_.list.size() ? strings_.list[i] : std::string(), false});
  }
  void set_value(ss::row_t r, ss::col_t c, double v) override { put(r, c, Value{plain(v), true}); }
  void set_bool(ss::row_t r, ss::col_t c, bool v) override { put(r, c, Value{v ? "TRUE" : "FALSE", false}); }
  void set_date_time(ss::row_t r, ss::col_t c, int y, int m, int d, int, int, double) override {
    put(r, c, Value{iso_date(y, m, d), false});
  }
  void set_format(ss::row_t, ss::col_t, std::size_t) override {}
  void set_format(ss::row_t, ss::col_t, ss::row_t, ss::col_t, std::size_t) override {}
  void fill_down_cells(ss::row_t, ss::col_t, ss::row_t) override {}
  ss::range_size_t get_sheet_size() const override { return {1048576, 16384}; }

 private:
  void put(ss::row_t r, ss::col_t c, Value v) {
    if (++cells_ > kMaxCells) throw TooMany{};
    sheet_.cells[{static_cast<int>(r) + 1, static_cast<int>(c) + 1}] = std::move(v);
  }
  Sheet& sheet_;
  const Strings& strings_;
  std::size_t& cells_;
};

class Factory : public ss::iface::import_factory {
 public:
  ss::iface::import_shared_strings* get_shared_strings() override { return &strings_; }
  ss::iface::import_reference_resolver* get_reference_resolver(ss::formula_ref_context_t) override { return &resolver_; }
  ss::iface::import_sheet* append_sheet(ss::sheet_t, std::string_view name) override {
    sheets_.push_back(Sheet{std::string(name), {}});  // a deque: earlier sheets stay where they are
    imports_.push_back(std::make_unique<SheetImport>(sheets_.back(), strings_, cells_));
    return imports_.back().get();
  }
  ss::iface::import_sheet* get_sheet(std::string_view name) override {
    for (std::size_t i = 0; i < sheets_.size(); ++i)
      if (sheets_[i].name == name) return imports_[i].get();
    return nullptr;
  }
  ss::iface::import_sheet* get_sheet(ss::sheet_t i) override {
    return i >= 0 && static_cast<std::size_t>(i) < imports_.size() ? imports_[static_cast<std::size_t>(i)].get() : nullptr;
  }
  void finalize() override {}
  std::vector<Sheet> take() { return {std::make_move_iterator(sheets_.begin()), std::make_move_iterator(sheets_.end())}; }

 private:
  Strings strings_;
  Resolver resolver_;
  std::deque<Sheet> sheets_;
  std::vector<std::unique_ptr<SheetImport>> imports_;
  std::size_t cells_ = 0;
};

bool is_zip(const std::string& b) { return b.size() > 4 && b.compare(0, 4, "PK\x03\x04") == 0; }

// The folder of the part a relationships file belongs to:
// xl/_rels/workbook.xml.rels → "xl/", _rels/.rels → "".
std::string rels_base(const std::string& part) { return part.substr(0, part.rfind("_rels/")); }

// Absolute part names (Target="/xl/worksheets/sheet1.xml"), which the OPC
// standard allows and openpyxl writes, as the relative ones Excel writes.
bool relative_targets(const std::string& part, std::string& data) {
  std::string base = rels_base(part), out;
  bool changed = false;
  std::size_t at = 0;
  for (std::size_t p; (p = data.find("Target=\"/", at)) != std::string::npos;) {
    std::size_t start = p + 9, end = data.find('"', start);
    if (end == std::string::npos) break;
    std::string target = data.substr(start, end - start), rel;
    if (!base.empty() && target.compare(0, base.size(), base) == 0) {
      rel = target.substr(base.size());
    } else {
      for (char c : base)
        if (c == '/') rel += "../";
      rel += target;
    }
    out += data.substr(at, p - at) + "Target=\"" + rel;
    at = end;
    changed = true;
  }
  if (changed) data = out + data.substr(at);
  return changed;
}

// Inline strings (<c t="inlineStr"><is>…</is></c>, what openpyxl writes) as
// shared strings: appended to `items` (<si>…</si>), the cell pointing at them.
bool shared_instead_of_inline(std::string& sheet, std::vector<std::string>& items, std::size_t first_index) {
  std::string out;
  bool changed = false;
  std::size_t at = 0;
  const std::string marker = "t=\"inlineStr\"";
  for (std::size_t p; (p = sheet.find(marker, at)) != std::string::npos;) {
    std::size_t is_open = sheet.find("<is>", p), is_close = sheet.find("</is>", p);
    std::size_t cell_end = sheet.find("</c>", p);
    if (is_open == std::string::npos || is_close == std::string::npos || cell_end == std::string::npos || is_close > cell_end) break;
    out += sheet.substr(at, p - at) + "t=\"s\"" + sheet.substr(p + marker.size(), is_open - (p + marker.size()));
    out += "<v>" + std::to_string(first_index + items.size()) + "</v>";
    items.push_back("<si>" + sheet.substr(is_open + 4, is_close - is_open - 4) + "</si>");
    at = is_close + 5;
    changed = true;
  }
  if (changed) sheet = out + sheet.substr(at);
  return changed;
}

// What liborcus 0.17 does not follow, put as Excel writes it, in a copy in
// memory: absolute part names and inline strings (both what openpyxl, and
// the county's own Python scripts, write). Left as it is otherwise.
std::string as_excel_writes(const std::string& bytes) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (!src) return bytes;
  zip_t* in = zip_open_from_source(src, ZIP_RDONLY, &err);
  if (!in) {
    zip_source_free(src);
    return bytes;
  }
  std::vector<std::pair<std::string, std::string>> parts;
  zip_int64_t n = zip_get_num_entries(in, 0);
  std::uintmax_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(in, static_cast<zip_uint64_t>(i), 0);
    zip_stat_t st;
    if (!name || zip_stat_index(in, static_cast<zip_uint64_t>(i), 0, &st) != 0 || (total += st.size) > 4 * kMaxBytes) {
      zip_close(in);
      return bytes;  // liborcus then reads it, or says what is wrong
    }
    std::string data(static_cast<std::size_t>(st.size), '\0');
    zip_file_t* f = zip_fopen_index(in, static_cast<zip_uint64_t>(i), 0);
    bool ok = f && zip_fread(f, data.data(), st.size) == static_cast<zip_int64_t>(st.size);
    if (f) zip_fclose(f);
    if (!ok) {
      zip_close(in);
      return bytes;
    }
    parts.emplace_back(name, std::move(data));
  }
  zip_close(in);

  bool changed = false;
  std::vector<std::string> items;
  std::string* shared = nullptr;
  std::size_t existing = 0;
  for (auto& [name, data] : parts)
    if (name == "xl/sharedStrings.xml") {
      shared = &data;
      for (std::size_t p = 0; (p = data.find("<si", p)) != std::string::npos; p += 3)
        if (p + 3 < data.size() && (data[p + 3] == '>' || data[p + 3] == ' ')) ++existing;
    }
  for (auto& [name, data] : parts) {
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".rels") == 0) changed |= relative_targets(name, data);
    if (name.rfind("xl/worksheets/", 0) == 0 && name.find("/_rels/") == std::string::npos)
      changed |= shared_instead_of_inline(data, items, existing);
  }
  if (!items.empty()) {
    std::string joined;
    for (const auto& it : items) joined += it;
    if (shared) {
      std::size_t close = shared->rfind("</sst>");
      if (close != std::string::npos) shared->insert(close, joined);
    } else {
      parts.emplace_back("xl/sharedStrings.xml",
                         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                         "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" + joined + "</sst>");
      for (auto& [name, data] : parts) {
        if (name == "[Content_Types].xml") {
          std::size_t close = data.rfind("</Types>");
          if (close != std::string::npos)
            data.insert(close, "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/"
                               "vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>");
        } else if (name == "xl/_rels/workbook.xml.rels") {
          std::size_t close = data.rfind("</Relationships>");
          if (close != std::string::npos)
            data.insert(close, "<Relationship Id=\"rIdNianbaoSst\" Type=\"http://schemas.openxmlformats.org/"
                               "officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>");
        }
      }
    }
  }
  if (!changed) return bytes;

  zip_source_t* dst = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!dst) return bytes;
  zip_source_keep(dst);
  zip_t* out = zip_open_from_source(dst, ZIP_TRUNCATE, &err);
  if (!out) {
    zip_source_free(dst);
    return bytes;
  }
  for (const auto& [name, data] : parts) {
    zip_source_t* s = zip_source_buffer(out, data.data(), data.size(), 0);
    if (!s || zip_file_add(out, name.c_str(), s, ZIP_FL_OVERWRITE) < 0) {
      if (s) zip_source_free(s);
      zip_discard(out);
      zip_source_free(dst);
      return bytes;
    }
  }
  if (zip_close(out) != 0) {
    zip_discard(out);
    zip_source_free(dst);
    return bytes;
  }
  std::string result;
  zip_stat_t st;
  if (zip_source_stat(dst, &st) == 0 && zip_source_open(dst) == 0) {
    result.resize(static_cast<std::size_t>(st.size));
    zip_int64_t got = zip_source_read(dst, result.data(), st.size);
    zip_source_close(dst);
    if (got != static_cast<zip_int64_t>(st.size)) result.clear();
  }
  zip_source_free(dst);
  return result.empty() ? bytes : result;
}

bool is_ods(const std::string& bytes) { return bytes.find("application/vnd.oasis.opendocument.spreadsheet") != std::string::npos; }

}  // namespace

std::string kind_of(const std::filesystem::path& file) { return file.extension() == ".ods" ? "ods" : "xlsx"; }

Workbook read_workbook(const std::filesystem::path& file, const std::string& display) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > kMaxBytes) throw Error(ExitCode::data, "工作簿过大（超过 64 MB），不是一份年报的填报表", {display});
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ExitCode::no_input, "cannot be read", {display});
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  if (!is_zip(bytes))
    throw Error(ExitCode::data,
                bytes.compare(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") == 0
                    ? "这是旧版 Excel 的 .xls 文件：请在 Excel 或 WPS 中“另存为” .xlsx 后再交"
                    : "不是 .xlsx 或 .ods 工作簿（请用 Excel、WPS 或 LibreOffice 另存为 .xlsx）",
                {display});
  Workbook wb;
  Factory factory;
  try {
    if (is_ods(bytes)) {
      orcus::orcus_ods reader(&factory);
      reader.read_stream(bytes);
    } else {
      orcus::orcus_xlsx reader(&factory);
      reader.read_stream(as_excel_writes(bytes));
    }
    wb.sheets = factory.take();
  } catch (const TooMany&) {
    throw Error(ExitCode::data, "工作簿的单元格超过 " + std::to_string(kMaxCells) + " 个，不是一份年报的填报表", {display});
  } catch (const std::exception& e) {
    throw Error(ExitCode::data, std::string("无法读取这个工作簿（") + e.what() + "）；请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx",
                {display});
  }
  return wb;
}

}  // namespace xlsx_input
