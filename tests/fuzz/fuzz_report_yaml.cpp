// libFuzzer target: any bytes as an agency's report.yaml, read by the real
// `yaml` input plugin and checked against the national form's rules.
#include "fuzz_plugin_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::read_and_check("yaml", "report.yaml", data, size);
  return 0;
}
