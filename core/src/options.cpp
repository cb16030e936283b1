#include <nianbao/options.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>

#include <algorithm>
#include <charconv>

namespace nianbao {

const char* to_string(OptionType t) {
  switch (t) {
    case OptionType::string: return "string";
    case OptionType::integer: return "integer";
    case OptionType::number: return "number";
    case OptionType::boolean: return "boolean";
    case OptionType::choice: return "choice";
    case OptionType::path: return "path";
  }
  return "string";
}

OptionValue Options::parse_value(const OptionSpec& spec, const std::string& text, const SourceLoc& where) {
  OptionValue v;
  v.text = text;
  v.source = where;
  v.from_default = !where.known();
  switch (spec.type) {
    case OptionType::integer: {
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v.integer);
      if (ec != std::errc{} || p != text.data() + text.size() || text.empty())
        throw Error(ExitCode::config, "option '" + spec.name + "' takes a whole number, not '" + text + "'", where);
      v.number = static_cast<double>(v.integer);
      break;
    }
    case OptionType::number: {
      // Plain decimal notation only (10.5, 28.9): what a profile author writes.
      auto d = Decimal::parse(text);
      if (!d) throw Error(ExitCode::config, "option '" + spec.name + "' takes a number such as 10.5, not '" + text + "'", where);
      v.number = d->to_double();
      break;
    }
    case OptionType::boolean:
      if (text == "true" || text == "yes" || text == "on") v.boolean = true;
      else if (text == "false" || text == "no" || text == "off") v.boolean = false;
      else throw Error(ExitCode::config, "option '" + spec.name + "' takes true or false, not '" + text + "'", where);
      break;
    case OptionType::choice:
      if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end())
        throw Error(ExitCode::config,
                    "option '" + spec.name + "' takes one of " + join(spec.choices, ", ") + ", not '" + text + "'" +
                        did_you_mean(text, spec.choices),
                    where);
      break;
    case OptionType::string:
    case OptionType::path:
      break;
  }
  return v;
}

Options Options::defaults(const std::vector<OptionSpec>& schema) {
  Options o;
  for (const auto& s : schema) o.set(s.name, parse_value(s, s.default_value, {}));
  return o;
}

const OptionValue& Options::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw Error(ExitCode::software, "option '" + name + "' was not declared by the plugin");
  return it->second;
}

InputPlugin::~InputPlugin() = default;
OutputPlugin::~OutputPlugin() = default;
void OutputPlugin::write_summary(const SummaryRequest&, OutputFiles&) {
  throw Error(ExitCode::config, "this output plugin writes no summary for a whole build");
}
OutputFiles::~OutputFiles() = default;
InputFiles::~InputFiles() = default;

}  // namespace nianbao
