// Input plugin `yaml`: one agency's report data in a YAML file.
#include <nianbao/dates.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>
#include <nianbao/yaml_source.hpp>


namespace {

using nianbao::Error;
using nianbao::ExitCode;

constexpr ExitCode kData = ExitCode::data;

std::string suggest(const std::string& word, const std::vector<std::string>& keys) {
  std::string n = nianbao::nearest(word, keys);
  return n.empty() ? std::string{} : "，是否应为 '" + n + "'？";
}

class YamlInput : public nianbao::InputPlugin {
 public:
  std::vector<nianbao::Report> read(const nianbao::InputRequest& rq) override {
    nianbao::YamlFile f = nianbao::YamlFile::load(rq.path, rq.display_path, kData);
    const nianbao::Form& form = rq.form;
    const YAML::Node& root = f.root();
    const std::vector<std::string> top = {"agency", "year", "kind", "region", "preface", "contact", "text", "signature", "tables"};
    if (!root.IsMap()) f.fail(root, "报告数据应为 key: value 形式（agency、year、kind、text、tables…）", kData);
    f.check_unique_keys_deep(root, kData);
    // Every problem of the file in one run: each key, row and cell is read on
    // its own and what is wrong with it kept.
    nianbao::Report r;
    nianbao::Problems& p = r.problems;
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string k = nianbao::scalar_or_empty(it->first);
      if (std::find(top.begin(), top.end(), k) == top.end())
        p.add(Error(kData, "未知的键 '" + k + "'" + suggest(k, top) + "（可用：" + nianbao::join(top, "、") + "）",
                    f.loc(it->first)));
    }
    if (const YAML::Node n = root["agency"])
      p.attempt([&] {
        r.agency = scalar(f, n, "单位名称（agency）");
        r.agency_source = f.loc(n);
        if (r.agency.empty()) f.fail(n, "单位名称（agency）为空", kData);
      });
    if (const YAML::Node n = root["year"])
      p.attempt([&] {
        r.year_source = f.loc(n);
        r.year = form.parse_year(scalar(f, n, "年度（year）"), r.year_source);
      });
    if (const YAML::Node n = root["kind"])
      p.attempt([&] {
        r.kind_source = f.loc(n);
        r.kind = form.parse_kind(scalar(f, n, "单位类型（kind）"), r.kind_source);
      });
    if (const YAML::Node n = root["region"])
      p.attempt([&] {
        r.region = scalar(f, n, "地区（region）");
        r.region_source = f.loc(n);
      });
    if (const YAML::Node n = root["preface"])
      p.attempt([&] { r.preface = nianbao::Text{scalar(f, n, "开头段落（preface）"), f.loc(n)}; });
    if (const YAML::Node n = root["contact"]) p.attempt([&] { read_contact(f, n, r); });
    if (const YAML::Node n = root["text"]) p.attempt([&] { read_texts(f, form, n, r); });
    if (const YAML::Node n = root["signature"]) p.attempt([&] { read_signature(f, n, r); });
    if (const YAML::Node n = root["tables"]) p.attempt([&] { read_tables(f, form, n, r); });
    return {r};
  }

 private:
  static std::string scalar(const nianbao::YamlFile& f, const YAML::Node& n, const std::string& what) {
    if (n.IsNull()) return "";
    if (!n.IsScalar()) f.fail(n, what + "应为一个值", kData);
    return n.Scalar();
  }

  static void read_texts(const nianbao::YamlFile& f, const nianbao::Form& form, const YAML::Node& n, nianbao::Report& r) {
    if (!n.IsMap()) f.fail(n, "text 应为各部分正文：overview、problems、other", kData);
    std::vector<std::string> keys = form.text_section_keys();
    for (auto it = n.begin(); it != n.end(); ++it)
      r.problems.attempt([&] {
        std::string k = nianbao::scalar_or_empty(it->first);
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
          std::vector<std::string> listed;
          for (const auto& s : form.sections)
            if (s.kind == nianbao::SectionDef::Kind::text) listed.push_back(s.key + "（" + s.heading + "）");
          throw Error(kData, "未知的正文部分 '" + k + "'" + suggest(k, keys) + "（可用：" + nianbao::join(listed, "、") + "）",
                      f.loc(it->first));
        }
        r.texts[k] = nianbao::Text{scalar(f, it->second, "正文 text." + k), f.loc(it->second)};
      });
  }

  // 联系方式 an opening paragraph may quote: contact: {phone: 0398-7001234, address: …}
  static void read_contact(const nianbao::YamlFile& f, const YAML::Node& n, nianbao::Report& r) {
    std::vector<std::string> keys;
    for (const auto& c : nianbao::contact_fields()) keys.push_back(c.key);
    if (!n.IsMap()) f.fail(n, "contact 应为联系方式：" + nianbao::join(keys, "、"), kData);
    f.check_keys(n, keys, "contact", kData);
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k = nianbao::scalar_or_empty(it->first);
      std::string v = scalar(f, it->second, "联系方式 contact." + k);
      if (!v.empty()) r.contact[k] = nianbao::Text{v, f.loc(it->second)};
    }
  }

  static void read_signature(const nianbao::YamlFile& f, const YAML::Node& n, nianbao::Report& r) {
    f.check_keys(n, {"name", "date"}, "signature", kData);
    nianbao::Signature s;
    s.source = f.loc(n);
    if (n["name"]) s.name = scalar(f, n["name"], "落款单位（signature.name）");
    if (!n["date"]) f.fail(n, "落款需要日期（signature.date，如 2024-01-20）", kData);
    s.date = scalar(f, n["date"], "落款日期（signature.date）");
    int y = 0, m = 0, d = 0;
    if (!nianbao::parse_iso_date(s.date, y, m, d))
      f.fail(n["date"], "落款日期应写作 2024-01-20，实为 " + nianbao::quote_value(s.date), kData);
    r.signature = s;
  }

  static void read_tables(const nianbao::YamlFile& f, const nianbao::Form& form, const YAML::Node& n, nianbao::Report& r) {
    if (!n.IsMap()) f.fail(n, "tables 应为各表数据：proactive、applications、appeals", kData);
    std::vector<std::string> table_keys;
    for (const auto& t : form.tables) table_keys.push_back(t.key);
    for (auto ti = n.begin(); ti != n.end(); ++ti)
      r.problems.attempt([&] { read_table(f, form, ti, table_keys, r); });
  }

  static void read_table(const nianbao::YamlFile& f, const nianbao::Form& form, YAML::const_iterator ti,
                         const std::vector<std::string>& table_keys, nianbao::Report& r) {
    {
      std::string tk = nianbao::scalar_or_empty(ti->first);
      const nianbao::TableDef* t = form.table(tk);
      if (!t) {
        std::vector<std::string> listed;
        for (const auto& x : form.tables) listed.push_back(x.key + "（" + x.title + "）");
        throw Error(kData, "未知的表 '" + tk + "'" + suggest(tk, table_keys) + "（可用：" + nianbao::join(listed, "、") + "）",
                    f.loc(ti->first));
      }
      if (ti->second.IsNull()) return;
      if (!ti->second.IsMap()) f.fail(ti->second, t->title + "：应按行填写，如 " + t->rows.front().key + ": {…}", kData);
      std::vector<std::string> row_keys;
      for (const auto& x : t->rows) row_keys.push_back(x.key);
      for (auto ri = ti->second.begin(); ri != ti->second.end(); ++ri)
        r.problems.attempt([&] {
        std::string rk = nianbao::scalar_or_empty(ri->first);
        const nianbao::RowDef* row = t->row(rk);
        if (!row) {
          std::string near = nianbao::nearest(rk, row_keys);
          throw Error(kData,
                      t->title + "：未知的行 '" + rk + "'" +
                          (near.empty() ? "" : "，是否应为 '" + near + "'（" + t->row(near)->label + "）？"),
                      f.loc(ri->first));
        }
        if (ri->second.IsNull()) return;
        if (!ri->second.IsMap())
          f.fail(ri->second, t->title + " · " + row->label + "：应按列填写，如 {" + row->columns.front() + ": 0}", kData);
        for (auto ci = ri->second.begin(); ci != ri->second.end(); ++ci)
          r.problems.attempt([&] {
          std::string ck = nianbao::scalar_or_empty(ci->first);
          std::string key = t->key + "." + rk + "." + ck;
          if (!t->has_cell(rk, ck)) {
            std::string near = nianbao::nearest(ck, row->columns);
            throw Error(kData,
                        t->title + " · " + row->label + "：未知的列 '" + ck + "'" +
                            (near.empty() ? "（可用：" + nianbao::join(row->columns, "、") + "）"
                                          : "，是否应为 '" + near + "'（" + t->column(near)->label + "）？"),
                        f.loc(ci->first));
          }
          r.set_cell(key, cell(f, form, key, ci->second));
          });
        });
    }
  }

  // `~` (null) is blank; every other scalar is read as every input reads it.
  static nianbao::Cell cell(const nianbao::YamlFile& f, const nianbao::Form& form, const std::string& key,
                            const YAML::Node& v) {
    nianbao::SourceLoc at = f.loc(v);
    if (v.IsNull()) return nianbao::Cell::blank(at);
    if (!v.IsScalar()) f.fail(v, form.cell_label(key) + "：应为一个数字", kData);
    if (v.Scalar().empty()) return nianbao::Cell::blank(at);
    return form.parse_cell(key, v.Scalar(), at);
  }
};

}  // namespace

NIANBAO_INPUT_PLUGIN(YamlInput, "yaml", "1.0.0", "One agency's report data from a YAML file", nullptr)
