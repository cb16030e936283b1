// Plugin options: one schema drives validation, help and defaults.
//
// Usage (inside a plugin): opts.integer("width"), opts.number("body_size"), opts.boolean("wrap"),
// opts.string("line_ending"). Every declared option has a value: the one the
// manifest gave, or the declared default. The core has already refused unknown
// keys and values of the wrong type, with file:line:column and a suggestion.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/error.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nianbao {

enum class OptionType { string, integer, number, boolean, choice, path };
NIANBAO_API const char* to_string(OptionType t);

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::string;
  std::string default_value;          // YAML scalar text; empty = no default (empty string)
  std::vector<std::string> choices;   // choice only
  std::string help;
};

struct OptionValue {
  std::string text;        // as written (or the default)
  std::int64_t integer = 0;
  double number = 0;  // number (and integer) options
  bool boolean = false;
  SourceLoc source;        // unknown for defaults
  bool from_default = true;
};

class NIANBAO_API Options {
 public:
  // Parses `text` as `spec` requires; throws Error(ExitCode::config) at `where`.
  static OptionValue parse_value(const OptionSpec& spec, const std::string& text, const SourceLoc& where);
  // All defaults of a schema.
  static Options defaults(const std::vector<OptionSpec>& schema);

  void set(const std::string& name, OptionValue v) { values_[name] = std::move(v); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const OptionValue& get(const std::string& name) const;
  const std::string& string(const std::string& name) const { return get(name).text; }
  std::int64_t integer(const std::string& name) const { return get(name).integer; }
  double number(const std::string& name) const { return get(name).number; }
  bool boolean(const std::string& name) const { return get(name).boolean; }
  const std::map<std::string, OptionValue>& all() const { return values_; }

 private:
  std::map<std::string, OptionValue> values_;
};

}  // namespace nianbao
