// What the fuzz targets of input plugins share: the bytes as the input file
// of the real plugin (loaded from the build's plugin folder), what it reads
// checked against the national form's rules. Bad input ends in
// nianbao::Error, never in another exception, a crash, a hang or a sanitizer report.
#pragma once
#include "fuzz_input.hpp"

#include <nianbao/checks.hpp>
#include <nianbao/form.hpp>
#include <nianbao/plugin_host.hpp>

namespace fuzz {

struct NoFiles : nianbao::InputFiles {
  nianbao::DataFile read(const std::string&, const nianbao::SourceLoc& at) override {
    throw nianbao::Error(nianbao::ExitCode::data, "no files here", at);
  }
};

// One call per fuzz input; `plugin` and `file_name` are the same on every call.
inline void read_and_check(const std::string& plugin_name, const std::string& file_name, const std::uint8_t* data, std::size_t size) {
  static const nianbao::Form form = nianbao::Form::load(NIANBAO_FORM_2021);
  static nianbao::PluginHost host({nianbao::default_plugin_dir()});
  static const auto plugin = host.create_input(plugin_name);
  static const nianbao::Options options = nianbao::Options::defaults(host.info(nianbao::PluginKind::input, plugin_name).options);
  auto path = as_file(data, size, file_name);
  NoFiles files;
  try {
    for (const auto& report : plugin->read(nianbao::InputRequest{path, file_name, form, options, files}))
      nianbao::run_checks(form, report);
  } catch (const nianbao::Error&) {
  }
}

}  // namespace fuzz
