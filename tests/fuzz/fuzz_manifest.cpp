// libFuzzer target: any bytes as a manifest.yaml.
#include "fuzz_input.hpp"

#include <nianbao/manifest.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto path = fuzz::as_file(data, size, "manifest.yaml");
  try {
    nianbao::Manifest::load(path);
  } catch (const nianbao::Error&) {
  }
  return 0;
}
