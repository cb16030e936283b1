#include <nianbao/checks.hpp>
#include <nianbao/text.hpp>

#include <algorithm>

namespace nianbao {

const char* to_string(Severity s) { return s == Severity::error ? "error" : "warning"; }

bool has_errors(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::error; });
}

std::string cell_text(const Cell& c) {
  switch (c.state) {
    case Cell::State::value:
      return c.value.str();
    case Cell::State::not_applicable:
      return "/";
    case Cell::State::blank:
      break;
  }
  return "";
}

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
      for (const auto& other : side) {
        const std::string& row = by_column ? other : it;
        const std::string& col = by_column ? it : other;
        if (t.has_cell(row, col)) into.push_back(t.key + "." + row + "." + col);
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
  Checker(const Form& form, const Report& report) : form_(form), report_(report) {}

  std::vector<Finding> run() {
    for (const auto& rule : form_.rules) {
      if (!rule.kinds.empty() && std::find(rule.kinds.begin(), rule.kinds.end(), report_.kind) == rule.kinds.end())
        continue;
      switch (rule.check) {
        case RuleDef::Check::equal_sums:
          equal_sums(rule);
          break;
        case RuleDef::Check::filled:
          filled(rule);
          break;
        case RuleDef::Check::zero:
          zero(rule);
          break;
      }
    }
    return std::move(out_);
  }

 private:
  FindingCell finding_cell(const std::string& key) const {
    const Cell& c = report_.cell(key);
    return {key, form_.cell_label(key), cell_text(c), c.source};
  }

  void add(const RuleDef& rule, Severity sev, std::string subject, const std::string& detail,
           std::vector<std::string> keys) {
    Finding f;
    f.report = report_.id;
    f.rule = rule.id;
    f.severity = sev;
    f.message = rule.id + " " + subject + "：" + detail;
    for (const auto& k : keys) f.cells.push_back(finding_cell(k));
    out_.push_back(std::move(f));
  }

  // For each iterated column (or row): sum of lhs == sum of rhs. Cells that are
  // not filled in are left to the `filled` rule: a sum over a blank is unknown.
  void equal_sums(const RuleDef& rule) {
    for (const SumCheck& sc : expand_sum_rule(form_, rule)) {
      bool complete = true;
      auto sum = [&](const std::vector<std::string>& side) {
        Decimal s;
        for (const auto& k : side) {
          const Cell& c = report_.cell(k);
          if (c.has_value()) s = s + c.value;
          else complete = false;
        }
        return s;
      };
      Decimal l = sum(sc.lhs), r = sum(sc.rhs);
      if (!complete || l == r) continue;
      std::vector<std::string> keys = sc.lhs;
      keys.insert(keys.end(), sc.rhs.begin(), sc.rhs.end());
      add(rule, sc.severity, sc.subject, fill(sc.message, {{"lhs", l.str()}, {"rhs", r.str()}}), keys);
    }
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
  std::vector<Finding> out_;
};

}  // namespace

std::vector<Finding> run_checks(const Form& form, const Report& report) { return Checker(form, report).run(); }

std::vector<SumCheck> sum_checks(const Form& form, const std::string& kind) {
  std::vector<SumCheck> out;
  for (const auto& rule : form.rules) {
    if (rule.check != RuleDef::Check::equal_sums) continue;
    if (!rule.kinds.empty() && std::find(rule.kinds.begin(), rule.kinds.end(), kind) == rule.kinds.end()) continue;
    for (auto& sc : expand_sum_rule(form, rule)) out.push_back(std::move(sc));
  }
  return out;
}

}  // namespace nianbao
