#include "graph/pipeline_graph.hpp"

#include "runtime/block_recycler.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/stage_call.hpp"

#include <tbb/flow_graph.h>
#include <tbb/task_arena.h>

#include <memory>
#include <vector>

namespace sluice::graph {
namespace {

namespace flow = tbb::flow;
using BatchPtr = std::shared_ptr<sdk::Batch>;

// The source node's body: reads batches until the input ends or a stop is requested, then
// sends one final (empty) batch that tells stateful stages to flush, then stops.
class SourceBody {
 public:
  // recycler provides the batches' memory and must outlive every batch this body creates.
  SourceBody(runtime::Pipeline& pipeline, runtime::RunState& state, runtime::BlockRecycler& recycler)
      : pipeline_(&pipeline), state_(&state), recycler_(&recycler) {}

  BatchPtr operator()(tbb::flow_control& control) {
    if (finished_) {
      control.stop();
      return {};
    }
    runtime::BlockRecycler* recycler = recycler_;
    auto batch = BatchPtr(new sdk::Batch(next_sequence_++, arena_hint_, recycler->storage()), [recycler](sdk::Batch* b) {
      std::string input = std::move(b->input());
      delete b;
      recycler->give_back_input_buffer(std::move(input));
    });
    batch->input() = recycler->take_input_buffer();
    batch->set_created(std::chrono::steady_clock::now());
    while (!exhausted_ && batch->size() == 0) {
      if (state_->stop_requested()) {
        exhausted_ = true;
        break;
      }
      exhausted_ = !runtime::call_source(pipeline_->source(), *batch, *state_);
    }
    if (batch->size() == 0) {
      batch->set_final(true);
      finished_ = true;
    } else if (batch->input().size() > arena_hint_) {
      // Parsed values take about as much room as their text: size the next arena from it.
      arena_hint_ = batch->input().size() + batch->input().size() / 2;
    }
    state_->batches_in_flight.fetch_add(1, std::memory_order_relaxed);
    return batch;
  }

 private:
  runtime::Pipeline* pipeline_;
  runtime::RunState* state_;
  runtime::BlockRecycler* recycler_;
  uint64_t next_sequence_ = 0;
  std::size_t arena_hint_ = 64 * 1024;
  bool exhausted_ = false;
  bool finished_ = false;
};


}  // namespace

void run_pipeline_graph(runtime::Pipeline& pipeline, runtime::RunState& state) {
  runtime::BlockRecycler recycler;  // outlives the graph and so every batch
  tbb::task_arena arena(static_cast<int>(pipeline.threads()));
  arena.execute([&] {
    flow::graph g;
    flow::input_node<BatchPtr> source(g, SourceBody(pipeline, state, recycler));
    flow::limiter_node<BatchPtr> limiter(g, pipeline.max_in_flight());
    flow::make_edge(source, limiter);

    std::vector<std::unique_ptr<flow::graph_node>> nodes;
    flow::sender<BatchPtr>* previous = &limiter;
    bool ordered = false;  // does `previous` emit batches in source order?
    auto add_sequencer = [&] {
      auto seq = std::make_unique<flow::sequencer_node<BatchPtr>>(g, [](const BatchPtr& b) -> std::size_t { return b->sequence(); });
      flow::make_edge(*previous, *seq);
      previous = seq.get();
      nodes.push_back(std::move(seq));
      ordered = true;
    };

    for (auto& slot_ptr : pipeline.transforms()) {
      runtime::StageSlot* slot = slot_ptr.get();
      bool serial = slot->concurrency() == 1;
      if (serial && !ordered) add_sequencer();
      auto node = std::make_unique<flow::function_node<BatchPtr, BatchPtr>>(
          g, serial ? static_cast<std::size_t>(flow::serial) : static_cast<std::size_t>(slot->concurrency()),
          [slot, &state](BatchPtr batch) {
            runtime::call_transform(*slot, *batch, state);
            return batch;
          });
      flow::make_edge(*previous, *node);
      previous = node.get();
      nodes.push_back(std::move(node));
      ordered = serial && ordered;
    }

    if (!ordered) add_sequencer();
    runtime::StageSlot* sink = &pipeline.sink();
    runtime::StageSlot* dead_letter = pipeline.dead_letter();
    flow::function_node<BatchPtr, flow::continue_msg> sinks(g, flow::serial, [=, &state](BatchPtr batch) {
      runtime::call_sinks(*sink, dead_letter, *batch, state);
      state.batches_in_flight.fetch_sub(1, std::memory_order_relaxed);
      return flow::continue_msg();
    });
    flow::make_edge(*previous, sinks);
    flow::make_edge(sinks, limiter.decrementer());

    source.activate();
    g.wait_for_all();
  });
}

}  // namespace sluice::graph
