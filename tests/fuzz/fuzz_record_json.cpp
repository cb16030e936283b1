// libFuzzer target: any bytes as a report's record (nianbao-record/1), read
// by the real `json` input plugin and checked against the national form's rules.
#include "fuzz_plugin_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::read_and_check("json", "record.json", data, size);
  return 0;
}
