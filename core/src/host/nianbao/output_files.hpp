// All-or-nothing output files, safe in a shared folder.
//
// Usage:
//   StagedFiles files(out_dir);              // or StagedFiles(area, "7") in a build
//   auto tmp = files.create("report.txt");   // write to tmp (nianbao::write_bytes)
//   files.commit();                          // check, sync and rename every file into place
// A build stages its files in a StagingArea: a folder inside the output folder
// with an unpredictable name, mode 0700, created exclusively and locked by the
// build for its lifetime. Nothing another user plants in the output folder
// can redirect a write, another build can tell a live area from a dead one
// (the lock) and removes only the dead, and destroying an uncommitted set
// removes its files, so a failed job leaves no partial file and never
// replaces a good one from an earlier run. Every write, sync and rename is
// checked: a full disk fails the report (73) and publishes nothing.
#pragma once
#include <nianbao/api.hpp>
#include <nianbao/error.hpp>
#include <nianbao/plugin.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

class NIANBAO_API StagingArea {
 public:
  // Creates the output folder if needed and the area inside it; throws
  // Error(cant_create) with the reason (a read-only or full disk).
  explicit StagingArea(std::filesystem::path out_dir);
  ~StagingArea();
  StagingArea(const StagingArea&) = delete;
  StagingArea& operator=(const StagingArea&) = delete;

  const std::filesystem::path& out_dir() const { return out_dir_; }
  const std::filesystem::path& dir() const { return dir_; }
  // Removes what a slot holds (a worker that died while writing it).
  void discard(const std::string& slot) const noexcept;

  // Removes the staging areas in `out_dir` whose build is gone (its lock is
  // free), also those of other machines on a shared disk; returns how many.
  static std::size_t remove_dead(const std::filesystem::path& out_dir);

 private:
  std::filesystem::path out_dir_, dir_;
  int lock_fd_ = -1;
};

// A file staged for a report, checked and synced: where it waits, where it goes.
struct StagedFile {
  std::filesystem::path staged, target;
  std::string sha256;
  std::uintmax_t bytes = 0;
};

class NIANBAO_API StagedFiles : public OutputFiles {
 public:
  // A staging area of its own in `out_dir` (tests, the benchmark).
  explicit StagedFiles(std::filesystem::path out_dir);
  // Slot `slot` (a sub-folder) of a build's area.
  StagedFiles(const StagingArea& area, const std::string& slot);
  ~StagedFiles() override;
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;

  // Throws Error(cant_create) for a name that is empty, has a path separator,
  // is "." or "..", starts with '.', has control characters or is longer
  // than a file name may be, and Error(config) for a name already given out
  // in this set (two outputs of one report would write the same file). The
  // file is created empty, exclusively, never through a link.
  std::filesystem::path create(const std::string& file_name) override;
  // Checks that every file was written, syncs it to disk and hashes it.
  std::vector<StagedFile> seal();
  // seal(), then renames every file into place; returns the final paths.
  std::vector<std::filesystem::path> commit();
  void abort() noexcept;
  // The final paths of the files staged so far.
  std::vector<std::filesystem::path> targets() const;
  // seal(), and hands the files to another owner — the build process commits
  // what its workers staged; this set no longer removes them.
  std::vector<StagedFile> release();

  // Renames staged files into place, then syncs the output folder.
  static std::vector<std::filesystem::path> commit_staged(const std::vector<StagedFile>& staged);
  static void abort_staged(const std::vector<StagedFile>& staged) noexcept;

 private:
  std::unique_ptr<StagingArea> own_;
  std::filesystem::path out_dir_, dir_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // staged, final
  bool done_ = false;
};

// Flushes a folder's entries (renames into it) to disk.
NIANBAO_API void sync_folder(const std::filesystem::path& dir);

// Creates the folders above a file the operator named (--summary, -o), so a
// recipe need not make them first; Error(cant_create) says why it could not.
NIANBAO_API void create_parent_folders(const std::filesystem::path& file);

// Writes bytes to `target` through an exclusive temporary file beside it
// (.nianbao-tmp-XXXXXX, locked while written), then renamed; every step
// checked (Error 73/74 with the reason). `durable`: synced to disk, file and
// folder, before the call returns (not needed for what can be rebuilt).
// A target that is a device or a pipe (/dev/null, /dev/stdout, a FIFO) is
// written into directly, never replaced.
NIANBAO_API void write_file_atomically(const std::filesystem::path& target, std::string_view bytes, bool durable = true);
// The same for content made piece by piece: `produce` calls its argument
// with each piece, in order (a summary of any size, never whole in memory).
NIANBAO_API void write_file_atomically(const std::filesystem::path& target,
                                       const std::function<void(const std::function<void(std::string_view)>&)>& produce,
                                       bool durable = true);

// Removes the temporary files write_file_atomically left in `dir` when its
// process was killed (their lock is free); returns how many.
NIANBAO_API std::size_t remove_dead_temp_files(const std::filesystem::path& dir);

}  // namespace nianbao
