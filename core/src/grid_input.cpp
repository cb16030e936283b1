#include <nianbao/grid_input.hpp>

#include <nianbao/dates.hpp>
#include <nianbao/text.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace nianbao {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

bool GridRow::blank() const {
  for (const auto& f : fields)
    if (!trim(f.text).empty()) return false;
  return true;
}

std::string column_letters(int column) {
  std::string s;
  for (int c = column; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

bool is_table_value(const std::string& raw) {
  std::string t = trim(raw);
  if (t.empty()) return false;
  if (t == "na" || t == "NA" || t == "/") return true;
  if (t[0] == '-') t.erase(0, 1);
  return Decimal::parse(t).has_value();
}

// ---- one table in the official layout --------------------------------------

namespace {

class TableReader {
 public:
  TableReader(const Form& form, const TableDef& t, const Grid& grid) : form_(form), t_(t), grid_(grid) {
    for (const auto& r : t.rows) {
      row_names_[normalize_label(r.label)] = r.key;
      row_names_[normalize_label(r.key)] = r.key;
      row_labels_.push_back(r.label);
      if (!r.group.empty()) groups_.insert(normalize_label(r.group));
    }
    for (const auto& c : t.columns) {
      col_names_[normalize_label(c.label)] = c.key;
      col_names_[normalize_label(c.key)] = c.key;
      col_labels_.push_back(c.label);
    }
  }

  Report read() {
    bool last_was_data = false;
    for (const auto& rec : grid_.rows) {
      if (rec.blank()) continue;
      auto [row_key, label_index] = find_row(rec);
      bool has_values = false;
      for (const auto& f : rec.fields) has_values |= is_table_value(f.text);
      bool rows_from_header = false;
      for (const auto& c : columns_) rows_from_header |= !c.row.empty();
      if (is_header(rec, row_key, label_index, has_values) || (row_key.empty() && !(has_values && rows_from_header))) {
        if (has_values) {
          problems_.attempt([&] { unknown_row(rec); });
          last_was_data = true;
          continue;
        }
        if (last_was_data) header_.clear();
        header_.push_back(rec);
        map_columns();
        last_was_data = false;
        continue;
      }
      last_was_data = true;
      read_values(rec, row_key, label_index);
    }
    Report r;
    if (cells_.empty() && problems_.empty())
      problems_.add(Error(ExitCode::data, t_.title + "：没有找到任何数据行（第一列应为行名，如“" + t_.rows.front().label + "”）",
                          grid_.at(1, 0)));
    for (auto& [key, pc] : cells_) r.set_cell(key, pc.cell);
    r.problems = problems_;
    return r;
  }

 private:
  struct ColumnMap {
    std::string row, col, header;  // row/column keys found above; the header text for messages
  };
  struct Pending {
    Cell cell;
    int record_line = 0;
  };

  // The rightmost text cell of the record that names a row of the table.
  std::pair<std::string, int> find_row(const GridRow& rec) const {
    for (int j = static_cast<int>(rec.fields.size()) - 1; j >= 0; --j) {
      const std::string& t = rec.fields[static_cast<std::size_t>(j)].text;
      if (trim(t).empty() || is_table_value(t)) continue;
      auto it = row_names_.find(normalize_label(t));
      if (it != row_names_.end()) return {it->second, j};
    }
    return {"", -1};
  }

  // Header rows name columns (信息内容, 本年制发件数), or name a group of
  // value columns followed by more text (行政复议 … 行政诉讼) without values.
  bool is_header(const GridRow& rec, const std::string& row_key, int label_index, bool has_values) const {
    for (const auto& f : rec.fields)
      if (!is_table_value(f.text) && col_names_.count(normalize_label(f.text))) return true;
    if (row_key.empty() || has_values) return false;
    for (std::size_t j = static_cast<std::size_t>(label_index + 1); j < rec.fields.size(); ++j)
      if (!trim(rec.fields[j].text).empty()) return true;
    return false;
  }

  // A row with numbers but no row name of this table. The row name is the
  // rightmost text before the numbers; a band's label (（三）不予公开, merged
  // over the rows of its band) stands to its left on the band's first row
  // and is no row name, so it is passed over.
  [[noreturn]] void unknown_row(const GridRow& rec) const {
    const GridField *label = nullptr, *any = nullptr;
    for (const auto& f : rec.fields) {
      std::string t = trim(f.text);
      if (t.empty() || is_table_value(t)) continue;
      any = &f;
      if (!groups_.count(normalize_label(t))) label = &f;
    }
    if (!label) label = any;
    if (label) {
      std::string near = nearest(trim(label->text), row_labels_);
      throw Error(ExitCode::data,
                  t_.title + "：未知的行“" + trim(label->text) + "”" + (near.empty() ? "" : "，是否应为“" + near + "”？"),
                  grid_.at(label->row, label->column));
    }
    throw Error(ExitCode::data, t_.title + "：这一行有数字但没有行名（应写明如“" + t_.rows.front().label + "”）",
                grid_.at(rec.row, 1));
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
          std::string n = normalize_label(t);
          if (auto c = col_names_.find(n); cm.col.empty() && c != col_names_.end()) cm.col = c->second;
          if (auto r = row_names_.find(n); cm.row.empty() && r != row_names_.end()) cm.row = r->second;
        }
      }
    }
  }

  void read_values(const GridRow& rec, const std::string& row_key, int label_index) {
    if (!row_key.empty()) {
      auto [it, fresh] = row_lines_.emplace(row_key, rec.row);
      if (!fresh) {
        const GridField& f = rec.fields[static_cast<std::size_t>(label_index)];
        problems_.add(Error(ExitCode::data,
                            t_.title + "：行“" + t_.row(row_key)->label + "”重复，第 " + std::to_string(it->second) + " 行已经填写",
                            grid_.at(f.row, f.column)));
        return;
      }
    }
    for (std::size_t j = static_cast<std::size_t>(label_index + 1); j < rec.fields.size(); ++j)
      problems_.attempt([&] { read_value(rec, row_key, j); });
  }

  void read_value(const GridRow& rec, const std::string& row_key, std::size_t j) {
    const GridField& f = rec.fields[j];
    const SourceLoc at = grid_.at(f.row, f.column);
    std::string text = trim(f.text);
    std::size_t col = static_cast<std::size_t>(f.column - 1);
    ColumnMap cm = col < columns_.size() ? columns_[col] : ColumnMap{};
    std::string rk = row_key.empty() ? cm.row : row_key;
    if (cm.col.empty() || rk.empty()) {
      if (text.empty()) return;
      std::string near = nearest(cm.header, col_labels_);
      throw Error(ExitCode::data,
                  t_.title + "：这一列" + (cm.header.empty() ? "没有表头" : "的表头“" + cm.header + "”不是本表的列") +
                      (near.empty() ? "" : "，是否应为“" + near + "”？") + "（可用：" + join(col_labels_, "、") + "）",
                  at);
    }
    if (!t_.has_cell(rk, cm.col)) {
      if (text.empty()) return;
      throw Error(ExitCode::data,
                  t_.title + "：“" + t_.row(rk)->label + "”没有“" + t_.column(cm.col)->label + "”这一项，实为 " + quote_value(text), at);
    }
    std::string key = t_.key + "." + rk + "." + cm.col;
    Cell c = form_.parse_cell(key, text, at);
    auto it = cells_.find(key);
    if (it == cells_.end()) {
      cells_.emplace(key, Pending{c, rec.row});
      return;
    }
    Pending& p = it->second;
    bool same = p.cell.state == c.state && (!c.has_value() || p.cell.value == c.value);
    if (p.record_line == rec.row && (c.state == Cell::State::blank || same)) return;  // a merged cell repeated
    if (p.record_line == rec.row && p.cell.state == Cell::State::blank) {
      p.cell = c;
      return;
    }
    throw Error(ExitCode::data, form_.cell_label(key) + "：重复填写，" + p.cell.source.str() + " 已经填写", at);
  }

  const Form& form_;
  const TableDef& t_;
  const Grid& grid_;
  std::map<std::string, std::string> row_names_, col_names_;
  std::set<std::string> groups_;
  std::vector<std::string> row_labels_, col_labels_;
  std::vector<GridRow> header_;
  std::vector<ColumnMap> columns_;
  std::map<std::string, Pending> cells_;
  std::map<std::string, int> row_lines_;
  Problems problems_;
};

}  // namespace

Report read_official_table(const Form& form, const TableDef& table, const Grid& grid) {
  return TableReader(form, table, grid).read();
}

// ---- a roster: one agency per row --------------------------------------------

std::vector<RosterColumn> roster_columns(const Form& form) {
  std::vector<RosterColumn> out = {{"agency", "单位名称"}, {"year", "年度"}, {"kind", "单位类型"}, {"region", "所属地区"}};
  for (const auto& s : form.sections)
    if (s.kind == SectionDef::Kind::text) out.push_back({"text." + s.key, s.heading});
  out.push_back({"preface", "开头段落"});
  for (const auto& c : contact_fields()) out.push_back({std::string("contact.") + c.key, c.label});
  out.push_back({"signature.name", "落款单位"});
  out.push_back({"signature.date", "落款日期"});
  for (const auto& k : form.cell_keys()) out.push_back({k, form.cell_label(k), true});
  return out;
}

namespace {

class RosterReader {
 public:
  RosterReader(const Form& form, const Grid& grid, InputFiles& files, const TextDecoder& decode)
      : form_(form), grid_(grid), files_(files), decode_(decode) {}

  std::vector<Report> read() {
    const auto& recs = grid_.rows;
    auto first = std::find_if(recs.begin(), recs.end(), [](const GridRow& r) { return !r.blank(); });
    if (first == recs.end()) throw Error(ExitCode::data, "名册是空的（第一行应为列名：单位名称、年度、单位类型……）", grid_.at(1, 0));
    Problems header;
    read_header(*first, header);
    // A column the header misnames is every agency's: said once, for the roster.
    if (!header.empty()) throw Error(header.code(), header.text());
    std::vector<Report> out;
    std::map<std::string, int> ids;
    for (auto it = first + 1; it != recs.end(); ++it) {
      if (it->blank()) continue;
      Report r = read_row(*it);
      std::string who = r.agency.empty() ? "第" + std::to_string(it->row) + "行" : r.agency;
      r.id = safe_file_stem(who + "-" + (r.year ? std::to_string(r.year) : std::string("?")));
      auto [seen, fresh] = ids.emplace(r.id, it->row);
      if (!fresh)
        r.problems.add(Error(ExitCode::data,
                             r.agency + " " + std::to_string(r.year) + " 年出现两次，另见第 " + std::to_string(seen->second) + " 行",
                             grid_.at(it->row, 1)));
      out.push_back(std::move(r));
    }
    if (out.empty()) throw Error(ExitCode::data, "名册只有列名，没有单位", grid_.at(first->row, 0));
    return out;
  }

 private:
  void read_header(const GridRow& h, Problems& problems) {
    std::vector<RosterColumn> columns = roster_columns(form_);
    std::map<std::string, std::string> by_name;  // normalized key or label → key
    std::vector<std::string> names;
    for (const auto& c : columns) {
      by_name[normalize_label(c.key)] = c.key;
      by_name[normalize_label(c.label)] = c.key;
      names.push_back(c.key);
    }
    by_name[normalize_label("地区")] = "region";
    std::vector<std::string> labels;
    for (const auto& c : columns) labels.push_back(c.label);
    std::map<std::string, int> seen;
    for (const auto& f : h.fields) {
      std::string name = trim(f.text);
      std::size_t j = static_cast<std::size_t>(f.column - 1);
      if (names_.size() <= j) names_.resize(j + 1);
      if (name.empty()) continue;
      auto it = by_name.find(normalize_label(name));
      if (it == by_name.end()) {
        std::string near = nearest(name, names);
        if (near.empty()) near = nearest(name, labels);
        problems.add(Error(ExitCode::data,
                           "名册的列名“" + name + "”不认识" + (near.empty() ? "" : "，是否应为“" + near + "”？") +
                               "（列名写键，如 applications.new_received.natural_person，或表上的中文名称，如“单位名称”）",
                           grid_.at(f.row, f.column)));
        continue;
      }
      auto [s, fresh] = seen.emplace(it->second, f.column);
      if (!fresh) {
        problems.add(Error(ExitCode::data, "名册的列“" + name + "”出现两次（另见第 " + column_letters(s->second) + " 列）",
                           grid_.at(f.row, f.column)));
        continue;
      }
      names_[j] = it->second;
    }
    if (!seen.count("agency")) throw Error(ExitCode::data, "名册需要“单位名称”（agency）一列", grid_.at(h.row, 0));
  }

  Report read_row(const GridRow& rec) {
    Report r;
    std::optional<Signature> sig;
    for (const auto& f : rec.fields)
      r.problems.attempt([&] { read_field(r, sig, f); });
    if (r.agency.empty()) r.problems.add(Error(ExitCode::data, "缺少单位名称（agency）", grid_.at(rec.row, 1)));
    if (sig) {
      if (sig->date.empty()) r.problems.add(Error(ExitCode::data, "落款需要日期（signature.date，如 2024-01-20）", sig->source));
      r.signature = sig;
    }
    return r;
  }

  void read_field(Report& r, std::optional<Signature>& sig, const GridField& f) {
    std::size_t j = static_cast<std::size_t>(f.column - 1);
    std::string value = trim(f.text);
    SourceLoc at = grid_.at(f.row, f.column);
    if (j >= names_.size() || names_[j].empty()) {
      if (value.empty()) return;
      if (j >= names_.size()) throw Error(ExitCode::data, "这一格在名册的列名之外（这一列没有列名）", at);
      return;  // a column whose name was already reported
    }
    const std::string& name = names_[j];
    if (!set_report_field(form_, r, sig, name, value, at, [&](const std::string& v, const SourceLoc& where) { return text_or_file(v, where); }))
      r.set_cell(name, form_.parse_cell(name, value, at));
  }

  // A cell naming a .txt file (relative to the roster) holds that file's text;
  // the core reads it, only inside the manifest's folder.
  Text text_or_file(const std::string& value, const SourceLoc& at) const {
    bool looks_like_file =
        value.size() > 4 && value.find('\n') == std::string::npos && normalize_label(value.substr(value.size() - 4)) == ".txt";
    if (!looks_like_file) return {value, at};
    DataFile f = files_.read(value, at);
    return {decode_(f, at), {f.display_path, 1, 1}};
  }

  const Form& form_;
  const Grid& grid_;
  InputFiles& files_;
  const TextDecoder& decode_;
  std::vector<std::string> names_;  // column index → roster column key
};

}  // namespace

bool set_report_field(const Form& form, Report& r, std::optional<Signature>& sig, const std::string& key, const std::string& value,
                      const SourceLoc& at, const std::function<Text(const std::string& value, const SourceLoc& at)>& text) {
  if (key == "agency") {
    r.agency = value;
    r.agency_source = at;
  } else if (key == "year") {
    r.year_source = at;
    r.year = form.parse_year(value, at);
  } else if (key == "kind") {
    r.kind_source = at;
    r.kind = form.parse_kind(value, at);
  } else if (key == "region") {
    r.region = value;
    r.region_source = at;
  } else if (key == "preface") {
    if (!value.empty()) r.preface = text(value, at);
  } else if (key == "signature.name" || key == "signature.date") {
    if (value.empty()) return true;
    if (!sig) sig = Signature{"", "", at};
    (key == "signature.name" ? sig->name : sig->date) = value;
    int y, m, d;
    if (key == "signature.date" && !parse_iso_date(value, y, m, d))
      throw Error(ExitCode::data, "落款日期应写作 2024-01-20，实为 " + quote_value(value), at);
  } else if (key.rfind("text.", 0) == 0) {
    if (!value.empty()) r.texts[key.substr(5)] = text(value, at);
  } else if (key.rfind("contact.", 0) == 0) {
    if (!value.empty()) r.contact[key.substr(8)] = Text{value, at};
  } else {
    return false;
  }
  return true;
}

std::vector<Report> read_roster(const Form& form, const Grid& grid, InputFiles& files, const TextDecoder& decode) {
  return RosterReader(form, grid, files, decode).read();
}

}  // namespace nianbao
