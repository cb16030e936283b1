// libFuzzer target: any bytes as an agency's report.yaml, read by the real
// `yaml` input plugin (loaded from the build's plugin folder) and checked
// against the national form's rules.
#include "fuzz_input.hpp"

#include <nianbao/checks.hpp>
#include <nianbao/form.hpp>
#include <nianbao/plugin_host.hpp>

namespace {

struct NoFiles : nianbao::InputFiles {
  nianbao::DataFile read(const std::string&, const nianbao::SourceLoc& at) override {
    throw nianbao::Error(nianbao::ExitCode::data, "no files here", at);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const nianbao::Form form = nianbao::Form::load(NIANBAO_FORM_2021);
  static nianbao::PluginHost host({nianbao::default_plugin_dir()});
  static const auto plugin = host.create_input("yaml");
  static const nianbao::Options options = nianbao::Options::defaults(host.info(nianbao::PluginKind::input, "yaml").options);
  auto path = fuzz::as_file(data, size, "report.yaml");
  NoFiles files;
  try {
    for (const auto& report : plugin->read(nianbao::InputRequest{path, "report.yaml", form, options, files}))
      nianbao::run_checks(form, report);
  } catch (const nianbao::Error&) {
  }
  return 0;
}
