// All-or-nothing output files for one report.
//
// Usage:
//   StagedFiles files(out_dir);
//   auto tmp = files.create("report.txt");   // write to tmp
//   files.commit();                          // rename every file into place
// Until commit() the files live under temporary names beside their targets;
// destroying an uncommitted set removes them, so a failed job leaves no partial
// file and never replaces a good one from an earlier run.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/plugin.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace nianbao {

class NIANBAO_API StagedFiles : public OutputFiles {
 public:
  explicit StagedFiles(std::filesystem::path dir);
  ~StagedFiles() override;
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;

  // Throws Error(cant_create) for a name that is empty, has a path separator,
  // is "." or "..", starts with '.' or has control characters, and
  // Error(config) for a name already given out in this set (two outputs of
  // one report would write the same file).
  std::filesystem::path create(const std::string& file_name) override;
  // Renames every staged file into place; returns the final paths.
  std::vector<std::filesystem::path> commit();
  void abort() noexcept;
  // The final paths of the files staged so far.
  std::vector<std::filesystem::path> targets() const;
  // Hands the staged files (temporary, final) to another owner — the build
  // process commits what its workers staged; this set no longer removes them.
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> release();
  static std::vector<std::filesystem::path> commit_staged(
      const std::vector<std::pair<std::filesystem::path, std::filesystem::path>>& staged);
  static void abort_staged(const std::vector<std::pair<std::filesystem::path, std::filesystem::path>>& staged) noexcept;

 private:
  std::filesystem::path dir_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temp, final
  bool done_ = false;
};

// Removes the temporary files that runs on this machine left in `dir` when
// they were killed (their process is gone); returns how many.
NIANBAO_API std::size_t remove_stale_temp_files(const std::filesystem::path& dir);

// Creates the folders above a file the operator named (--summary, -o), so a
// recipe need not make them first; Error(cant_create) says why it could not.
NIANBAO_API void create_parent_folders(const std::filesystem::path& file);

// Writes bytes to `target` through a temporary file and a rename.
NIANBAO_API void write_file_atomically(const std::filesystem::path& target, const std::string& bytes);

}  // namespace nianbao
