// Worker processes: every piece of plugin code a build runs — reading inputs,
// writing outputs, the county workbook, loading a plugin and checking its
// options — runs in a forked child, never in the build process. Processes,
// not threads: PoDoFo 0.9 and libxlsxwriter promise no thread safety, and a
// plugin that crashes, throws what is not an exception, calls exit() or hangs
// then costs its report, not the build. Each worker's memory stays bounded
// however many reports there are.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nianbao::detail {

// In a worker: tells the build process what the worker is about to do
// ("output plugin 'pdf' writing report a3"), so that if it dies the report
// says where. Does nothing outside a worker.
void worker_phase(const std::string& what);

// Why a worker gave no result for its item.
struct WorkerFailure {
  std::string how;    // "killed by signal 11 (Segmentation fault)", "exited with code 0", …
  std::string phase;  // its last worker_phase(), or ""
  bool timed_out = false;
  bool interrupted = false;  // the build was interrupted (SIGINT, SIGTERM, SIGHUP)
};

struct WorkerRun {
  std::vector<std::size_t> never;  // items never handed out
  int interrupted = 0;             // the signal that stopped the run, or 0
};

// Runs job(k) for k in [0, n) on `jobs` forked processes, handing the next
// item to whichever worker is free. on_result(k, text, failure) runs in this
// process as each item finishes, in the order they finish; `failure` is null
// for a result, else says why there is none (a new worker takes over).
// on_result returns false to stop handing out items. An item running longer
// than `item_seconds` (0: no limit) has its worker killed. A signal caught by
// catch_interrupts() kills every worker and ends the run. Workers die with
// this process (PR_SET_PDEATHSIG).
WorkerRun run_in_workers(std::size_t n, int jobs, double item_seconds,
                         const std::function<std::string(std::size_t)>& job,
                         const std::function<bool(std::size_t, const std::string&, const WorkerFailure*)>& on_result);

// Runs job() in one child process and returns what it returned, or nullopt
// with `failure` saying why (crashed, exited, longer than `seconds`).
std::optional<std::string> run_in_child(const std::function<std::string()>& job, double seconds, WorkerFailure& failure);

// "crashed (killed by signal 11: Segmentation fault)", "ended the worker
// (exit code 0)", "took longer than 300 s and was stopped" — for messages.
std::string describe(const WorkerFailure& f);

}  // namespace nianbao::detail
