#include "interrupt.hpp"

#include <nianbao/pipeline.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace nianbao {

namespace {

volatile std::sig_atomic_t g_signal = 0;
int g_pipe[2] = {-1, -1};
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_interrupt(int sig) {
  if (g_signal != 0) {
    // A second signal: the operator insists. Die of it now.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  g_signal = sig;
  int saved = errno;
  if (g_pipe[1] >= 0) {
    ssize_t n = ::write(g_pipe[1], "!", 1);  // a full pipe is fine: one byte is enough to wake
    (void)n;
  }
  errno = saved;
}

}  // namespace

void catch_interrupts() {
  if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking call returns EINTR and the build looks at the flag
  for (int s : kSignals) ::sigaction(s, &sa, nullptr);
}

int interrupt_signal() { return g_signal; }

namespace detail {

int interrupt_fd() { return g_pipe[0]; }

void default_interrupts_in_child() {
  for (int s : kSignals) ::signal(s, SIG_DFL);
}

}  // namespace detail

}  // namespace nianbao
