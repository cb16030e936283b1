// Input plugin `csv`: the tables as offices keep them. With `table:` the file
// is one table in the official layout (or a simple grid by key); without it,
// a roster with one agency per row.
#include "csv_reader.hpp"

#include <nianbao/compose.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace {

using nianbao::Error;
using nianbao::ExitCode;
namespace fs = std::filesystem;

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool is_value(const std::string& raw) {
  std::string t = trim(raw);
  if (t.empty()) return false;
  if (t == "na" || t == "NA" || t == "/") return true;
  if (t[0] == '-') t.erase(0, 1);
  return nianbao::Decimal::parse(t).has_value();
}

std::string read_bytes(const fs::path& p, const std::string& display) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(ExitCode::no_input, "cannot be read", {display});
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class CsvFile {
 public:
  CsvFile(const fs::path& path, std::string display, const std::string& encoding) : display_(std::move(display)) {
    std::string bytes = read_bytes(path, display_);
    try {
      std::string detected;
      records_ = csv::parse(csv::decode(bytes, encoding, detected));
    } catch (const csv::ParseError& e) {
      throw Error(ExitCode::data, e.what(), e.in_text ? nianbao::SourceLoc{display_, e.line, e.column} : at(e.line, e.column));
    }
  }
  const std::vector<csv::Record>& records() const { return records_; }
  nianbao::SourceLoc at(int line, int column) const {
    return {display_, line, column, column > 0 ? csv::column_name(column) : std::string{}};
  }
  nianbao::SourceLoc at(const csv::Field& f) const { return at(f.row, f.column); }
  const std::string& display() const { return display_; }

 private:
  std::string display_;
  std::vector<csv::Record> records_;
};

// ---- one table in the official layout --------------------------------------

class TableReader {
 public:
  TableReader(const nianbao::Form& form, const nianbao::TableDef& t, const CsvFile& file)
      : form_(form), t_(t), file_(file) {
    for (const auto& r : t.rows) {
      row_names_[nianbao::normalize_label(r.label)] = r.key;
      row_names_[nianbao::normalize_label(r.key)] = r.key;
      row_labels_.push_back(r.label);
    }
    for (const auto& c : t.columns) {
      col_names_[nianbao::normalize_label(c.label)] = c.key;
      col_names_[nianbao::normalize_label(c.key)] = c.key;
      col_labels_.push_back(c.label);
    }
  }

  nianbao::Report read() {
    bool last_was_data = false;
    for (const auto& rec : file_.records()) {
      if (rec.blank()) continue;
      auto [row_key, label_index] = find_row(rec);
      bool has_values = false;
      for (const auto& f : rec.fields) has_values |= is_value(f.text);
      bool rows_from_header = false;
      for (const auto& c : columns_) rows_from_header |= !c.row.empty();
      if (is_header(rec, row_key, label_index, has_values) || (row_key.empty() && !(has_values && rows_from_header))) {
        if (has_values) unknown_row(rec);
        if (last_was_data) header_.clear();
        header_.push_back(rec);
        map_columns();
        last_was_data = false;
        continue;
      }
      last_was_data = true;
      read_values(rec, row_key, label_index);
    }
    if (cells_.empty())
      throw Error(ExitCode::data, t_.title + "：没有找到任何数据行（第一列应为行名，如“" + t_.rows.front().label + "”）",
                  file_.at(1, 0));
    nianbao::Report r;
    for (auto& [key, pc] : cells_) r.set_cell(key, pc.cell);
    return r;
  }

 private:
  struct ColumnMap {
    std::string row, col, header;  // row/column keys found above; the header text for messages
  };
  struct Pending {
    nianbao::Cell cell;
    int record_line = 0;
  };

  // The rightmost text cell of the record that names a row of the table.
  std::pair<std::string, int> find_row(const csv::Record& rec) const {
    for (int j = static_cast<int>(rec.fields.size()) - 1; j >= 0; --j) {
      const std::string& t = rec.fields[static_cast<std::size_t>(j)].text;
      if (trim(t).empty() || is_value(t)) continue;
      auto it = row_names_.find(nianbao::normalize_label(t));
      if (it != row_names_.end()) return {it->second, j};
    }
    return {"", -1};
  }

  // Header rows name columns (信息内容, 本年制发件数), or name a group of
  // value columns followed by more text (行政复议 … 行政诉讼) without values.
  bool is_header(const csv::Record& rec, const std::string& row_key, int label_index, bool has_values) const {
    for (const auto& f : rec.fields)
      if (!is_value(f.text) && col_names_.count(nianbao::normalize_label(f.text))) return true;
    if (row_key.empty() || has_values) return false;
    for (std::size_t j = static_cast<std::size_t>(label_index + 1); j < rec.fields.size(); ++j)
      if (!trim(rec.fields[j].text).empty()) return true;
    return false;
  }

  [[noreturn]] void unknown_row(const csv::Record& rec) const {
    for (const auto& f : rec.fields) {
      if (trim(f.text).empty() || is_value(f.text)) continue;
      std::string near = nianbao::nearest(trim(f.text), row_labels_);
      throw Error(ExitCode::data,
                  t_.title + "：未知的行“" + trim(f.text) + "”" + (near.empty() ? "" : "，是否应为“" + near + "”？"),
                  file_.at(f));
    }
    throw Error(ExitCode::data, t_.title + "：这一行有数字但没有行名（应写明如“" + t_.rows.front().label + "”）",
                file_.at(rec.row, 1));
  }

  // Column j's keys from the header rows above it, the lowest naming header
  // first. Merged cells come out of a spreadsheet empty (or repeated): a
  // column's own texts count first (总计 above an empty cell it spans down
  // into), then each empty header cell is taken to belong to the nearest
  // filled one on its left (本年处理决定数量 spanning three columns).
  void map_columns() {
    std::size_t width = 0;
    for (const auto& h : header_) width = std::max(width, h.fields.size());
    columns_.assign(width, {});
    std::vector<std::vector<std::string>> own, filled;
    for (const auto& h : header_) {
      std::vector<std::string> o(width), f(width);
      for (std::size_t j = 0; j < width; ++j) {
        o[j] = j < h.fields.size() ? trim(h.fields[j].text) : "";
        f[j] = !o[j].empty() ? o[j] : (j > 0 ? f[j - 1] : "");
      }
      own.push_back(std::move(o));
      filled.push_back(std::move(f));
    }
    for (std::size_t j = 0; j < width; ++j) {
      ColumnMap& cm = columns_[j];
      for (const auto* texts : {&own, &filled}) {
        for (auto h = texts->rbegin(); h != texts->rend(); ++h) {
          const std::string& t = (*h)[j];
          if (t.empty()) continue;
          if (cm.header.empty()) cm.header = t;
          std::string n = nianbao::normalize_label(t);
          if (auto c = col_names_.find(n); cm.col.empty() && c != col_names_.end()) cm.col = c->second;
          if (auto r = row_names_.find(n); cm.row.empty() && r != row_names_.end()) cm.row = r->second;
        }
      }
    }
  }

  void read_values(const csv::Record& rec, const std::string& row_key, int label_index) {
    if (!row_key.empty()) {
      auto [it, fresh] = row_lines_.emplace(row_key, rec.row);
      if (!fresh)
        throw Error(ExitCode::data,
                    t_.title + "：行“" + t_.row(row_key)->label + "”重复，第 " + std::to_string(it->second) + " 行已经填写",
                    file_.at(rec.fields[static_cast<std::size_t>(label_index)]));
    }
    for (std::size_t j = static_cast<std::size_t>(label_index + 1); j < rec.fields.size(); ++j) {
      const csv::Field& f = rec.fields[j];
      std::string text = trim(f.text);
      ColumnMap cm = j < columns_.size() ? columns_[j] : ColumnMap{};
      std::string rk = row_key.empty() ? cm.row : row_key;
      if (cm.col.empty() || rk.empty()) {
        if (text.empty()) continue;
        std::string near = nianbao::nearest(cm.header, col_labels_);
        throw Error(ExitCode::data,
                    t_.title + "：这一列" + (cm.header.empty() ? "没有表头" : "的表头“" + cm.header + "”不是本表的列") +
                        (near.empty() ? "" : "，是否应为“" + near + "”？") + "（可用：" + nianbao::join(col_labels_, "、") + "）",
                    file_.at(f));
      }
      if (!t_.has_cell(rk, cm.col)) {
        if (text.empty()) continue;
        throw Error(ExitCode::data,
                    t_.title + "：“" + t_.row(rk)->label + "”没有“" + t_.column(cm.col)->label + "”这一项，实为 " + nianbao::quote_value(text),
                    file_.at(f));
      }
      std::string key = t_.key + "." + rk + "." + cm.col;
      nianbao::Cell c = form_.parse_cell(key, text, file_.at(f));
      auto it = cells_.find(key);
      if (it == cells_.end()) {
        cells_.emplace(key, Pending{c, rec.row});
        continue;
      }
      Pending& p = it->second;
      bool same = p.cell.state == c.state && (!c.has_value() || p.cell.value == c.value);
      if (p.record_line == rec.row && (c.state == nianbao::Cell::State::blank || same)) continue;  // a merged cell repeated
      if (p.record_line == rec.row && p.cell.state == nianbao::Cell::State::blank) {
        p.cell = c;
        continue;
      }
      throw Error(ExitCode::data, form_.cell_label(key) + "：重复填写，" + p.cell.source.str() + " 已经填写", file_.at(f));
    }
  }

  const nianbao::Form& form_;
  const nianbao::TableDef& t_;
  const CsvFile& file_;
  std::map<std::string, std::string> row_names_, col_names_;
  std::vector<std::string> row_labels_, col_labels_;
  std::vector<csv::Record> header_;
  std::vector<ColumnMap> columns_;
  std::map<std::string, Pending> cells_;
  std::map<std::string, int> row_lines_;
};

// ---- a roster: one agency per row --------------------------------------------

class RosterReader {
 public:
  RosterReader(const nianbao::Form& form, const CsvFile& file, nianbao::InputFiles& files)
      : form_(form), file_(file), files_(files) {}

  std::vector<nianbao::Report> read() {
    const auto& recs = file_.records();
    auto first = std::find_if(recs.begin(), recs.end(), [](const csv::Record& r) { return !r.blank(); });
    if (first == recs.end()) throw Error(ExitCode::data, "the roster is empty", file_.at(1, 0));
    read_header(*first);
    std::vector<nianbao::Report> out;
    std::map<std::string, int> ids;
    for (auto it = first + 1; it != recs.end(); ++it) {
      if (it->blank()) continue;
      nianbao::Report r = read_row(*it);
      r.id = nianbao::safe_file_stem(r.agency + "-" + std::to_string(r.year));
      auto [seen, fresh] = ids.emplace(r.id, it->row);
      if (!fresh)
        throw Error(ExitCode::data, r.agency + " " + std::to_string(r.year) + " 年出现两次，另见第 " + std::to_string(seen->second) + " 行",
                    file_.at(it->row, 1));
      out.push_back(std::move(r));
    }
    if (out.empty()) throw Error(ExitCode::data, "the roster has a header but no agency rows", file_.at(first->row, 0));
    return out;
  }

 private:
  void read_header(const csv::Record& h) {
    std::vector<std::string> known = {"agency", "year", "kind", "region", "preface", "signature.name", "signature.date"};
    for (const auto& s : form_.text_section_keys()) known.push_back("text." + s);
    for (const auto& c : nianbao::contact_fields()) known.push_back(std::string("contact.") + c.key);
    std::vector<std::string> cells = form_.cell_keys();
    std::set<std::string> cell_set(cells.begin(), cells.end());
    std::vector<std::string> all = known;
    all.insert(all.end(), cells.begin(), cells.end());
    std::map<std::string, int> seen;
    for (const auto& f : h.fields) {
      std::string name = trim(f.text);
      names_.push_back(name);
      if (name.empty()) continue;
      if (std::find(known.begin(), known.end(), name) == known.end() && !cell_set.count(name))
        throw Error(ExitCode::data, "unknown roster column '" + name + "'" + nianbao::did_you_mean(name, all) +
                                        " (columns: agency, year, kind, region, preface, text.<section>, signature.name, "
                                        "signature.date, contact.<field>, and cells as table.row.column)",
                    file_.at(f));
      auto [it, fresh] = seen.emplace(name, f.column);
      if (!fresh)
        throw Error(ExitCode::data, "roster column '" + name + "' appears twice (also column " + csv::column_name(it->second) + ")",
                    file_.at(f));
    }
    if (!seen.count("agency")) throw Error(ExitCode::data, "the roster needs an 'agency' column", file_.at(h.row, 0));
  }

  nianbao::Report read_row(const csv::Record& rec) {
    nianbao::Report r;
    std::optional<nianbao::Signature> sig;
    for (const auto& f : rec.fields) {
      std::size_t j = static_cast<std::size_t>(f.column - 1);
      std::string value = trim(f.text);
      if (j >= names_.size() || names_[j].empty()) {
        if (value.empty()) continue;
        throw Error(ExitCode::data, "this field has no column name in the roster's header", file_.at(f));
      }
      const std::string& name = names_[j];
      nianbao::SourceLoc at = file_.at(f);
      if (name == "agency") {
        r.agency = value;
        r.agency_source = at;
      } else if (name == "year") {
        r.year_source = at;
        r.year = form_.parse_year(value, at);
      } else if (name == "kind") {
        r.kind = value;
        r.kind_source = at;
        form_.check_kind(value, at);
      } else if (name == "region") {
        r.region = value;
        r.region_source = at;
      } else if (name == "preface") {
        if (!value.empty()) r.preface = text_or_file(value, at);
      } else if (name == "signature.name" || name == "signature.date") {
        if (value.empty()) continue;
        if (!sig) sig = nianbao::Signature{"", "", at};
        (name == "signature.name" ? sig->name : sig->date) = value;
        int y, m, d;
        if (name == "signature.date" && !nianbao::parse_iso_date(value, y, m, d))
          throw Error(ExitCode::data, "落款日期应写作 2024-01-20，实为 " + nianbao::quote_value(value), at);
      } else if (name.rfind("text.", 0) == 0) {
        if (!value.empty()) r.texts[name.substr(5)] = text_or_file(value, at);
      } else if (name.rfind("contact.", 0) == 0) {
        if (!value.empty()) r.contact[name.substr(8)] = nianbao::Text{value, at};
      } else {
        r.set_cell(name, form_.parse_cell(name, value, at));
      }
    }
    if (r.agency.empty()) throw Error(ExitCode::data, "缺少单位名称（agency）", file_.at(rec.row, 1));
    if (sig) {
      if (sig->date.empty()) throw Error(ExitCode::data, "落款需要日期（signature.date，如 2024-01-20）", sig->source);
      r.signature = sig;
    }
    return r;
  }

  // A cell naming a .txt file (relative to the roster) holds that file's text;
  // the core reads it, only inside the manifest's folder.
  nianbao::Text text_or_file(const std::string& value, const nianbao::SourceLoc& at) const {
    bool looks_like_file = value.size() > 4 && value.find('\n') == std::string::npos &&
                           nianbao::normalize_label(value.substr(value.size() - 4)) == ".txt";
    if (!looks_like_file) return {value, at};
    nianbao::DataFile f = files_.read(value, at);
    try {
      std::string detected;
      return {csv::decode(f.bytes, "auto", detected), {f.display_path, 1, 1}};
    } catch (const csv::ParseError& e) {
      throw Error(ExitCode::data, e.what(), {f.display_path, e.line, e.column});
    }
  }

  const nianbao::Form& form_;
  const CsvFile& file_;
  nianbao::InputFiles& files_;
  std::vector<std::string> names_;  // column index → roster column name
};

class CsvInput : public nianbao::InputPlugin {
 public:
  std::vector<nianbao::Report> read(const nianbao::InputRequest& rq) override {
    const std::string& table = rq.options.string("table");
    const nianbao::TableDef* t = nullptr;
    if (!table.empty()) {
      t = rq.form.table(table);
      std::vector<std::string> keys;
      for (const auto& x : rq.form.tables) keys.push_back(x.key);
      if (!t)
        throw Error(ExitCode::config, "unknown table '" + table + "'" + nianbao::did_you_mean(table, keys) +
                                          " (tables: " + nianbao::join(keys, ", ") + ")",
                    rq.options.get("table").source);
    }
    CsvFile file(rq.path, rq.display_path, rq.options.string("encoding"));
    if (t) return {TableReader(rq.form, *t, file).read()};
    return RosterReader(rq.form, file, rq.files).read();
  }
};

const nianbao_option_spec kOptions[] = {
    {"table", "string", "", nullptr,
     "the form table this file holds (proactive, applications, appeals); leave out for a roster of agencies"},
    {"encoding", "choice", "auto", "auto|utf-8|gb18030|gbk", "text encoding; auto tells UTF-8 from GB18030"},
};

}  // namespace

NIANBAO_INPUT_PLUGIN(CsvInput, "csv", "1.0.0", "Tables and rosters from CSV files as Excel or WPS export them", kOptions)
