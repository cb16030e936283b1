// The report model: one agency's data for one year, as the input plugins read it.
//
// Usage: an input plugin fills a Report; cells are addressed by their canonical
// key "table.row.column" (applications.new_received.natural_person):
//   report.set_cell("proactive.regulations.made", Cell::number(Decimal::from_int(0), loc));
// A cell that no input mentions is absent, which reads as blank: never 0.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/decimal.hpp>
#include <nianbao/error.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nianbao {

struct Cell {
  enum class State { blank, not_applicable, value };
  State state = State::blank;
  Decimal value;      // meaningful when state == value
  SourceLoc source;   // where the input said so

  static Cell number(Decimal v, SourceLoc at) { return {State::value, v, std::move(at)}; }
  static Cell blank(SourceLoc at) { return {State::blank, {}, std::move(at)}; }
  static Cell not_applicable(SourceLoc at) { return {State::not_applicable, {}, std::move(at)}; }
  bool has_value() const { return state == State::value; }
};

// A text section or other free text, with where it came from.
struct Text {
  std::string body;
  SourceLoc source;
};

struct Signature {
  std::string name;
  std::string date;  // ISO 8601 (2024-01-20) as written in the data
  SourceLoc source;
};

// Contact details an opening paragraph may quote ({contact.phone}): the keys
// and their names in the form's language. A profile may give county-wide
// defaults; the report's own value wins.
struct ContactField {
  const char* key;
  const char* label;
};
NIANBAO_API const std::vector<ContactField>& contact_fields();

struct NIANBAO_API Report {
  std::string id;       // stable id from the manifest or derived from agency and year
  std::string agency;
  int year = 0;
  std::string kind;     // a kind id of the form (township, county_dept, …)
  std::string region;   // optional
  SourceLoc agency_source, year_source, kind_source, region_source;
  std::optional<Text> preface;
  std::map<std::string, Text> texts;   // section key → text
  std::optional<Signature> signature;
  std::map<std::string, Text> contact;  // contact field key (phone, address…) → value
  std::map<std::string, Cell> cells;   // canonical key → cell
  // What could not be read for this report (its bad cells, a roster row's
  // errors): a report with problems is not checked or built, and each
  // problem is reported at its place.
  Problems problems;

  // The cell at key; a blank cell without source when no input gave it.
  const Cell& cell(const std::string& key) const;
  // Names a cell in messages (the form's labels); the key when empty.
  using Labeler = std::function<std::string(const std::string& key)>;

  // Sets a cell; an existing one given by another input is an error naming both.
  void set_cell(const std::string& key, Cell c, const Labeler& label = {});

  // Adds what `other` holds into this report. Every field given by both is an
  // error (ExitCode::data) that names both sources.
  void merge(const Report& other, const Labeler& label = {});
};

}  // namespace nianbao
