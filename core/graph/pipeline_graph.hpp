// The oneTBB flow graph that runs a pipeline: a source gated by a limiter (the memory bound),
// reentrant stages in parallel, a sequencer before each serial stage and before the sinks.
#pragma once

namespace sluice::runtime {
class Pipeline;
class RunState;
}  // namespace sluice::runtime

namespace sluice::graph {

// Builds the graph for `pipeline`, runs it on pipeline.threads() worker threads until the
// input ends or state.request_stop(), and waits until every batch has left the sinks.
void run_pipeline_graph(runtime::Pipeline& pipeline, runtime::RunState& state);

}  // namespace sluice::graph
