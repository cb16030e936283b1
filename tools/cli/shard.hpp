// Which slice of the plan this run builds, from the command line or from the
// scheduler that started it. The CLI decides this, not the core: the core
// builds the shard it is given.
#pragma once
#include <nianbao/pipeline.hpp>

#include <optional>

namespace nianbao::cli {

// --shard-index/--shard-count when given, else JOB_COMPLETION_INDEX
// (Kubernetes Indexed Jobs, with --shard-count) or SLURM_ARRAY_TASK_ID and
// SLURM_ARRAY_TASK_COUNT (Slurm arrays, counted from SLURM_ARRAY_TASK_MIN),
// else the whole build. Throws Error(usage) for an index outside 0..count-1.
Shard resolve_shard(std::optional<int> index, std::optional<int> count);

}  // namespace nianbao::cli
