#include "text_checks.hpp"

#include <nianbao/checks.hpp>
#include <nianbao/text.hpp>

#include <algorithm>

namespace nianbao {

namespace {

std::string fill(std::string t, const std::map<std::string, std::string>& values) {
  for (const auto& [k, v] : values) {
    std::string field = "{" + k + "}";
    for (auto p = t.find(field); p != std::string::npos; p = t.find(field, p + v.size())) t.replace(p, field.size(), v);
  }
  return t;
}

Severity severity_of(const std::string& s) { return s == "warning" ? Severity::warning : Severity::error; }

// An equal_sums rule for each column (or row) it iterates.
std::vector<SumCheck> expand_sum_rule(const Form& form, const RuleDef& rule) {
  std::vector<SumCheck> out;
  const TableDef& t = *form.table(rule.table);
  bool by_column = rule.for_each == RuleDef::Axis::column;
  std::vector<std::string> iterated = rule.over;
  if (iterated.empty()) {
    if (by_column)
      for (const auto& c : t.columns) iterated.push_back(c.key);
    else
      for (const auto& r : t.rows) iterated.push_back(r.key);
  }
  for (const auto& it : iterated) {
    SumCheck sc;
    sc.rule = rule.id;
    sc.severity = severity_of(rule.severity);
    sc.message = rule.message;
    auto keys = [&](const std::vector<std::string>& side, std::vector<std::string>& into) {
      for (std::string other : side) {
        std::string prefix;
        if (other.rfind(kLastYear, 0) == 0) {
          prefix = kLastYear;
          other = other.substr(prefix.size());
        }
        const std::string& row = by_column ? other : it;
        const std::string& col = by_column ? it : other;
        if (t.has_cell(row, col)) into.push_back(prefix + t.key + "." + row + "." + col);
      }
    };
    keys(rule.lhs, sc.lhs);
    keys(rule.rhs, sc.rhs);
    if (sc.lhs.empty() && sc.rhs.empty()) continue;
    sc.subject = t.title + " · ";
    if (by_column) {
      sc.subject += t.column(it)->label;
    } else {
      const RowDef* rd = t.row(it);
      sc.subject += rd->group.empty() ? rd->label : rd->group + " · " + rd->label;
    }
    out.push_back(std::move(sc));
  }
  return out;
}

class Checker {
 public:
  Checker(const Form& form, const Report& report, const Report* previous)
      : form_(form), report_(report), previous_(previous) {}

  std::vector<Finding> run() {
    for (const auto& rule : form_.rules) {
      if (!rule.kinds.empty() && std::find(rule.kinds.begin(), rule.kinds.end(), report_.kind) == rule.kinds.end())
        continue;
      if (rule.cross_year && !previous_) continue;  // the build says when last year's report is missing
      switch (rule.check) {
        case RuleDef::Check::equal_sums:
        case RuleDef::Check::at_most:
          sums(rule);
          break;
        case RuleDef::Check::filled:
          filled(rule);
          break;
        case RuleDef::Check::zero:
          zero(rule);
          break;
        case RuleDef::Check::change:
          change(rule);
          break;
        case RuleDef::Check::text_counts:
          text_counts(rule);
          break;
        case RuleDef::Check::text_mentions:
          text_mentions(rule);
          break;
      }
    }
    return std::move(out_);
  }

 private:
  // A rule's term: this year's cell, or last year's (last_year.<key>).
  const Cell& cell(const std::string& term) const {
    if (term.rfind(kLastYear, 0) == 0) return previous_->cell(term.substr(std::string(kLastYear).size()));
    return report_.cell(term);
  }

  FindingCell finding_cell(const std::string& term) const {
    const bool last = term.rfind(kLastYear, 0) == 0;
    const std::string key = last ? term.substr(std::string(kLastYear).size()) : term;
    const Cell& c = cell(term);
    std::string label = form_.cell_label(key);
    if (last) label = std::to_string(previous_->year) + "年（上年）· " + label;
    return {key, label, cell_text(c), c.source, last};
  }

  Finding& add(const RuleDef& rule, Severity sev, std::string subject, const std::string& detail,
               std::vector<std::string> keys) {
    Finding f;
    f.report = report_.id;
    f.rule = rule.id;
    f.severity = sev;
    f.message = rule.id + " " + subject + "：" + detail;
    for (const auto& k : keys) f.cells.push_back(finding_cell(k));
    out_.push_back(std::move(f));
    return out_.back();
  }

  // The sum of these terms; nullopt when one is not filled in (left to the
  // `filled` rule: a sum over a blank is unknown).
  std::optional<Decimal> sum(const std::vector<std::string>& terms) const {
    Decimal s;
    for (const auto& k : terms) {
      const Cell& c = cell(k);
      if (!c.has_value()) return std::nullopt;
      s = s + c.value;
    }
    return s;
  }

  // For each iterated column (or row): sum of lhs == sum of rhs (at_most: ≤).
  void sums(const RuleDef& rule) {
    for (const SumCheck& sc : expand_sum_rule(form_, rule)) {
      auto l = sum(sc.lhs), r = sum(sc.rhs);
      if (!l || !r) continue;
      if (rule.check == RuleDef::Check::at_most ? *l <= *r : *l == *r) continue;
      std::vector<std::string> keys = sc.lhs;
      keys.insert(keys.end(), sc.rhs.begin(), sc.rhs.end());
      add(rule, sc.severity, sc.subject, fill(sc.message, {{"lhs", l->str()}, {"rhs", r->str()}}), keys);
    }
  }

  // A key total against last year's: beyond `factor` either way, unless both
  // years stay under `floor`.
  void change(const RuleDef& rule) {
    for (const auto& total : rule.totals) {
      std::vector<std::string> now = total.cells, then;
      for (const auto& k : total.cells) then.push_back(kLastYear + k);
      auto a = sum(now), b = sum(then);
      if (!a || !b || (*a < rule.floor && *b < rule.floor)) continue;
      auto times = [&](const Decimal& d) {
        Decimal out;
        for (std::int64_t i = 0; i < rule.factor.integer_part(); ++i) out = out + d;
        return out;
      };
      if (*a <= times(*b) && *b <= times(*a)) continue;
      std::vector<std::string> keys = now;
      keys.insert(keys.end(), then.begin(), then.end());
      add(rule, severity_of(rule.severity), total.label,
          fill(rule.message, {{"this", a->str()}, {"last", b->str()}, {"factor", rule.factor.str()},
                              {"last_year", std::to_string(previous_->year)}}),
          keys);
    }
  }

  const SectionDef* section(const std::string& key) const {
    for (const auto& s : form_.sections)
      if (s.kind == SectionDef::Kind::text && s.key == key) return &s;
    return nullptr;
  }

  // Counts the text quotes against the tables (R10).
  void text_counts(const RuleDef& rule) {
    auto t = report_.texts.find(rule.section);
    if (t == report_.texts.end()) return;
    for (const auto& count : rule.counts)
      for (const auto& q : quoted_counts(t->second, count)) {
        std::vector<std::string> said;
        bool matched = false, known = false;
        for (const auto& s : count.sums) {
          auto v = sum(s.cells);
          if (!v) continue;
          known = true;
          matched = matched || *v == Decimal::from_int(q.count);
          said.push_back(s.label + "为" + v->str());
        }
        if (!known || matched) continue;
        std::vector<std::string> keys;
        for (const auto& s : count.sums)
          for (const auto& k : s.cells)
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
        Finding& f = add(rule, severity_of(rule.severity), section(rule.section)->heading,
                         fill(rule.message, {{"sentence", q.sentence}, {"said", q.said}, {"tables", join(said, "，")}}), keys);
        f.cells.insert(f.cells.begin(), FindingCell{"text." + rule.section, section(rule.section)->heading, q.sentence, q.at, false});
      }
  }

  // Words a text section should contain (R11, R14).
  void text_mentions(const RuleDef& rule) {
    std::optional<Decimal> when;
    if (!rule.when_above_zero.empty()) {
      when = sum(rule.when_above_zero);
      if (!when || *when <= Decimal{}) return;
    }
    auto t = report_.texts.find(rule.section);
    const std::string body = t == report_.texts.end() ? std::string() : t->second.body;
    std::vector<std::string> missing;
    bool any = false;
    for (const auto& w : rule.all)
      if (body.find(w) == std::string::npos) missing.push_back(w);
    for (const auto& w : rule.any) any = any || body.find(w) != std::string::npos;
    if (rule.all.empty() ? any : missing.empty()) return;
    const SectionDef* sec = section(rule.section);
    Finding& f = add(rule, severity_of(rule.severity), sec->heading,
                     fill(rule.message, {{"missing", join(missing, "、")}, {"value", when ? when->str() : ""}}),
                     rule.when_above_zero);
    SourceLoc at = t == report_.texts.end() ? SourceLoc{} : t->second.source;
    f.cells.insert(f.cells.begin(), FindingCell{"text." + rule.section, sec->heading, body.empty() ? "" : quote_value(body, 30), at, false});
  }

  void filled(const RuleDef& rule) {
    for (const auto& t : form_.tables) {
      if (!rule.tables.empty() && std::find(rule.tables.begin(), rule.tables.end(), t.key) == rule.tables.end()) continue;
      for (const auto& r : t.rows)
        for (const auto& c : r.columns) {
          std::string key = t.key + "." + r.key + "." + c;
          const Cell& cell = report_.cell(key);
          const char* which = nullptr;
          Severity sev = severity_of(rule.severity);
          if (cell.state == Cell::State::blank) {
            which = "blank";
          } else if (cell.state == Cell::State::not_applicable) {
            which = "not_applicable";
            sev = severity_of(rule.not_applicable_severity);
          } else if (cell.value.negative()) {
            which = "negative";
          } else if (!cell.value.is_integer() && t.column(c)->type == ValueType::count) {
            which = "fraction";
          }
          if (!which) continue;
          add(rule, sev, form_.cell_label(key), fill(rule.messages.at(which), {{"value", cell_text(cell)}}), {key});
        }
    }
  }

  void zero(const RuleDef& rule) {
    const TableDef& t = *form_.table(rule.table);
    const KindDef* kind = form_.kind(report_.kind);
    for (const auto& row : rule.rows)
      for (const auto& c : t.row(row)->columns) {
        std::string key = t.key + "." + row + "." + c;
        const Cell& cell = report_.cell(key);
        if (!cell.has_value() || cell.value == Decimal{}) continue;
        add(rule, severity_of(rule.severity), form_.cell_label(key),
            fill(rule.message, {{"value", cell_text(cell)}, {"kind", kind ? kind->label : report_.kind}}), {key});
      }
  }

  const Form& form_;
  const Report& report_;
  const Report* previous_;
  std::vector<Finding> out_;
};

}  // namespace

std::vector<Finding> run_checks(const Form& form, const Report& report, const Report* previous) {
  return Checker(form, report, previous).run();
}

std::vector<SumCheck> sum_checks(const Form& form, const std::string& kind) {
  std::vector<SumCheck> out;
  for (const auto& rule : form.rules) {
    if (rule.check != RuleDef::Check::equal_sums || rule.cross_year) continue;  // a workbook holds one year
    if (!rule.kinds.empty() && std::find(rule.kinds.begin(), rule.kinds.end(), kind) == rule.kinds.end()) continue;
    for (auto& sc : expand_sum_rule(form, rule)) out.push_back(std::move(sc));
  }
  return out;
}

}  // namespace nianbao
