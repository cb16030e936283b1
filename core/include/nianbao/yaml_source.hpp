// YAML files with positions users can act on.
//
// Usage:
//   YamlFile f = YamlFile::load("manifest.yaml", "manifest.yaml");   // parse errors → Error
//   SourceLoc at = f.loc(f.root()["reports"]);    // line and column in characters
//   f.check_keys(node, {"id", "inputs", "outputs"}, "report");    // unknown / duplicate keys
// yaml-cpp counts columns in bytes and accepts duplicate keys; this wrapper
// reports characters and refuses duplicates. It also refuses, in bounded time,
// alias bombs, deep nesting, control characters and invalid UTF-8, each at its
// line and column.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/error.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nianbao {

class NIANBAO_API YamlFile {
 public:
  // Bounds on what a file may cost to read, far above any real manifest,
  // profile or report: larger, deeper or alias-expanded past these, a file is
  // refused at the place it happens (a syntax error of `syntax_code`).
  static constexpr std::uintmax_t max_bytes = 64u << 20;
  static constexpr int max_depth = 64;
  static constexpr std::uint64_t max_nodes = 2000000;

  // `display` is the name used in messages. Missing file → ExitCode::no_input;
  // syntax error → `syntax_code` (config for manifests and forms, data for data files).
  static YamlFile load(const std::filesystem::path& file, const std::string& display,
                       ExitCode syntax_code = ExitCode::config);
  static YamlFile parse(const std::string& text, const std::string& display,
                        ExitCode syntax_code = ExitCode::config);

  const YAML::Node& root() const { return root_; }
  const std::string& display() const { return display_; }
  SourceLoc loc(const YAML::Node& n) const;
  SourceLoc loc_of_mark(const YAML::Mark& m) const;
  // Throws Error(code) at the node.
  [[noreturn]] void fail(const YAML::Node& n, const std::string& message,
                         ExitCode code = ExitCode::config) const;

  // The node must be a map whose keys are all in `allowed`; an unknown key is
  // an error with a "did you mean", a duplicate key an error naming both lines.
  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                  const std::string& what, ExitCode code = ExitCode::config) const;
  // Duplicate keys only (for maps whose keys are free-form).
  void check_unique_keys(const YAML::Node& map, ExitCode code = ExitCode::config) const;
  // Same, recursively for every map in the tree.
  void check_unique_keys_deep(const YAML::Node& n, ExitCode code = ExitCode::config) const;

  // Typed scalars with errors at the node.
  std::string string(const YAML::Node& n, const std::string& what, ExitCode code = ExitCode::config) const;
  int integer(const YAML::Node& n, const std::string& what, ExitCode code = ExitCode::config) const;
  void require_map(const YAML::Node& n, const std::string& what, ExitCode code = ExitCode::config) const;
  void require_seq(const YAML::Node& n, const std::string& what, ExitCode code = ExitCode::config) const;

 private:
  void check_characters(ExitCode code) const;
  std::string display_;
  std::vector<std::string> lines_;
  YAML::Node root_;
};

// Renders a key path such as reports[0].inputs for messages.
NIANBAO_API std::string scalar_or_empty(const YAML::Node& n);

}  // namespace nianbao
