// Tells ThreadSanitizer about the ordering oneTBB provides. The Debian libtbb is not built
// with -fsanitize=thread, so TSan cannot see that a flow-graph node body runs after the body
// that sent it its batch, nor after the graph was built: it would report every hand-off as a
// race. Each node body marks what it receives and what it sends; in other builds these are
// empty inline functions.
#pragma once

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>

// Dynamic annotations, provided by the TSan runtime.
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);
#endif

namespace sluice::graph {

// Everything this thread did so far happens before whatever follows received(object).
inline void sent(const void* object) noexcept {
#if defined(__SANITIZE_THREAD__)
  __tsan_release(const_cast<void*>(object));
#else
  (void)object;
#endif
}

// Whatever preceded sent(object) happens before what this thread does next.
inline void received(const void* object) noexcept {
#if defined(__SANITIZE_THREAD__)
  __tsan_acquire(const_cast<void*>(object));
#else
  (void)object;
#endif
}

// A batch pointer as oneTBB hands it to a node body: copied out of the task object that TBB
// built on another thread. That task's construction and hand-over happen inside libtbb,
// where TSan cannot see them, so the copy's reads are not checked; what the batch points to
// is ordered by sent()/received() on the batch.
template <typename Pointer>
Pointer take_from_task(const Pointer& in) noexcept {
#if defined(__SANITIZE_THREAD__)
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  Pointer copy = in;
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  return copy;
#else
  return in;
#endif
}

}  // namespace sluice::graph
