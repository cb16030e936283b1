#include "workers.hpp"

#include "interrupt.hpp"

#include <nianbao/error.hpp>
#include <nianbao/pipeline.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace nianbao::detail {

namespace {

using Clock = std::chrono::steady_clock;

// Messages from a worker: a type byte, a 64-bit length, the bytes.
constexpr char kPhase = 'P', kResult = 'R';
int g_result_fd = -1;  // in a worker: where its messages go

// The whole of `size` bytes through read(2) or write(2), across partial
// transfers and signals; false at end of file or on an error.
template <class Op, class Byte>
bool transfer_all(Op op, int fd, Byte* p, std::size_t size) {
  while (size > 0) {
    ssize_t n = op(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}
bool write_all(int fd, const void* data, std::size_t size) {
  return transfer_all(::write, fd, static_cast<const char*>(data), size);
}
bool read_all(int fd, void* data, std::size_t size) { return transfer_all(::read, fd, static_cast<char*>(data), size); }
bool send(int fd, char type, const std::string& text) {
  std::uint64_t len = text.size();
  return write_all(fd, &type, 1) && write_all(fd, &len, sizeof len) && write_all(fd, text.data(), text.size());
}

// What a child does first: die with the build, die of the signals a service
// manager sends, and not inherit the build's buffered output twice.
void become_child(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);  // the build died before we got going
  default_interrupts_in_child();
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &dfl, nullptr);
}

// The job's text, or "" when it threw (the job catches what it can report;
// anything else reads as a failure of the worker).
std::string run_job(const std::function<std::string()>& job) {
  try {
    return job();
  } catch (...) {
    return {};
  }
}

struct Worker {
  pid_t pid = -1;
  int task = -1;    // we write item numbers here
  int result = -1;  // and read its messages here
  std::string buffer;
  std::string phase;
  bool busy = false;
  std::size_t item = 0;
  Clock::time_point deadline = Clock::time_point::max();
};

// Parses complete messages out of a worker's buffer; returns a result when one came.
std::optional<std::string> take_messages(Worker& w) {
  const std::size_t head = 1 + sizeof(std::uint64_t);
  while (w.buffer.size() >= head) {
    std::uint64_t len = 0;
    std::memcpy(&len, w.buffer.data() + 1, sizeof len);
    if (w.buffer.size() < head + len) break;
    char type = w.buffer[0];
    std::string text = w.buffer.substr(head, len);
    w.buffer.erase(0, head + len);
    if (type == kPhase) w.phase = std::move(text);
    else if (type == kResult) return text;
  }
  return std::nullopt;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status))
    return "killed by signal " + std::to_string(WTERMSIG(status)) + ": " + strsignal(WTERMSIG(status));
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

void reap(pid_t pid, int* status_out = nullptr) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (status_out) *status_out = status;
}

}  // namespace

void worker_phase(const std::string& what) {
  if (g_result_fd >= 0) send(g_result_fd, kPhase, what);
}

std::string describe(const WorkerFailure& f) {
  if (f.interrupted) return "stopped: the build was interrupted";
  if (f.timed_out) return f.how;
  if (f.how.rfind("exit code", 0) == 0) return "ended its process (" + f.how + ")";
  return "crashed (" + f.how + ")";
}

WorkerRun run_in_workers(std::size_t n, int jobs, double item_seconds, const std::function<std::string(std::size_t)>& job,
                         const std::function<bool(std::size_t, const std::string&, const WorkerFailure*)>& on_result) {
  struct sigaction ignore {}, old_pipe {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe);  // a dead worker's pipe must not kill the build
  std::vector<Worker> workers(static_cast<std::size_t>(std::max(1, jobs)));
  std::size_t next = 0;
  bool stopping = false;
  WorkerRun run;
  const pid_t self = ::getpid();
  const auto limit = item_seconds > 0 ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(item_seconds))
                                      : Clock::duration::zero();

  auto spawn = [&](Worker& w) {
    int task[2], result[2];
    if (::pipe2(task, O_CLOEXEC) != 0) throw Error(ExitCode::temp_fail, std::string("cannot create a pipe for a worker: ") + std::strerror(errno));
    if (::pipe2(result, O_CLOEXEC) != 0) {
      ::close(task[0]);
      ::close(task[1]);
      throw Error(ExitCode::temp_fail, std::string("cannot create a pipe for a worker: ") + std::strerror(errno));
    }
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(ExitCode::temp_fail, std::string("cannot start a worker process: ") + std::strerror(errno));
    if (pid == 0) {
      become_child(self);
      // Only this worker's own ends stay open: another worker's task pipe
      // held open here would never see its end.
      for (auto& o : workers) {
        if (o.task >= 0) ::close(o.task);
        if (o.result >= 0) ::close(o.result);
      }
      ::close(task[1]);
      ::close(result[0]);
      g_result_fd = result[1];
      std::uint64_t k = 0;
      while (read_all(task[0], &k, sizeof k)) {
        std::string out = run_job([&] { return job(static_cast<std::size_t>(k)); });
        if (out.empty() || !send(result[1], kResult, out)) break;
      }
      ::_exit(0);  // no destructors or atexit handlers of the build process
    }
    ::close(task[0]);
    ::close(result[1]);
    w = Worker{};
    w.pid = pid;
    w.task = task[1];
    w.result = result[0];
  };
  auto retire = [&](Worker& w) {  // no more work: closing its task pipe lets it exit
    if (w.task >= 0) ::close(w.task);
    w.task = -1;
  };
  auto hand_out = [&](Worker& w) {
    if (stopping || next >= n) return retire(w);
    std::uint64_t k = next;
    if (!write_all(w.task, &k, sizeof k)) return retire(w);  // it died; its result pipe will say so
    w.busy = true;
    w.item = next++;
    w.phase.clear();
    w.deadline = limit > Clock::duration::zero() ? Clock::now() + limit : Clock::time_point::max();
  };
  // A worker that gave no result for its item: report it, and let a new one take over.
  auto lost = [&](Worker& w, WorkerFailure f) {
    if (w.result >= 0) ::close(w.result);
    w.result = -1;
    retire(w);
    if (!w.busy) return;
    w.busy = false;
    f.phase = w.phase;
    if (!on_result(w.item, "", &f)) stopping = true;
    if (!stopping && next < n && !run.interrupted) {
      spawn(w);
      hand_out(w);
    }
  };

  for (auto& w : workers) {
    if (next >= n) break;
    spawn(w);
    hand_out(w);
  }
  for (;;) {
    if (int sig = interrupt_signal(); sig != 0 && !run.interrupted) {
      run.interrupted = sig;
      stopping = true;
      for (auto& w : workers)
        if (w.pid > 0 && w.result >= 0) ::kill(w.pid, SIGKILL);
      for (auto& w : workers) {
        if (w.result < 0) continue;
        reap(w.pid);
        WorkerFailure f;
        f.interrupted = true;
        f.how = "interrupted";
        lost(w, f);
      }
      break;
    }
    std::vector<pollfd> fds;
    std::vector<Worker*> who;
    auto soonest = Clock::time_point::max();
    for (auto& w : workers)
      if (w.result >= 0) {
        fds.push_back(pollfd{w.result, POLLIN, 0});
        who.push_back(&w);
        if (w.busy) soonest = std::min(soonest, w.deadline);
      }
    if (fds.empty()) break;
    if (interrupt_fd() >= 0) fds.push_back(pollfd{interrupt_fd(), POLLIN, 0});
    int timeout = -1;
    if (soonest != Clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(soonest - Clock::now()).count();
      timeout = static_cast<int>(std::clamp<long long>(left + 1, 0, 60000));
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      throw Error(ExitCode::software, std::string("poll: ") + std::strerror(errno));
    }
    for (std::size_t i = 0; i < who.size(); ++i) {
      Worker& w = *who[i];
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t r = ::read(w.result, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r > 0) {
        w.buffer.append(buf, static_cast<std::size_t>(r));
        if (auto result = take_messages(w)) {
          w.busy = false;
          w.deadline = Clock::time_point::max();
          if (!on_result(w.item, *result, nullptr)) stopping = true;
          hand_out(w);
        }
        continue;
      }
      // End of its messages: it finished (no task left) or it died.
      int status = 0;
      reap(w.pid, &status);
      WorkerFailure f;
      f.how = describe_status(status);
      lost(w, f);
    }
    // Items past their time limit: the worker is stopped.
    auto now = Clock::now();
    for (auto& w : workers)
      if (w.busy && w.result >= 0 && now >= w.deadline) {
        ::kill(w.pid, SIGKILL);
        reap(w.pid);
        WorkerFailure f;
        f.timed_out = true;
        f.how = "took longer than " + std::to_string(static_cast<long long>(std::llround(item_seconds))) +
                " s and was stopped";
        lost(w, f);
      }
  }
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  for (std::size_t k = next; k < n; ++k) run.never.push_back(k);
  return run;
}

std::optional<std::string> run_in_child(const std::function<std::string()>& job, double seconds, WorkerFailure& failure) {
  std::optional<std::string> out;
  std::size_t calls = 0;
  WorkerRun run = run_in_workers(
      1, 1, seconds, [&](std::size_t) { return job(); },
      [&](std::size_t, const std::string& text, const WorkerFailure* f) {
        ++calls;
        if (f) failure = *f;
        else out = text;
        return false;
      });
  if (!out && calls == 0) failure.how = "never started";
  if (run.interrupted) failure.interrupted = true;
  return out;
}

}  // namespace nianbao::detail
