// A plugin whose static initialiser crashes: discovery must survive it.
#include <csignal>

namespace {
const int kCrash = (std::raise(SIGSEGV), 0);
}
extern "C" __attribute__((visibility("default"))) int crash_on_load_anchor() { return kCrash; }
