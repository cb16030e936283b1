#include <nianbao/form.hpp>
#include <nianbao/text.hpp>
#include <nianbao/yaml_source.hpp>

#include <algorithm>
#include <set>

namespace nianbao {

bool split_cell_key(const std::string& key, std::string& table, std::string& row, std::string& column) {
  auto a = key.find('.');
  if (a == std::string::npos) return false;
  auto b = key.find('.', a + 1);
  if (b == std::string::npos || key.find('.', b + 1) != std::string::npos) return false;
  table = key.substr(0, a);
  row = key.substr(a + 1, b - a - 1);
  column = key.substr(b + 1);
  return !table.empty() && !row.empty() && !column.empty();
}

const RowDef* TableDef::row(const std::string& k) const {
  for (const auto& r : rows)
    if (r.key == k) return &r;
  return nullptr;
}

const ColumnDef* TableDef::column(const std::string& k) const {
  for (const auto& c : columns)
    if (c.key == k) return &c;
  return nullptr;
}

bool TableDef::has_cell(const std::string& row_key, const std::string& column_key) const {
  const RowDef* r = row(row_key);
  return r && std::find(r->columns.begin(), r->columns.end(), column_key) != r->columns.end();
}

const TableDef* Form::table(const std::string& k) const {
  for (const auto& t : tables)
    if (t.key == k) return &t;
  return nullptr;
}

const KindDef* Form::kind(const std::string& k) const {
  for (const auto& x : kinds)
    if (x.key == k) return &x;
  return nullptr;
}

std::vector<std::string> Form::kind_keys() const {
  std::vector<std::string> out;
  for (const auto& k : kinds) out.push_back(k.key);
  return out;
}

std::vector<std::string> Form::text_section_keys() const {
  std::vector<std::string> out;
  for (const auto& s : sections)
    if (s.kind == SectionDef::Kind::text) out.push_back(s.key);
  return out;
}

bool Form::is_cell(const std::string& key) const {
  std::string t, r, c;
  if (!split_cell_key(key, t, r, c)) return false;
  const TableDef* td = table(t);
  return td && td->has_cell(r, c);
}

std::vector<std::string> Form::cell_keys() const {
  std::vector<std::string> out;
  for (const auto& t : tables)
    for (const auto& r : t.rows)
      for (const auto& c : r.columns) out.push_back(t.key + "." + r.key + "." + c);
  return out;
}

ValueType Form::cell_type(const std::string& key) const {
  std::string t, r, c;
  if (split_cell_key(key, t, r, c))
    if (const TableDef* td = table(t))
      if (const ColumnDef* cd = td->column(c)) return cd->type;
  return ValueType::count;
}

std::string Form::cell_label(const std::string& key) const {
  std::string t, r, c;
  if (!split_cell_key(key, t, r, c)) return key;
  const TableDef* td = table(t);
  if (!td) return key;
  std::vector<std::string> parts{td->title};
  if (const RowDef* rd = td->row(r)) {
    if (!rd->group.empty()) parts.push_back(rd->group);
    parts.push_back(rd->label);
  }
  if (const ColumnDef* cd = td->column(c)) parts.push_back(cd->label);
  return join(parts, " · ");
}

Cell Form::parse_cell(const std::string& key, const std::string& text, const SourceLoc& at) const {
  if (text.empty()) return Cell::blank(at);
  if (text == "na" || text == "NA" || text == "/") return Cell::not_applicable(at);
  bool amount = cell_type(key) == ValueType::amount;
  Decimal::ParseError why = Decimal::ParseError::syntax;
  auto d = Decimal::parse(text, &why);
  if (!d && why == Decimal::ParseError::too_large)
    throw Error(ExitCode::data,
                cell_label(key) + "：数值过大，实为 " + quote_value(text) + "（上限为 " + Decimal::max_text + "，请核对）", at);
  if (!d && why == Decimal::ParseError::too_many_places)
    throw Error(ExitCode::data,
                cell_label(key) + "：小数位数过多，实为 " + quote_value(text) + "（最多 " + std::to_string(Decimal::max_places) +
                    " 位小数）",
                at);
  if (!d)
    throw Error(ExitCode::data,
                cell_label(key) + "：" + (amount ? "应为非负数（万元）" : "应为非负整数") + "，实为 " + quote_value(text) +
                    "（未填写请留空，不适用请写 na）",
                at);
  if (d->negative()) throw Error(ExitCode::data, cell_label(key) + "：不能为负数，实为 " + quote_value(text), at);
  if (!amount && !d->is_integer()) throw Error(ExitCode::data, cell_label(key) + "：件数应为整数，实为 " + quote_value(text), at);
  return Cell::number(*d, at);
}

int Form::parse_year(const std::string& text, const SourceLoc& at) const {
  int v = 0;
  bool digits = text.size() == 4 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) v = std::stoi(text);
  if (!digits || v < 2000 || v > 2100) throw Error(ExitCode::data, "年度（year）应为四位年份，如 2023，实为 " + quote_value(text), at);
  return v;
}

std::string Form::parse_kind(const std::string& text, const SourceLoc& at) const {
  if (kind(text)) return text;
  const std::string n = normalize_label(text);
  for (const auto& k : kinds)
    if (normalize_label(k.label) == n || normalize_label(k.key) == n) return k.key;
  check_kind(text, at);  // throws, with the kinds listed
  return text;
}

void Form::check_kind(const std::string& k, const SourceLoc& at) const {
  if (kind(k)) return;
  std::vector<std::string> listed;
  for (const auto& x : kinds) listed.push_back(x.key + "（" + x.label + "）");
  std::vector<std::string> both = kind_keys();
  for (const auto& x : kinds) both.push_back(x.label);
  std::string near = nearest(k, both);
  throw Error(ExitCode::data,
              "未知的单位类型 '" + k + "'" + (near.empty() ? "" : "，是否应为 '" + near + "'？") + "（可用：" + join(listed, "、") + "）",
              at);
}

namespace {

// Loads one form file; every defect is an Error(config) at its position.
class FormLoader {
 public:
  explicit FormLoader(const YamlFile& f) : f_(f) {}

  Form load() {
    const YAML::Node& root = f_.root();
    f_.check_keys(root, {"id", "name", "title", "kinds", "sections", "tables", "rules", "summary"}, "form");
    Form form;
    form.id = required_string(root, "id", "form");
    form.name = optional_string(root, "name");
    form.title_pattern = required_string(root, "title", "form");

    const YAML::Node kinds = root["kinds"];
    f_.require_map(kinds, "kinds");
    f_.check_unique_keys(kinds);
    for (auto it = kinds.begin(); it != kinds.end(); ++it)
      form.kinds.push_back({it->first.Scalar(), f_.string(it->second, "kind label")});

    const YAML::Node tables = root["tables"];
    f_.require_map(tables, "tables");
    f_.check_unique_keys(tables);
    for (auto it = tables.begin(); it != tables.end(); ++it) form.tables.push_back(load_table(it->first.Scalar(), it->second));

    const YAML::Node sections = root["sections"];
    f_.require_seq(sections, "sections");
    std::set<std::string> shown_tables;
    for (const auto& s : sections) {
      f_.check_keys(s, {"heading", "text", "table"}, "section");
      SectionDef sd;
      sd.heading = required_string(s, "heading", "section");
      if (s["text"] && s["table"]) f_.fail(s, "a section is either text or a table, not both");
      if (s["table"]) {
        sd.kind = SectionDef::Kind::table;
        sd.key = f_.string(s["table"], "table");
        auto t = std::find_if(form.tables.begin(), form.tables.end(), [&](const TableDef& td) { return td.key == sd.key; });
        if (t == form.tables.end()) f_.fail(s["table"], "no table '" + sd.key + "' in tables");
        t->title = sd.heading;
        shown_tables.insert(sd.key);
      } else {
        sd.key = required_string(s, "text", "section");
      }
      form.sections.push_back(sd);
    }
    for (const auto& t : form.tables)
      if (!shown_tables.count(t.key)) f_.fail(tables, "table '" + t.key + "' is not shown by any section");

    const YAML::Node rules = root["rules"];
    if (rules) {
      f_.require_seq(rules, "rules");
      for (const auto& r : rules) form.rules.push_back(load_rule(form, r));
    }
    if (const YAML::Node summary = root["summary"]) {
      f_.require_seq(summary, "summary");
      for (const auto& s : summary) form.summary.push_back(load_sum(form, s, "summary column"));
    }
    return form;
  }

 private:
  std::string required_string(const YAML::Node& parent, const char* key, const std::string& what) {
    const YAML::Node n = parent[key];
    if (!n) f_.fail(parent, what + " needs '" + key + "'");
    return f_.string(n, key);
  }
  std::string optional_string(const YAML::Node& parent, const char* key) {
    const YAML::Node n = parent[key];
    return n ? f_.string(n, key) : std::string{};
  }
  // {label: 本年新收申请, cells: [applications.new_received.total]}
  SummaryColumn load_sum(const Form& form, const YAML::Node& s, const std::string& what) {
    f_.check_keys(s, {"label", "cells"}, what);
    SummaryColumn c{required_string(s, "label", what), string_list(s["cells"], "cells")};
    for (std::size_t i = 0; i < c.cells.size(); ++i)
      if (!form.is_cell(c.cells[i])) f_.fail(s["cells"][i], "unknown cell '" + c.cells[i] + "'" + did_you_mean(c.cells[i], form.cell_keys()));
    if (c.cells.empty()) f_.fail(s, "a " + what + " needs cells");
    return c;
  }
  std::vector<SummaryColumn> sums(const Form& form, const YAML::Node& n, const std::string& what) {
    std::vector<SummaryColumn> out;
    if (!n) return out;
    f_.require_seq(n, what);
    for (const auto& s : n) out.push_back(load_sum(form, s, what));
    return out;
  }

  std::vector<std::string> string_list(const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    if (!n) return out;
    f_.require_seq(n, what);
    for (const auto& e : n) out.push_back(f_.string(e, what));
    return out;
  }

  TableDef load_table(const std::string& key, const YAML::Node& n) {
    f_.check_keys(n, {"grid_columns", "columns", "rows", "header", "body"}, "table " + key);
    TableDef t;
    t.key = key;
    if (!n["grid_columns"]) f_.fail(n, "table " + key + " needs 'grid_columns'");
    t.grid_columns = f_.integer(n["grid_columns"], "grid_columns");
    if (t.grid_columns < 1) f_.fail(n["grid_columns"], "grid_columns must be at least 1");

    const YAML::Node cols = n["columns"];
    f_.require_map(cols, "columns");
    f_.check_unique_keys(cols);
    for (auto it = cols.begin(); it != cols.end(); ++it) {
      ColumnDef c;
      c.key = it->first.Scalar();
      if (it->second.IsMap()) {
        f_.check_keys(it->second, {"label", "type"}, "column " + c.key);
        c.label = required_string(it->second, "label", "column " + c.key);
        std::string type = optional_string(it->second, "type");
        if (type == "amount") c.type = ValueType::amount;
        else if (!type.empty() && type != "count")
          f_.fail(it->second["type"], "column type must be count or amount" + did_you_mean(type, {"count", "amount"}));
      } else {
        c.label = f_.string(it->second, "column label");
      }
      t.columns.push_back(c);
    }
    std::vector<std::string> all_columns;
    for (const auto& c : t.columns) all_columns.push_back(c.key);

    const YAML::Node rows = n["rows"];
    f_.require_map(rows, "rows");
    f_.check_unique_keys(rows);
    for (auto it = rows.begin(); it != rows.end(); ++it) {
      RowDef r;
      r.key = it->first.Scalar();
      if (it->second.IsMap()) {
        f_.check_keys(it->second, {"label", "group", "columns"}, "row " + r.key);
        r.label = required_string(it->second, "label", "row " + r.key);
        r.group = optional_string(it->second, "group");
        r.columns = string_list(it->second["columns"], "columns");
        for (std::size_t i = 0; i < r.columns.size(); ++i)
          if (!t.column(r.columns[i]))
            f_.fail(it->second["columns"][i], "unknown column '" + r.columns[i] + "'" + did_you_mean(r.columns[i], all_columns));
      } else {
        r.label = f_.string(it->second, "row label");
      }
      if (r.columns.empty()) r.columns = all_columns;
      t.rows.push_back(r);
    }

    // Place header and body cells on the grid as an HTML table does: each cell
    // goes to the next free slot of its row; spans reserve slots below/right.
    std::vector<std::vector<int>> owner;  // grid slot → cell index, -1 free
    int grid_row = 0;
    std::set<std::string> placed;
    auto place_rows = [&](const YAML::Node& list, GridCell::Role text_role) {
      if (!list) return;
      f_.require_seq(list, "layout rows");
      for (const auto& layout_row : list) {
        f_.require_seq(layout_row, "a layout row");
        if (static_cast<int>(owner.size()) <= grid_row) owner.resize(static_cast<std::size_t>(grid_row) + 1, std::vector<int>(static_cast<std::size_t>(t.grid_columns), -1));
        int col = 0;
        for (const auto& cell : layout_row) {
          for (GridCell g : expand_cell(t, cell, text_role)) {
            while (col < t.grid_columns && owner[static_cast<std::size_t>(grid_row)][static_cast<std::size_t>(col)] != -1) ++col;
            if (col + g.colspan > t.grid_columns)
              f_.fail(cell, "this cell does not fit: the table has " + std::to_string(t.grid_columns) + " grid columns");
            g.row = grid_row;
            g.col = col;
            int index = static_cast<int>(t.cells.size());
            for (int r = grid_row; r < grid_row + g.rowspan; ++r) {
              if (static_cast<int>(owner.size()) <= r) owner.resize(static_cast<std::size_t>(r) + 1, std::vector<int>(static_cast<std::size_t>(t.grid_columns), -1));
              for (int c = col; c < col + g.colspan; ++c) {
                int& slot = owner[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
                if (slot != -1) f_.fail(cell, "this cell overlaps a cell spanning from an earlier row");
                slot = index;
              }
            }
            if (g.role == GridCell::Role::value && !placed.insert(g.row_key + "." + g.column_key).second)
              f_.fail(cell, "cell " + g.row_key + "." + g.column_key + " is placed twice");
            col += g.colspan;
            t.cells.push_back(g);
          }
        }
        ++grid_row;
      }
    };
    place_rows(n["header"], GridCell::Role::header);
    t.header_rows = grid_row;
    place_rows(n["body"], GridCell::Role::label);
    t.grid_rows = static_cast<int>(owner.size());
    if (t.grid_rows > grid_row) f_.fail(n["body"], "a row span reaches past the last row of table " + key);
    for (int r = 0; r < t.grid_rows; ++r)
      for (int c = 0; c < t.grid_columns; ++c)
        if (owner[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] == -1)
          f_.fail(n, "table " + key + ": grid row " + std::to_string(r + 1) + " leaves column " + std::to_string(c + 1) + " empty");
    for (const auto& r : t.rows)
      for (const auto& c : r.columns)
        if (!placed.count(r.key + "." + c)) f_.fail(n, "table " + key + ": cell " + r.key + "." + c + " is not placed in the layout");
    return t;
  }

  std::vector<GridCell> expand_cell(const TableDef& t, const YAML::Node& cell, GridCell::Role text_role) {
    GridCell g;
    if (cell.IsScalar()) {
      g.role = text_role;
      g.text = cell.Scalar();
      return {g};
    }
    f_.check_keys(cell, {"header", "band", "text", "label", "values", "rowspan", "colspan"}, "layout cell");
    if (cell["rowspan"]) g.rowspan = f_.integer(cell["rowspan"], "rowspan");
    if (cell["colspan"]) g.colspan = f_.integer(cell["colspan"], "colspan");
    if (g.rowspan < 1 || g.colspan < 1) f_.fail(cell, "spans must be at least 1");
    std::vector<std::string> row_keys;
    for (const auto& r : t.rows) row_keys.push_back(r.key);
    auto row_of = [&](const YAML::Node& n) -> const RowDef& {
      std::string k = f_.string(n, "row key");
      const RowDef* r = t.row(k);
      if (!r) f_.fail(n, "unknown row '" + k + "'" + did_you_mean(k, row_keys));
      return *r;
    };
    if (cell["values"]) {
      const RowDef& r = row_of(cell["values"]);
      if (g.rowspan != 1) f_.fail(cell, "value cells cannot span rows");
      std::vector<GridCell> out;
      for (const auto& c : r.columns) {
        GridCell v = g;
        v.role = GridCell::Role::value;
        v.row_key = r.key;
        v.column_key = c;
        out.push_back(v);
      }
      return out;
    }
    if (cell["label"]) {
      g.role = GridCell::Role::label;
      g.text = row_of(cell["label"]).label;
    } else if (cell["header"]) {
      g.role = GridCell::Role::header;
      g.text = f_.string(cell["header"], "header");
    } else if (cell["band"]) {
      g.role = GridCell::Role::band;
      g.text = f_.string(cell["band"], "band");
    } else if (cell["text"]) {
      g.role = text_role;
      g.text = f_.string(cell["text"], "text");
    } else {
      f_.fail(cell, "a layout cell needs one of header, band, text, label, values");
    }
    return {g};
  }

  // "a..b" in a key list expands to the keys from a to b in form order.
  std::vector<std::string> expand(const YAML::Node& n, const std::vector<std::string>& order, const std::string& what,
                                  bool* last_year = nullptr) {
    std::vector<std::string> out;
    for (std::size_t i = 0; n && i < n.size(); ++i) {
      std::string s = f_.string(n[i], what);
      std::string prefix;
      if (last_year && s.rfind(kLastYear, 0) == 0) {  // last year's cell: a cross-year rule
        prefix = kLastYear;
        s = s.substr(prefix.size());
        *last_year = true;
      }
      auto dots = s.find("..");
      auto index_of = [&](const std::string& k) {
        auto it = std::find(order.begin(), order.end(), k);
        if (it == order.end()) f_.fail(n[i], "unknown " + what + " '" + k + "'" + did_you_mean(k, order));
        return static_cast<std::size_t>(it - order.begin());
      };
      if (dots == std::string::npos) {
        out.push_back(prefix + order[index_of(s)]);
        continue;
      }
      std::size_t a = index_of(s.substr(0, dots)), b = index_of(s.substr(dots + 2));
      if (a > b) f_.fail(n[i], "range " + s + " runs backwards");
      for (std::size_t k = a; k <= b; ++k) out.push_back(prefix + order[k]);
    }
    return out;
  }

  RuleDef load_rule(const Form& form, const YAML::Node& n) {
    f_.check_keys(n, {"id", "severity", "check", "table", "tables", "for_each", "over", "lhs", "rhs", "rows", "kinds",
                      "message", "messages", "not_applicable_severity", "description", "totals", "factor", "floor",
                      "section", "counts", "any", "all", "when_above_zero"},
                  "rule");
    RuleDef r;
    r.source = f_.loc(n);
    r.id = required_string(n, "id", "rule");
    r.severity = optional_string(n, "severity");
    if (r.severity.empty()) r.severity = "error";
    std::string check = required_string(n, "check", "rule");
    std::vector<std::string> table_keys;
    for (const auto& t : form.tables) table_keys.push_back(t.key);
    auto table_of = [&](const YAML::Node& tn) -> const TableDef& {
      std::string k = f_.string(tn, "table");
      const TableDef* t = form.table(k);
      if (!t) f_.fail(tn, "unknown table '" + k + "'" + did_you_mean(k, table_keys));
      return *t;
    };
    r.kinds = string_list(n["kinds"], "kinds");
    for (std::size_t i = 0; i < r.kinds.size(); ++i)
      if (!form.kind(r.kinds[i])) f_.fail(n["kinds"][i], "unknown kind '" + r.kinds[i] + "'" + did_you_mean(r.kinds[i], form.kind_keys()));
    r.message = optional_string(n, "message");
    auto cells_of = [&](const YAML::Node& list, const std::string& what) {
      std::vector<std::string> out = string_list(list, what);
      for (std::size_t i = 0; i < out.size(); ++i)
        if (!form.is_cell(out[i])) f_.fail(list[i], "unknown cell '" + out[i] + "'" + did_you_mean(out[i], form.cell_keys()));
      return out;
    };
    auto section_of = [&] {
      std::string sec = required_string(n, "section", "rule " + r.id);
      const auto keys = form.text_section_keys();
      if (std::find(keys.begin(), keys.end(), sec) == keys.end())
        f_.fail(n["section"], "unknown text section '" + sec + "'" + did_you_mean(sec, keys));
      return sec;
    };
    auto positive = [&](const char* key) {
      std::string t = required_string(n, key, "rule " + r.id);
      auto d = Decimal::parse(t);
      if (!d || d->negative()) f_.fail(n[key], std::string(key) + " must be a number of 0 or more");
      return *d;
    };
    if (check == "equal_sums" || check == "at_most") {
      r.check = check == "at_most" ? RuleDef::Check::at_most : RuleDef::Check::equal_sums;
      if (!n["table"]) f_.fail(n, "rule " + r.id + " needs 'table'");
      const TableDef& t = table_of(n["table"]);
      r.table = t.key;
      std::string axis = required_string(n, "for_each", "rule " + r.id);
      if (axis != "column" && axis != "row") f_.fail(n["for_each"], "for_each must be column or row");
      r.for_each = axis == "column" ? RuleDef::Axis::column : RuleDef::Axis::row;
      std::vector<std::string> rows, cols;
      for (const auto& x : t.rows) rows.push_back(x.key);
      for (const auto& x : t.columns) cols.push_back(x.key);
      const auto& iterated = r.for_each == RuleDef::Axis::column ? cols : rows;
      const auto& summed = r.for_each == RuleDef::Axis::column ? rows : cols;
      r.over = expand(n["over"], iterated, axis);
      r.lhs = expand(n["lhs"], summed, r.for_each == RuleDef::Axis::column ? "row" : "column", &r.cross_year);
      r.rhs = expand(n["rhs"], summed, r.for_each == RuleDef::Axis::column ? "row" : "column", &r.cross_year);
      if (r.lhs.empty() || r.rhs.empty()) f_.fail(n, "rule " + r.id + " needs both lhs and rhs");
    } else if (check == "filled") {
      r.check = RuleDef::Check::filled;
      for (std::size_t i = 0; n["tables"] && i < n["tables"].size(); ++i) r.tables.push_back(table_of(n["tables"][i]).key);
      const YAML::Node m = n["messages"];
      f_.check_keys(m, {"blank", "not_applicable", "negative", "fraction"}, "messages");
      for (auto it = m.begin(); it != m.end(); ++it) r.messages[it->first.Scalar()] = f_.string(it->second, "message");
      for (const char* k : {"blank", "not_applicable", "negative", "fraction"})
        if (!r.messages.count(k)) f_.fail(m, std::string("messages needs '") + k + "'");
      std::string nas = optional_string(n, "not_applicable_severity");
      if (!nas.empty()) r.not_applicable_severity = nas;
    } else if (check == "zero") {
      r.check = RuleDef::Check::zero;
      if (!n["table"]) f_.fail(n, "rule " + r.id + " needs 'table'");
      const TableDef& t = table_of(n["table"]);
      r.table = t.key;
      std::vector<std::string> rows;
      for (const auto& x : t.rows) rows.push_back(x.key);
      r.rows = expand(n["rows"], rows, "row");
    } else if (check == "change") {
      r.check = RuleDef::Check::change;
      r.cross_year = true;
      r.totals = sums(form, n["totals"], "total");
      if (r.totals.empty()) f_.fail(n, "rule " + r.id + " needs 'totals'");
      r.factor = positive("factor");
      if (!r.factor.is_integer() || r.factor < Decimal::from_int(2) || r.factor > Decimal::from_int(100))
        f_.fail(n["factor"], "factor must be a whole number from 2 to 100");
      r.floor = positive("floor");
    } else if (check == "text_counts") {
      r.check = RuleDef::Check::text_counts;
      r.section = section_of();
      const YAML::Node counts = n["counts"];
      if (!counts) f_.fail(n, "rule " + r.id + " needs 'counts'");
      f_.require_seq(counts, "counts");
      for (const auto& c : counts) {
        f_.check_keys(c, {"words", "near", "sums"}, "count");
        TextCount tc{string_list(c["words"], "words"), string_list(c["near"], "near"), sums(form, c["sums"], "sum")};
        if (tc.words.empty() || tc.sums.empty()) f_.fail(c, "a count needs words and sums");
        r.counts.push_back(std::move(tc));
      }
    } else if (check == "text_mentions") {
      r.check = RuleDef::Check::text_mentions;
      r.section = section_of();
      r.any = string_list(n["any"], "any");
      r.all = string_list(n["all"], "all");
      if (r.any.empty() == r.all.empty()) f_.fail(n, "rule " + r.id + " needs either 'any' or 'all'");
      r.when_above_zero = cells_of(n["when_above_zero"], "when_above_zero");
    } else {
      f_.fail(n["check"], "unknown check '" + check + "'" +
                              did_you_mean(check, {"equal_sums", "at_most", "filled", "zero", "change", "text_counts", "text_mentions"}));
    }
    for (const auto& sev : {r.severity, r.not_applicable_severity})
      if (sev != "error" && sev != "warning") f_.fail(n, "severity must be error or warning");
    return r;
  }

  const YamlFile& f_;
};

}  // namespace

Form Form::load(const std::filesystem::path& file) {
  YamlFile f = YamlFile::load(file, file.string(), ExitCode::config);
  try {
    Form form = FormLoader(f).load();
    form.path = file;
    return form;
  } catch (const Error& e) {
    if (e.code() == ExitCode::config) throw;
    throw Error(ExitCode::config, e.message(), e.where());
  }
}

}  // namespace nianbao
