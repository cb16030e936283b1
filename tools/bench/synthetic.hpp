// Synthetic agencies for the build benchmark: N data files that pass the
// form's rules, with realistic text and numbers, the same for the same seed.
#pragma once
#include <nianbao/form.hpp>

#include <cstdint>
#include <filesystem>

namespace bench {

// Writes <dir>/data/aNNNNN.yaml for each agency (and aNNNNN-text.yaml, the
// same without its tables) and <dir>/manifest.yaml building all of them with
// text, xlsx and pdf into <dir>/out.
void write_synthetic(const std::filesystem::path& dir, int agencies, std::uint32_t seed, const nianbao::Form& form);

}  // namespace bench
