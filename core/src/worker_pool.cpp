#include "worker_pool.hpp"

#include <nianbao/error.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace nianbao::detail {

namespace {

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

struct Worker {
  pid_t pid = -1;
  int task = -1;    // we write item numbers here
  int result = -1;  // and read length-prefixed results here
  std::string buffer;
  bool busy = false;
  std::size_t item = 0;
};

[[noreturn]] void worker_main(int task, int result, pid_t parent, const std::function<std::string(std::size_t)>& job) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);  // the build died before we got going
  std::uint64_t k = 0;
  while (read_all(task, &k, sizeof k)) {
    std::string out;
    try {
      out = job(static_cast<std::size_t>(k));
    } catch (...) {
      out.clear();  // the job catches what it can report; anything else reads as a death
    }
    std::uint64_t len = out.size();
    if (!write_all(result, &len, sizeof len) || !write_all(result, out.data(), out.size())) break;
  }
  ::_exit(0);  // no destructors or atexit handlers of the build process
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

}  // namespace

std::vector<std::size_t> run_in_workers(
    std::size_t n, int jobs, const std::function<std::string(std::size_t)>& job,
    const std::function<bool(std::size_t, const std::string&, const std::string&)>& on_result) {
  struct sigaction ignore {}, old_pipe {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe);  // a dead worker's pipe must not kill the build
  std::vector<Worker> workers(static_cast<std::size_t>(std::max(1, jobs)));
  std::size_t next = 0;
  bool stopping = false;
  const pid_t self = ::getpid();

  auto spawn = [&](Worker& w) {
    int task[2], result[2];
    if (::pipe2(task, O_CLOEXEC) != 0 || ::pipe2(result, O_CLOEXEC) != 0)
      throw Error(ExitCode::temp_fail, std::string("cannot create a pipe for a worker: ") + std::strerror(errno));
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(ExitCode::temp_fail, std::string("cannot start a worker process: ") + std::strerror(errno));
    if (pid == 0) {
      // Only this worker's own ends stay open: another worker's task pipe
      // held open here would never see its end.
      for (auto& o : workers) {
        if (o.task >= 0) ::close(o.task);
        if (o.result >= 0) ::close(o.result);
      }
      ::close(task[1]);
      ::close(result[0]);
      worker_main(task[0], result[1], self, job);
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
  };

  for (auto& w : workers) {
    if (next >= n) break;
    spawn(w);
    hand_out(w);
  }
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Worker*> who;
    for (auto& w : workers)
      if (w.result >= 0) {
        fds.push_back(pollfd{w.result, POLLIN, 0});
        who.push_back(&w);
      }
    if (fds.empty()) break;
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw Error(ExitCode::software, std::string("poll: ") + std::strerror(errno));
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Worker& w = *who[i];
      char buf[65536];
      ssize_t r = ::read(w.result, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r > 0) {
        w.buffer.append(buf, static_cast<std::size_t>(r));
        std::uint64_t len = 0;
        if (w.buffer.size() >= sizeof len) {
          std::memcpy(&len, w.buffer.data(), sizeof len);
          if (w.buffer.size() >= sizeof len + len) {
            std::string msg = w.buffer.substr(sizeof len, len);
            w.buffer.erase(0, sizeof len + len);
            w.busy = false;
            if (!on_result(w.item, msg, "")) stopping = true;
            hand_out(w);
          }
        }
        continue;
      }
      // End of its results: it finished (no task left) or it died.
      ::close(w.result);
      w.result = -1;
      retire(w);
      int status = 0;
      while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (w.busy) {
        w.busy = false;
        if (!on_result(w.item, "", "the worker process building it " + describe(status))) stopping = true;
        if (!stopping && next < n) {
          spawn(w);
          hand_out(w);
        }
      }
    }
  }
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  std::vector<std::size_t> never;
  for (std::size_t k = next; k < n; ++k) never.push_back(k);
  return never;
}

}  // namespace nianbao::detail
