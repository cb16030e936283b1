// `nianbao config`: shows the configuration a build will use.
#pragma once
#include <nianbao/manifest.hpp>
#include <nianbao/plugin_host.hpp>

#include <string>

namespace nianbao::cli {

// The entry a report id names (a roster's reports by their entry's id, or
// "entry/agency-year"). Throws Error(usage) listing the ids.
const ReportEntry* find_entry(const Manifest& m, const std::string& id);

// The effective profile (entry null: the build's) with each value's origin.
// Throws Error(config) as a build would, before building.
std::string print_merged(const Manifest& m, PluginHost& host, const ReportEntry* entry);

}  // namespace nianbao::cli
