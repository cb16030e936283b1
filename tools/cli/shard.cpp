#include "shard.hpp"

#include <cstdlib>
#include <string>

namespace nianbao::cli {

Shard resolve_shard(std::optional<int> index, std::optional<int> count) {
  auto env_int = [](const char* name) -> std::optional<int> {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end != '\0' || n < 0 || n > 1000000)
      throw Error(ExitCode::usage, std::string(name) + " must be a whole number, not '" + v + "'");
    return static_cast<int>(n);
  };
  const char* from = "--shard-index";
  if (!index) {
    if ((index = env_int("JOB_COMPLETION_INDEX"))) {
      from = "JOB_COMPLETION_INDEX";
    } else if (auto slurm = env_int("SLURM_ARRAY_TASK_ID")) {
      // Slurm arrays may start anywhere (--array=1-8): count from the first task.
      index = *slurm - env_int("SLURM_ARRAY_TASK_MIN").value_or(0);
      if (!count) count = env_int("SLURM_ARRAY_TASK_COUNT");
      from = "SLURM_ARRAY_TASK_ID";
    }
  }
  Shard s;
  if (!index && !count) return s;
  if (!count)
    throw Error(ExitCode::usage, std::string(from) + " gives this task's shard; say how many there are with --shard-count N");
  if (!index) index = 0;
  if (*count < 1 || *index < 0 || *index >= *count)
    throw Error(ExitCode::usage, "shard index " + std::to_string(*index) + " (from " + from + ") is outside 0.." +
                                     std::to_string(*count - 1) + " for --shard-count " + std::to_string(*count));
  s.index = *index;
  s.count = *count;
  return s;
}

}  // namespace nianbao::cli
