// The data a build may read: only files inside the manifest's folder, after
// links. Inputs named by the manifest and files an input refers to (a
// roster's text cells) are both checked here, and each file an input refers
// to is remembered with its hash, so that editing it rebuilds its report.
#pragma once
#include <nianbao/plugin.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace nianbao::detail {

// Whether `p` (absolute, normal) is `root` or lies below it.
bool inside(const std::filesystem::path& root, const std::filesystem::path& p);

// The manifest's folder as the file system has it (links resolved).
std::filesystem::path data_root(const std::filesystem::path& manifest_dir);

// An input the manifest names must resolve, after links, inside `root`;
// throws Error(config) at `named_at` when it does not.
void check_input_path(const std::filesystem::path& root, const std::filesystem::path& input, const std::string& shown,
                      const SourceLoc& named_at);

class DataFiles : public InputFiles {
 public:
  // `root`: data_root(); `input_dir`: the folder of the input being read.
  DataFiles(std::filesystem::path root, std::filesystem::path input_dir)
      : root_(std::move(root)), input_dir_(std::move(input_dir)) {}
  DataFile read(const std::string& name, const SourceLoc& named_at) override;
  // Every file read: (absolute path, sha256), in the order read.
  const std::vector<std::pair<std::string, std::string>>& read_files() const { return read_; }

  static constexpr std::uintmax_t max_bytes = 16u << 20;

 private:
  std::filesystem::path root_, input_dir_;
  std::vector<std::pair<std::string, std::string>> read_;
};

}  // namespace nianbao::detail
