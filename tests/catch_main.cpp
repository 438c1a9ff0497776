#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <tbb/global_control.h>

// Catch2's main, which also waits, after the tests, until oneTBB's worker threads have exited:
// LeakSanitizer's check at exit stops every thread, and a worker still winding down under it can
// crash that check ("Tracer caught signal 11") although every test passed. `sluice run` does the
// same before it returns.
int main(int argc, char* argv[]) {
  int failed = 0;
  {
    tbb::task_scheduler_handle workers{tbb::attach{}};
    failed = Catch::Session().run(argc, argv);
    tbb::finalize(workers, std::nothrow);
  }
  return failed;
}
