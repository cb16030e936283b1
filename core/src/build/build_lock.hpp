// One build at a time in an output folder — or the shards of one build, each
// its own slice. Two builds of the same folder would write the same files and
// clean up each other's work; the second one fails at once with 75 (try again
// later) and a message saying what holds the folder.
#pragma once
#include <nianbao/pipeline.hpp>

#include <filesystem>

namespace nianbao::detail {

class BuildLock {
 public:
  // A whole build takes the folder; a shard shares it with the other shards
  // and takes its own slice (two runs of one shard exclude each other).
  // Open file description locks (F_OFD_SETLK) on <out_dir>/.nianbao.lock:
  // held by this process and its workers, released when they are gone, and
  // honoured across machines on NFS.
  BuildLock(const std::filesystem::path& out_dir, const Shard& shard);
  ~BuildLock();
  BuildLock(const BuildLock&) = delete;
  BuildLock& operator=(const BuildLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace nianbao::detail
