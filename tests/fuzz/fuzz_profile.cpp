// libFuzzer target: any bytes as a county profile (which may extend the
// built-in ones), and its document settings resolved as a build does.
#include "fuzz_input.hpp"

#include <nianbao/profile.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto path = fuzz::as_file(data, size, "county.yaml");
  try {
    nianbao::Profile p = nianbao::Profile::load(path.string(), path.parent_path(), {});
    p.document_settings();
    for (const auto& section : p.plugin_sections()) p.plugin_options(section);
  } catch (const nianbao::Error&) {
  }
  return 0;
}
