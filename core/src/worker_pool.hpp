// Worker processes for a parallel build. Processes, not threads: PoDoFo 0.9
// and libxlsxwriter make no promise of thread safety, a crashing plugin then
// takes down one report rather than the build, and each worker's memory
// stays bounded however many reports there are.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace nianbao::detail {

// Runs job(k) for k in [0, n) on `jobs` forked processes, handing the next
// item to whichever worker is free. on_result(k, text, died) runs in this
// process as each item finishes, in the order they finish; `died` says why
// when the worker died instead ("" otherwise), and a new worker takes over.
// on_result returns false to stop handing out items. Returns the items
// never handed out. Workers die with this process (PR_SET_PDEATHSIG).
std::vector<std::size_t> run_in_workers(
    std::size_t n, int jobs, const std::function<std::string(std::size_t)>& job,
    const std::function<bool(std::size_t, const std::string&, const std::string&)>& on_result);

}  // namespace nianbao::detail
