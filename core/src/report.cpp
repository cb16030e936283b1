#include <nianbao/report.hpp>

namespace nianbao {

const std::vector<ContactField>& contact_fields() {
  static const std::vector<ContactField> fields = {
      {"address", "通讯地址"}, {"postcode", "邮政编码"}, {"phone", "联系电话"},
      {"fax", "传真"},         {"email", "电子邮箱"},   {"website", "网站"},
  };
  return fields;
}

const Cell& Report::cell(const std::string& key) const {
  static const Cell absent{};
  auto it = cells.find(key);
  return it == cells.end() ? absent : it->second;
}

void Report::set_cell(const std::string& key, Cell c, const Labeler& label) {
  auto [it, fresh] = cells.emplace(key, c);
  if (!fresh)
    throw Error(ExitCode::data, (label ? label(key) : key) + "：重复填写，此前已在 " + it->second.source.str() + " 填写",
                c.source);
}

namespace {
template <class T>
void take(T& mine, const T& theirs, bool mine_set, bool theirs_set, const SourceLoc& mine_at,
          const SourceLoc& theirs_at, const char* what) {
  if (!theirs_set) return;
  if (mine_set && !(mine == theirs))
    throw Error(ExitCode::data, std::string(what) + " 在两个输入中不一致，另见 " + mine_at.str(), theirs_at);
  mine = theirs;
}
}  // namespace

void Report::merge(const Report& o, const Labeler& label) {
  take(agency, o.agency, !agency.empty(), !o.agency.empty(), agency_source, o.agency_source, "单位名称（agency）");
  if (!o.agency.empty()) agency_source = o.agency_source;
  take(year, o.year, year != 0, o.year != 0, year_source, o.year_source, "年度（year）");
  if (o.year != 0) year_source = o.year_source;
  take(kind, o.kind, !kind.empty(), !o.kind.empty(), kind_source, o.kind_source, "单位类型（kind）");
  if (!o.kind.empty()) kind_source = o.kind_source;
  take(region, o.region, !region.empty(), !o.region.empty(), region_source, o.region_source, "地区（region）");
  if (!o.region.empty()) region_source = o.region_source;
  if (o.preface) {
    if (preface) throw Error(ExitCode::data, "开头段落（preface）重复填写，另见 " + preface->source.str(), o.preface->source);
    preface = o.preface;
  }
  if (o.signature) {
    if (signature) throw Error(ExitCode::data, "落款（signature）重复填写，另见 " + signature->source.str(), o.signature->source);
    signature = o.signature;
  }
  for (const auto& [k, t] : o.contact) {
    auto [it, fresh] = contact.emplace(k, t);
    if (!fresh) throw Error(ExitCode::data, "联系信息 contact." + k + " 重复填写，另见 " + it->second.source.str(), t.source);
  }
  for (const auto& [k, t] : o.texts) {
    auto [it, fresh] = texts.emplace(k, t);
    if (!fresh) throw Error(ExitCode::data, "正文 text." + k + " 重复填写，另见 " + it->second.source.str(), t.source);
  }
  for (const auto& [k, c] : o.cells) set_cell(k, c, label);
  for (const auto& e : o.problems.kept()) problems.add(e);
}

}  // namespace nianbao
