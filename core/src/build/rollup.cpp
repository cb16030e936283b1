// Whole-area reports (全县汇总, `rollup:` in the manifest): their tables are
// the cell-wise sums of member reports of the same build, computed once the
// plan has read every report; their text is their own. A member that cannot
// be built fails the roll-up, which names it: a sum with a wrong part in it
// would be published as right.
#include "plan.hpp"

#include <nianbao/checks.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/report_json.hpp>
#include <nianbao/text.hpp>

#include <algorithm>
#include <set>

namespace nianbao {

namespace {

bool listed(const std::vector<std::string>& list, const std::string& s) {
  return !s.empty() && std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

void Pipeline::roll_up(std::vector<Item>& items, Spill& spill) {
  std::vector<std::string> ids;
  for (const auto& it : items) ids.push_back(it.id);
  for (auto& ru : items) {
    const ReportEntry& entry = manifest_.reports[ru.entry];
    if (!entry.is_rollup || ru.error || !ru.problems.empty() || ru.length == 0) continue;
    std::vector<const Item*> members;
    std::set<std::string> found;
    for (const auto& it : items) {
      const ReportEntry& from = manifest_.reports[it.entry];
      if (&it == &ru || from.is_rollup) continue;  // a roll-up of roll-ups would count twice
      const bool by_id = listed(entry.rollup_ids, it.id), by_entry = listed(entry.rollup_ids, from.id);
      if (by_id) found.insert(it.id);
      if (by_entry) found.insert(from.id);
      if (by_id || by_entry || listed(entry.rollup_kinds, it.kind) || listed(entry.rollup_regions, it.region)) members.push_back(&it);
    }
    for (const auto& id : entry.rollup_ids)
      if (!found.count(id)) {
        ru.error = Error(ExitCode::config, "rollup of '" + entry.id + "' names '" + id + "', which is no report of this manifest" +
                                               did_you_mean(id, ids), entry.rollup_source);
        break;
      }
    if (ru.error) continue;
    if (members.empty()) {
      ru.error = Error(ExitCode::config, "rollup of '" + entry.id + "' has no members (no report of those kinds or regions)", entry.rollup_source);
      continue;
    }

    std::vector<Report> parts;
    std::vector<std::string> failing;
    for (const Item* m : members) {
      const std::string who = m->agency.empty() ? m->id : m->agency;
      if (m->error) {
        failing.push_back(who + "（" + m->error->message() + "）");
        continue;
      }
      if (!m->problems.empty() || m->length == 0) {
        failing.push_back(who + "（数据有误）");
        continue;
      }
      Report r = report_from_json(spill.get(m->offset, m->length), m->id);
      std::optional<Report> last;
      if (m->last_length) last = report_from_json(spill.get(m->last_offset, m->last_length), m->id);
      std::vector<std::string> rules;
      for (const auto& f : run_checks(form_, r, last ? &*last : nullptr))
        if (f.severity == Severity::error && !listed(rules, f.rule)) rules.push_back(f.rule);
      if (!rules.empty()) failing.push_back(who + "（" + join(rules, "、") + "）");
      else parts.push_back(std::move(r));
    }
    if (!failing.empty()) {
      ru.error = Error(ExitCode::data, "汇总的成员中有 " + std::to_string(failing.size()) + " 份报告有错误，未汇总：" + join(failing, "；"));
      continue;
    }

    Report r = report_from_json(spill.get(ru.offset, ru.length), ru.id);
    const SourceLoc summed{"（" + std::to_string(parts.size()) + " 份报告之和）"};
    for (const auto& key : form_.cell_keys()) {
      if (auto own = r.cells.find(key); own != r.cells.end()) {
        ru.error = Error(ExitCode::data, "汇总报告的表格由成员相加得出，输入中不应填写“" + form_.cell_label(key) + "”", own->second.source);
        break;
      }
      // A blank part leaves the sum blank (R5 says so), never a smaller number;
      // a part not applicable (/) adds nothing.
      bool blank = false, any = false;
      Decimal sum;
      for (const auto& p : parts) {
        const Cell& c = p.cell(key);
        if (c.state == Cell::State::blank) blank = true;
        if (c.has_value()) sum = sum + c.value, any = true;
      }
      if (blank) continue;
      r.cells[key] = any ? Cell::number(sum, summed) : Cell::not_applicable(summed);
    }
    if (ru.error) continue;
    std::tie(ru.offset, ru.length) = spill.put(report_to_json(r));
    Sha256 k;
    k.add(ru.key);
    for (const Item* m : members) k.add(m->key);
    ru.key = k.hex();
  }
}

}  // namespace nianbao
