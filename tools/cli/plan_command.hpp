// `nianbao plan`: every report of a build in plan order, with its shard.
#pragma once
#include <nianbao/manifest.hpp>

#include <filesystem>
#include <optional>
#include <vector>

namespace nianbao::cli {

int run_plan(const Manifest& manifest, const std::vector<std::filesystem::path>& plugin_dirs, std::optional<int> shard_index,
             std::optional<int> shard_count, bool json);

}  // namespace nianbao::cli
