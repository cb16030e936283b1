// How a build notices SIGINT, SIGTERM and SIGHUP (catch_interrupts() in
// pipeline.hpp installs the handlers): a flag, and a pipe the signal handler
// writes to, so that a poll() over the workers wakes at once.
#pragma once

namespace nianbao::detail {

// The read end of the self-pipe, for poll(); -1 before catch_interrupts().
int interrupt_fd();
// In a forked child: the default dispositions again, so that a worker dies of
// the signal a service manager sends it instead of carrying on.
void default_interrupts_in_child();

}  // namespace nianbao::detail
