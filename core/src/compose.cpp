#include <nianbao/checks.hpp>
#include <nianbao/compose.hpp>
#include <nianbao/text.hpp>

#include <unicode/uchar.h>

namespace nianbao {

std::string format_date(const std::string& iso, DateFormat format) {
  int y = 0, m = 0, d = 0;
  if (format == DateFormat::iso || !parse_iso_date(iso, y, m, d)) return iso;
  if (format == DateFormat::arabic) return chinese_date(iso);
  // 二〇二四年一月二十日: digits one by one for the year, counted numbers for month and day.
  static const char* digit[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  auto counted = [](int n) {
    std::string s;
    if (n >= 20) s += digit[n / 10];
    if (n >= 10) s += "十";
    if (n % 10 != 0 || n < 10) s += digit[n % 10];
    return s;
  };
  std::string out;
  for (char c : std::to_string(y)) out += digit[c - '0'];
  return out + "年" + counted(m) + "月" + counted(d) + "日";
}

namespace {

bool is_wide(char32_t c) {
  int w = static_cast<int>(u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_EAST_ASIAN_WIDTH));
  return w == U_EA_WIDE || w == U_EA_FULLWIDTH;
}

std::u32string trim(std::u32string s) {
  auto space = [](char32_t c) { return c == U' ' || c == U'\t' || c == U'\r' || c == 0x3000; };
  while (!s.empty() && space(s.front())) s.erase(s.begin());
  while (!s.empty() && space(s.back())) s.pop_back();
  return s;
}

// Paragraphs are separated by blank lines; the lines of one paragraph join
// without a space between CJK characters and with one between Latin words.
std::vector<std::u32string> paragraphs(const std::string& body) {
  std::vector<std::u32string> out;
  std::u32string cur;
  std::u32string text = to_u32(body);
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find(U'\n', pos);
    if (nl == std::u32string::npos) nl = text.size();
    std::u32string line = trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty()) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      continue;
    }
    if (!cur.empty() && !is_wide(cur.back()) && !is_wide(line.front())) cur += U' ';
    cur += line;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Length of a leading （一）-style marker, or 0.
std::size_t marker_length(const std::u32string& p) {
  static const std::u32string numerals = U"一二三四五六七八九十";
  if (p.size() < 3 || p[0] != U'（') return 0;
  std::size_t i = 1;
  while (i < p.size() && numerals.find(p[i]) != std::u32string::npos) ++i;
  return (i > 1 && i < p.size() && p[i] == U'）') ? i + 1 : 0;
}

void add_text(std::vector<Block>& blocks, const std::string& body) {
  for (const auto& p : paragraphs(body)) {
    std::size_t m = marker_length(p);
    if (m > 0) {
      bool sentence = p.find_first_of(U"。；") != std::u32string::npos;
      if (!sentence && p.size() <= m + 20) {
        blocks.push_back(Heading{2, to_utf8(p)});
        continue;
      }
      auto colon = p.find(U'：', m);
      if (colon != std::u32string::npos && colon <= m + 15) {
        blocks.push_back(Paragraph{to_utf8(p.substr(0, colon + 1)), to_utf8(p.substr(colon + 1))});
        continue;
      }
    }
    blocks.push_back(Paragraph{"", to_utf8(p)});
  }
}

Table make_table(const TableDef& def, const Report& report) {
  Table t;
  t.key = def.key;
  t.rows = def.grid_rows;
  t.columns = def.grid_columns;
  t.header_rows = def.header_rows;
  for (const auto& g : def.cells) {
    TableCell c;
    c.row = g.row;
    c.col = g.col;
    c.rowspan = g.rowspan;
    c.colspan = g.colspan;
    switch (g.role) {
      case GridCell::Role::header:
        c.kind = TableCell::Kind::header;
        c.align = Align::center;
        c.text = g.text;
        break;
      case GridCell::Role::band:
        c.kind = TableCell::Kind::band;
        c.align = Align::center;
        c.text = g.text;
        break;
      case GridCell::Role::label:
        c.kind = TableCell::Kind::label;
        c.align = Align::left;
        c.text = g.text;
        break;
      case GridCell::Role::value: {
        c.key = def.key + "." + g.row_key + "." + g.column_key;
        const Cell& v = report.cell(c.key);
        c.kind = v.state == Cell::State::value            ? TableCell::Kind::number
                 : v.state == Cell::State::not_applicable ? TableCell::Kind::not_applicable
                                                          : TableCell::Kind::blank;
        c.decimal = def.column(g.column_key) && def.column(g.column_key)->type == ValueType::amount;
        c.text = cell_text(v);
        c.align = Align::center;
        break;
      }
    }
    t.cells.push_back(c);
  }
  t.validate();
  return t;
}

}  // namespace

std::map<std::string, std::string> template_values(const Form& form, const Report& report,
                                                   const DocumentSettings& settings) {
  std::map<std::string, std::string> f = {
      {"agency", report.agency},
      {"year", report.year ? std::to_string(report.year) : ""},
      {"next_year", report.year ? std::to_string(report.year + 1) : ""},
      {"region", report.region},
      {"kind", report.kind},
      {"kind_label", form.kind(report.kind) ? form.kind(report.kind)->label : ""},
      {"id", report.id},
  };
  for (const auto& c : contact_fields()) {
    std::string v;
    if (auto it = report.contact.find(c.key); it != report.contact.end()) v = it->second.body;
    else if (auto d = settings.contact.find(c.key); d != settings.contact.end()) v = d->second.body;
    f[std::string("contact.") + c.key] = v;
  }
  return f;
}

namespace {

// The title and file name, and the template fields the rest of a document uses.
struct Head {
  std::map<std::string, std::string> fields;
  std::string title, file_stem;
};

std::string where_of(const Report& report) { return report.agency_source.known() ? report.agency_source.str() : report.id; }

Head head_of(const Form& form, const Report& report, const DocumentSettings& settings, const std::string& build_date) {
  const std::string where = where_of(report);
  Head h{template_values(form, report, settings), {}, {}};
  Template title = settings.title;
  if (title.text.empty()) title = Template{form.title_pattern, SourceLoc{"form"}, "title"};
  h.title = expand_template(title, h.fields, where);
  // A '\n' in the title template is where printed titles break; a file name is one line.
  h.fields["title"] = h.title;
  std::erase(h.fields["title"], '\n');
  std::string signature_date = report.signature ? report.signature->date : build_date;
  h.fields["date"] = format_date(signature_date, settings.date_format);
  h.file_stem = safe_file_stem(expand_template(settings.file_name, h.fields, where));
  return h;
}

}  // namespace

std::string file_stem_of(const Form& form, const Report& report, const DocumentSettings& settings, const std::string& build_date) {
  return head_of(form, report, settings, build_date).file_stem;
}

Document compose(const Form& form, const Report& report, const DocumentSettings& settings, const std::string& build_date) {
  const std::string where = where_of(report);
  Head head = head_of(form, report, settings, build_date);
  std::map<std::string, std::string>& fields = head.fields;
  Document doc;
  doc.title = std::move(head.title);
  doc.file_stem = std::move(head.file_stem);
  doc.author = report.agency;
  if (report.signature) doc.date = report.signature->date;

  if (!settings.preface.text.empty()) add_text(doc.blocks, expand_template(settings.preface, fields, where));
  else if (report.preface) add_text(doc.blocks, report.preface->body);

  std::vector<std::pair<std::string, const TableDef*>> appended;  // label, table
  for (const auto& s : form.sections) {
    doc.blocks.push_back(Heading{1, s.heading});
    if (s.kind == SectionDef::Kind::table) {
      if (settings.tables == TablePlacement::appendix) {
        std::string label = expand_template(settings.appendix_label, {{"n", std::to_string(appended.size() + 1)}}, where);
        doc.blocks.push_back(Paragraph{"", "详见" + label + "。"});
        appended.emplace_back(label, form.table(s.key));
      } else {
        doc.blocks.push_back(make_table(*form.table(s.key), report));
      }
    } else if (auto it = report.texts.find(s.key); it != report.texts.end()) {
      add_text(doc.blocks, it->second.body);
    }
  }
  bool sign = settings.signature == SignatureMode::always ||
              (settings.signature == SignatureMode::automatic && report.signature.has_value());
  if (sign) {
    std::string name = report.signature && !report.signature->name.empty()
                           ? report.signature->name
                           : expand_template(settings.signature_name, fields, where);
    doc.blocks.push_back(SignatureBlock{name, fields["date"]});
  }
  // What the report says about itself, its texts and the sums to check, for
  // outputs that show them apart (a fill-in workbook).
  const KindDef* kind = form.kind(report.kind);
  std::vector<std::string> kinds;
  for (const auto& k : form.kinds) kinds.push_back(k.label);
  doc.fields = {{"agency", "单位名称", report.agency, {}},
                {"year", "年度", report.year ? std::to_string(report.year) : "", {}},
                {"kind", "单位类型", kind ? kind->label : report.kind, kinds},
                {"region", "所属地区", report.region, {}}};
  for (const auto& c : contact_fields())
    doc.fields.push_back({std::string("contact.") + c.key, c.label, fields["contact." + std::string(c.key)], {}});
  doc.fields.push_back({"signature.name", "落款单位", report.signature ? report.signature->name : "", {}});
  doc.fields.push_back({"signature.date", "落款日期", report.signature ? report.signature->date : "", {}});
  for (const auto& s : form.sections)
    if (s.kind == SectionDef::Kind::text) {
      auto it = report.texts.find(s.key);
      doc.texts.push_back({s.key, s.heading, it == report.texts.end() ? "" : it->second.body});
    }
  doc.texts.push_back({"preface", "开头段落", report.preface ? report.preface->body : ""});
  for (const auto& sc : sum_checks(form, report.kind)) doc.checks.push_back({sc.rule, sc.subject, sc.message, sc.lhs, sc.rhs});
  doc.form = form.id;
  doc.kind_label = kind ? kind->label : "";
  for (const auto& key : form.cell_keys()) doc.cell_labels.push_back({key, form.cell_label(key)});

  for (const auto& [label, def] : appended) {
    // The section heading without its numeral: 二、主动公开政府信息情况 → 主动公开政府信息情况.
    std::u32string h = to_u32(def->title.empty() ? label : def->title);
    if (auto mark = h.find(U'、'); mark != std::u32string::npos && mark <= 3) h = h.substr(mark + 1);
    doc.blocks.push_back(Attachment{label, to_utf8(h)});
    doc.blocks.push_back(make_table(*def, report));
  }
  return doc;
}

Document compose(const Form& form, const Report& report) {
  DocumentSettings d = Profile{}.document_settings();  // the schema's defaults
  d.title = Template{form.title_pattern, SourceLoc{"form"}, "title"};
  return compose(form, report, d, report.signature ? report.signature->date : "");
}

}  // namespace nianbao
