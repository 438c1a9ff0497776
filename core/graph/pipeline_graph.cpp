#include "graph/pipeline_graph.hpp"

#include "graph/happens_before.hpp"
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

// The orderings oneTBB provides that a node body relies on, for ThreadSanitizer (see
// happens_before.hpp): a body runs after the graph was built and after the body that sent
// its batch; a serial node's bodies run one after another; wait_for_all() returns after
// every body.
struct GraphOrder {
  char built = 0;
  char done = 0;
};

// Brackets one node body; `serial_node` (null for a concurrent node) orders a serial
// node's bodies among themselves.
class BodyOrder {
 public:
  BodyOrder(GraphOrder& order, const void* serial_node, const sdk::Batch* batch)
      : order_(order), serial_node_(serial_node), batch_(batch) {
    received(&order_.built);
    if (serial_node_) received(serial_node_);
    if (batch_) received(batch_);
  }
  ~BodyOrder() {
    if (batch_) sent(batch_);
    if (serial_node_) sent(serial_node_);
    sent(&order_.done);
  }
  BodyOrder(const BodyOrder&) = delete;
  BodyOrder& operator=(const BodyOrder&) = delete;
  void set_batch(const sdk::Batch* batch) { batch_ = batch; }

 private:
  GraphOrder& order_;
  const void* serial_node_;
  const sdk::Batch* batch_;
};

// The source node's body: reads batches until the input ends or a stop is requested, then
// sends one final (empty) batch that tells stateful stages to flush, then stops.
class SourceBody {
 public:
  // recycler provides the batches' memory and must outlive every batch this body creates.
  SourceBody(runtime::Pipeline& pipeline, runtime::RunState& state, runtime::BlockRecycler& recycler,
             GraphOrder& order)
      : pipeline_(&pipeline), state_(&state), recycler_(&recycler), order_(&order) {}

  BatchPtr operator()(tbb::flow_control& control) {
    BodyOrder body(*order_, &pipeline_->source(), nullptr);
    if (finished_) {
      control.stop();
      return {};
    }
    // A swap that switches several stages at one batch does so from this one on.
    pipeline_->install_posted_switch(next_sequence_, *state_);
    runtime::BlockRecycler* recycler = recycler_;
    GraphOrder* order = order_;
    auto batch = BatchPtr(new sdk::Batch(next_sequence_++, arena_hint_, recycler->storage()), [recycler, order](sdk::Batch* b) {
      received(b);
      std::string input = std::move(b->input());
      delete b;
      recycler->give_back_input_buffer(std::move(input));
      sent(&order->done);
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
    body.set_batch(batch.get());
    return batch;
  }

 private:
  runtime::Pipeline* pipeline_;
  runtime::RunState* state_;
  runtime::BlockRecycler* recycler_;
  GraphOrder* order_;
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
    GraphOrder order;
    flow::input_node<BatchPtr> source(g, SourceBody(pipeline, state, recycler, order));
    flow::limiter_node<BatchPtr> limiter(g, pipeline.max_in_flight());
    flow::make_edge(source, limiter);

    // A sequencer goes before every serial node, the sink included, even right after another
    // serial node: a serial function_node may start its next body before it hands on the
    // batch of the previous one (oneTBB spawns the postponed body first), so its output is
    // not reliably in order.
    std::vector<std::unique_ptr<flow::graph_node>> nodes;
    flow::sender<BatchPtr>* previous = &limiter;
    auto add_sequencer = [&] {
      auto seq = std::make_unique<flow::sequencer_node<BatchPtr>>(g, [](const BatchPtr& b) -> std::size_t {
        BatchPtr batch = take_from_task(b);
        received(batch.get());
        return batch->sequence();
      });
      flow::make_edge(*previous, *seq);
      previous = seq.get();
      nodes.push_back(std::move(seq));
    };

    for (auto& slot_ptr : pipeline.transforms()) {
      runtime::StageSlot* slot = slot_ptr.get();
      bool serial = slot->concurrency() == 1;
      if (serial && slot->current()->preparing) {
        // The order-independent part of a serial stage's work, on any number of batches at
        // once, before the sequencer that puts them back in order for process().
        auto prepare = std::make_unique<flow::function_node<BatchPtr, BatchPtr>>(
            g, static_cast<std::size_t>(pipeline.threads()), [slot, &order](const BatchPtr& in) {
              BatchPtr batch = take_from_task(in);
              BodyOrder body(order, nullptr, batch.get());
              runtime::call_prepare(*slot, *batch);
              return batch;
            });
        flow::make_edge(*previous, *prepare);
        previous = prepare.get();
        nodes.push_back(std::move(prepare));
      }
      if (serial) add_sequencer();
      auto node = std::make_unique<flow::function_node<BatchPtr, BatchPtr>>(
          g, serial ? static_cast<std::size_t>(flow::serial) : static_cast<std::size_t>(slot->concurrency()),
          [slot, serial, &state, &order](const BatchPtr& in) {
            BatchPtr batch = take_from_task(in);
            BodyOrder body(order, serial ? slot : nullptr, batch.get());
            runtime::call_transform(*slot, *batch, state);
            return batch;
          });
      flow::make_edge(*previous, *node);
      previous = node.get();
      nodes.push_back(std::move(node));
    }

    add_sequencer();
    runtime::StageSlot* sink = &pipeline.sink();
    runtime::StageSlot* dead_letter = pipeline.dead_letter();
    flow::function_node<BatchPtr, flow::continue_msg> sinks(g, flow::serial, [=, &state, &order](const BatchPtr& in) {
      BatchPtr batch = take_from_task(in);
      BodyOrder body(order, sink, batch.get());
      runtime::call_sinks(*sink, dead_letter, *batch, state);
      state.note_batch_committed();
      state.committed_below.store(batch->sequence() + 1, std::memory_order_release);
      state.batches_in_flight.fetch_sub(1, std::memory_order_relaxed);
      return flow::continue_msg();
    });
    flow::make_edge(*previous, sinks);
    flow::make_edge(sinks, limiter.decrementer());

    sent(&order.built);
    source.activate();
    g.wait_for_all();
    received(&order.done);
  });
}

}  // namespace sluice::graph
