#include "workbook.hpp"

#include <nianbao/input_file.hpp>
#include <nianbao/text.hpp>

#include <orcus/orcus_ods.hpp>
#include <orcus/orcus_xlsx.hpp>
#include <orcus/spreadsheet/import_interface.hpp>
#include <expat.h>
#include <zip.h>

#include <charconv>
#include <deque>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <type_traits>

namespace xlsx_input {

namespace ss = orcus::spreadsheet;
using nianbao::Error;
using nianbao::ExitCode;

namespace {

constexpr std::uintmax_t kMaxBytes = 64u << 20;  // far above any county's workbook
constexpr const char* kTooLarge = "工作簿过大（超过 64 MB），不是一份年报的填报表";
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

// Only the merged ranges matter: a label merged across columns has its
// value after the merge, not in the next cell.
class Merges : public ss::iface::import_sheet_properties {
 public:
  explicit Merges(Sheet& sheet) : sheet_(sheet) {}
  void set_column_width(ss::col_t, double, orcus::length_unit_t) override {}
  void set_column_hidden(ss::col_t, bool) override {}
  void set_row_height(ss::row_t, double, orcus::length_unit_t) override {}
  void set_row_hidden(ss::row_t, bool) override {}
  void set_merge_cell_range(const ss::range_t& r) override {
    if (sheet_.merged_to.size() < kMaxCells)
      sheet_.merged_to[{static_cast<int>(r.first.row) + 1, static_cast<int>(r.first.column) + 1}] = static_cast<int>(r.last.column) + 1;
  }

 private:
  Sheet& sheet_;
};

class SheetImport : public ss::iface::import_sheet {
 public:
  SheetImport(Sheet& sheet, const Strings& strings, std::size_t& cells)
      : sheet_(sheet), strings_(strings), cells_(cells), merges_(sheet) {}
  ss::iface::import_sheet_properties* get_sheet_properties() override { return &merges_; }
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
  Merges merges_;
};

// Formatting is not data, but liborcus 0.17 reads an .ods's cell styles
// without asking whether anyone takes them (a null here crashes it on every
// file LibreOffice saves), so this takes them and keeps nothing.
class NoStyles : public ss::iface::import_styles {
 public:
  void set_font_count(std::size_t) override {}
  void set_font_bold(bool) override {}
  void set_font_italic(bool) override {}
  void set_font_name(std::string_view) override {}
  void set_font_size(double) override {}
  void set_font_underline(ss::underline_t) override {}
  void set_font_underline_width(ss::underline_width_t) override {}
  void set_font_underline_mode(ss::underline_mode_t) override {}
  void set_font_underline_type(ss::underline_type_t) override {}
  void set_font_underline_color(ss::color_elem_t, ss::color_elem_t, ss::color_elem_t, ss::color_elem_t) override {}
  void set_font_color(ss::color_elem_t, ss::color_elem_t, ss::color_elem_t, ss::color_elem_t) override {}
  void set_strikethrough_style(ss::strikethrough_style_t) override {}
  void set_strikethrough_type(ss::strikethrough_type_t) override {}
  void set_strikethrough_width(ss::strikethrough_width_t) override {}
  void set_strikethrough_text(ss::strikethrough_text_t) override {}
  std::size_t commit_font() override { return 0; }
  void set_fill_count(std::size_t) override {}
  void set_fill_pattern_type(ss::fill_pattern_t) override {}
  void set_fill_fg_color(ss::color_elem_t, ss::color_elem_t, ss::color_elem_t, ss::color_elem_t) override {}
  void set_fill_bg_color(ss::color_elem_t, ss::color_elem_t, ss::color_elem_t, ss::color_elem_t) override {}
  std::size_t commit_fill() override { return 0; }
  void set_border_count(std::size_t) override {}
  void set_border_style(ss::border_direction_t, ss::border_style_t) override {}
  void set_border_color(ss::border_direction_t, ss::color_elem_t, ss::color_elem_t, ss::color_elem_t, ss::color_elem_t) override {}
  void set_border_width(ss::border_direction_t, double, orcus::length_unit_t) override {}
  std::size_t commit_border() override { return 0; }
  void set_cell_hidden(bool) override {}
  void set_cell_locked(bool) override {}
  void set_cell_print_content(bool) override {}
  void set_cell_formula_hidden(bool) override {}
  std::size_t commit_cell_protection() override { return 0; }
  void set_number_format_count(std::size_t) override {}
  void set_number_format_identifier(std::size_t) override {}
  void set_number_format_code(std::string_view) override {}
  std::size_t commit_number_format() override { return 0; }
  void set_cell_xf_count(std::size_t) override {}
  void set_cell_style_xf_count(std::size_t) override {}
  void set_dxf_count(std::size_t) override {}
  void set_xf_font(std::size_t) override {}
  void set_xf_fill(std::size_t) override {}
  void set_xf_border(std::size_t) override {}
  void set_xf_protection(std::size_t) override {}
  void set_xf_number_format(std::size_t) override {}
  void set_xf_style_xf(std::size_t) override {}
  void set_xf_apply_alignment(bool) override {}
  void set_xf_horizontal_alignment(ss::hor_alignment_t) override {}
  void set_xf_vertical_alignment(ss::ver_alignment_t) override {}
  std::size_t commit_cell_xf() override { return 0; }
  std::size_t commit_cell_style_xf() override { return 0; }
  std::size_t commit_dxf() override { return 0; }
  void set_cell_style_count(std::size_t) override {}
  void set_cell_style_name(std::string_view) override {}
  void set_cell_style_xf(std::size_t) override {}
  void set_cell_style_builtin(std::size_t) override {}
  void set_cell_style_parent_name(std::string_view) override {}
  std::size_t commit_cell_style() override { return 0; }
};

class Factory : public ss::iface::import_factory {
 public:
  ss::iface::import_styles* get_styles() override { return &styles_; }
  ss::iface::import_shared_strings* get_shared_strings() override { return &strings_; }
  ss::iface::import_reference_resolver* get_reference_resolver(ss::formula_ref_context_t) override { return &resolver_; }
  ss::iface::import_sheet* append_sheet(ss::sheet_t, std::string_view name) override {
    sheets_.push_back(Sheet{std::string(name), {}, {}});  // a deque: earlier sheets stay where they are
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
  NoStyles styles_;
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
// An empty one (<c t="inlineStr"></c>, <c t="inlineStr"/>, openpyxl's "")
// becomes a plain empty cell.
bool shared_instead_of_inline(std::string& sheet, std::vector<std::string>& items, std::size_t first_index) {
  std::string out;
  bool changed = false;
  std::size_t at = 0;
  const std::string marker = "t=\"inlineStr\"";
  for (std::size_t p; (p = sheet.find(marker, at)) != std::string::npos;) {
    std::size_t tag_end = sheet.find('>', p);
    if (tag_end == std::string::npos) break;
    out += sheet.substr(at, p - at);
    at = p + marker.size();
    changed = true;
    if (sheet[tag_end - 1] == '/') continue;  // <c … t="inlineStr"/>: the type dropped
    std::size_t cell_end = sheet.find("</c>", tag_end);
    if (cell_end == std::string::npos) break;
    std::size_t is_open = sheet.find("<is>", tag_end), is_close = sheet.find("</is>", tag_end);
    if (is_open == std::string::npos || is_close == std::string::npos || is_close > cell_end) continue;
    out += "t=\"s\"" + sheet.substr(at, is_open - at);
    out += "<v>" + std::to_string(first_index + items.size()) + "</v>";
    items.push_back("<si>" + sheet.substr(is_open + 4, is_close - is_open - 4) + "</si>");
    at = is_close + 5;
  }
  if (changed) sheet = out + sheet.substr(at);
  return changed;
}

using Parts = std::vector<std::pair<std::string, std::string>>;

// A zip package's parts, in memory; none when it is not one (or too large),
// and liborcus then reads the bytes as they are, or says what is wrong.
Parts unzip(const std::string& bytes) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (!src) return {};
  zip_t* in = zip_open_from_source(src, ZIP_RDONLY, &err);
  if (!in) {
    zip_source_free(src);
    return {};
  }
  Parts parts;
  zip_int64_t n = zip_get_num_entries(in, 0);
  std::uintmax_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(in, static_cast<zip_uint64_t>(i), 0);
    zip_stat_t st;
    if (!name || zip_stat_index(in, static_cast<zip_uint64_t>(i), 0, &st) != 0 || (total += st.size) > 4 * kMaxBytes) {
      zip_close(in);
      return {};
    }
    std::string data(static_cast<std::size_t>(st.size), '\0');
    zip_file_t* f = zip_fopen_index(in, static_cast<zip_uint64_t>(i), 0);
    bool ok = f && zip_fread(f, data.data(), st.size) == static_cast<zip_int64_t>(st.size);
    if (f) zip_fclose(f);
    if (!ok) {
      zip_close(in);
      return {};
    }
    parts.emplace_back(name, std::move(data));
  }
  zip_close(in);
  return parts;
}

// The parts as a zip package again; `bytes` when that fails.
std::string rezip(const Parts& parts, const std::string& bytes) {
  zip_error_t err;
  zip_error_init(&err);
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


// liborcus 0.17 trusts its input: a character reference past Unicode
// (&#21127663;) or markup cut short at the end of a part aborts the process
// inside its parser. Expat (with its own guard against entity expansion)
// reads every XML part first, so a damaged file is said to be damaged, with
// the part and position, before liborcus sees it.
// What expat found, as the clerk's office reads it.
const char* xml_fault(XML_Error e) {
  switch (e) {
    case XML_ERROR_BAD_CHAR_REF: return "有无效的字符引用";
    case XML_ERROR_INVALID_TOKEN:
    case XML_ERROR_PARTIAL_CHAR: return "有不合 XML 规则的字符";
    case XML_ERROR_UNCLOSED_TOKEN:
    case XML_ERROR_NO_ELEMENTS:
    case XML_ERROR_UNCLOSED_CDATA_SECTION: return "内容不完整（文件可能被截断）";
    case XML_ERROR_TAG_MISMATCH: return "标记不配对";
    case XML_ERROR_DUPLICATE_ATTRIBUTE: return "有重复的属性";
    case XML_ERROR_UNDEFINED_ENTITY: return "有未定义的实体";
    case XML_ERROR_RECURSIVE_ENTITY_REF:
    case XML_ERROR_AMPLIFICATION_LIMIT_BREACH: return "实体引用循环或展开过大";
    default: return "XML 格式错误";
  }
}

void check_well_formed(const Parts& parts, const std::string& display) {
  for (const auto& [name, data] : parts) {
    const bool xml = name.ends_with(".xml") || name.ends_with(".rels");
    if (!xml) continue;
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr), XML_ParserFree);
    if (!parser) throw std::bad_alloc();
    if (XML_Parse(parser.get(), data.data(), static_cast<int>(data.size()), XML_TRUE) == XML_STATUS_OK) continue;
    const auto line = XML_GetCurrentLineNumber(parser.get());
    const auto column = XML_GetCurrentColumnNumber(parser.get()) + 1;
    throw Error(ExitCode::data,
                "工作簿已损坏（" + name + " 第 " + std::to_string(line) + " 行第 " + std::to_string(column) + " 列" +
                    xml_fault(XML_GetErrorCode(parser.get())) + "）：请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx",
                {display});
  }
}

// What liborcus 0.17 does not follow in an .xlsx, put as Excel writes it, in
// a copy in memory: absolute part names and inline strings (both what
// openpyxl, and the county's own Python scripts, write).
std::string as_excel_writes(const std::string& bytes, const std::string& display) {
  Parts parts = unzip(bytes);
  check_well_formed(parts, display);
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
  return changed ? rezip(parts, bytes) : bytes;
}

// liborcus 0.17 does not count an .ods's covered cells (the cells a merge
// hides), so every cell after a merge would shift left; as plain empty cells
// they keep their columns. What a covered cell holds is hidden, and dropped.
bool uncover(std::string& content) {
  const std::string open = "<table:covered-table-cell", close = "</table:covered-table-cell>";
  std::string out;
  std::size_t at = 0;
  bool changed = false;
  for (std::size_t p; (p = content.find(open, at)) != std::string::npos;) {
    std::size_t tag_end = content.find('>', p);
    if (tag_end == std::string::npos) break;
    std::string repeat;
    const std::string attr = "table:number-columns-repeated=\"";
    if (std::size_t a = content.find(attr, p); a != std::string::npos && a < tag_end) {
      std::size_t q = content.find('"', a + attr.size());
      if (q != std::string::npos && q < tag_end) repeat = " " + content.substr(a, q + 1 - a);
    }
    out += content.substr(at, p - at) + "<table:table-cell" + repeat + "/>";
    at = tag_end + 1;
    if (content[tag_end - 1] != '/') {
      std::size_t end = content.find(close, tag_end);
      if (end == std::string::npos) break;
      at = end + close.size();
    }
    changed = true;
  }
  if (changed) content = out + content.substr(at);
  return changed;
}

// liborcus 0.17 keeps only a cell's last paragraph, and LibreOffice saves
// each line of a cell as one (<text:p>…</text:p><text:p/><text:p>…): the
// paragraphs joined by line breaks, as the clerk typed them. A comment
// (<office:annotation>) in the cell is not its text, and is dropped.
bool one_paragraph(std::string& content) {
  const std::string cell_open = "<table:table-cell", cell_close = "</table:table-cell>";
  std::string out;
  std::size_t at = 0;
  bool changed = false;
  for (std::size_t p; (p = content.find(cell_open, at)) != std::string::npos;) {
    std::size_t tag_end = content.find('>', p);
    if (tag_end == std::string::npos) break;
    if (content[tag_end - 1] == '/') {  // an empty cell
      out += content.substr(at, tag_end + 1 - at);
      at = tag_end + 1;
      continue;
    }
    std::size_t end = content.find(cell_close, tag_end);
    if (end == std::string::npos) break;
    std::string inner = content.substr(tag_end + 1, end - tag_end - 1);
    for (std::size_t a; (a = inner.find("<office:annotation")) != std::string::npos; changed = true) {
      std::size_t b = inner.find("</office:annotation>", a);
      inner.erase(a, b == std::string::npos ? std::string::npos : b + 20 - a);
    }
    std::vector<std::string> paras;
    for (std::size_t q = 0; (q = inner.find("<text:p", q)) != std::string::npos;) {
      std::size_t gt = inner.find('>', q);
      if (gt == std::string::npos) break;
      if (const char c = inner[q + 7]; c != ' ' && c != '>' && c != '/') {  // <text:page-number> and the like
        q += 7;
        continue;
      }
      if (inner[gt - 1] == '/') {
        paras.emplace_back();
        q = gt + 1;
        continue;
      }
      std::size_t close = inner.find("</text:p>", gt);
      if (close == std::string::npos) break;
      paras.push_back(inner.substr(gt + 1, close - gt - 1));
      q = close + 9;
    }
    out += content.substr(at, tag_end + 1 - at);
    if (paras.size() > 1) {
      std::string joined;
      for (std::size_t i = 0; i < paras.size(); ++i) joined += (i ? "\n" : "") + paras[i];
      out += "<text:p>" + joined + "</text:p>";
      changed = true;
    } else {
      out += inner;
    }
    out += cell_close;
    at = end + cell_close.size();
  }
  if (changed) content = out + content.substr(at);
  return changed;
}

std::string as_ods_reads(const std::string& bytes, const std::string& display) {
  Parts parts = unzip(bytes);
  check_well_formed(parts, display);
  bool changed = false;
  for (auto& [name, data] : parts)
    if (name == "content.xml") {
      changed |= uncover(data);
      changed |= one_paragraph(data);
    }
  return changed ? rezip(parts, bytes) : bytes;
}

bool is_ods(const std::string& bytes) { return bytes.find("application/vnd.oasis.opendocument.spreadsheet") != std::string::npos; }

}  // namespace

std::string kind_of(const std::filesystem::path& file) { return file.extension() == ".ods" ? "ods" : "xlsx"; }

Workbook read_workbook(const std::filesystem::path& file, const std::string& display) {
  return read_workbook_bytes(nianbao::read_input_file(file, display, kMaxBytes, kTooLarge), display);
}

Workbook read_workbook_bytes(const std::string& bytes, const std::string& display) {
  if (bytes.size() > kMaxBytes) throw Error(ExitCode::data, kTooLarge, {display});
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
      reader.read_stream(as_ods_reads(bytes, display));
    } else {
      orcus::orcus_xlsx reader(&factory);
      reader.read_stream(as_excel_writes(bytes, display));
    }
    wb.sheets = factory.take();
  } catch (const Error&) {
    throw;
  } catch (const TooMany&) {
    throw Error(ExitCode::data, "工作簿的单元格超过 " + std::to_string(kMaxCells) + " 个，不是一份年报的填报表", {display});
  } catch (const std::exception& e) {
    throw Error(ExitCode::data, std::string("无法读取这个工作簿（") + e.what() + "）；请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx",
                {display});
  }
  return wb;
}

}  // namespace xlsx_input
