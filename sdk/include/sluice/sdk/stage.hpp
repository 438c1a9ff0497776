// The stage interfaces a plugin implements: Source, Transform (or PreparingTransform) and Sink.
#pragma once

#include <sluice/sdk/batch.hpp>
#include <sluice/sdk/config.hpp>
#include <sluice/sdk/fields.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace sluice::sdk {
inline namespace v1 {

enum class StageKind : uint32_t { source = 1, transform = 2, sink = 3 };

// How the host may call a stage's batch method.
enum class Threading : uint32_t {
  reentrant = 1,  // process() may run on several batches at once, from several threads
  serial = 2,     // one batch at a time, in source order (stateful stages, sinks)
};

// What a sink instance is writing: the pipeline's output or its dead letters.
enum class SinkRole : uint32_t { records = 1, dead_letters = 2 };

// Everything a stage learns at init(). Valid only during init(): copy what you keep.
struct InitContext {
  std::string_view stage_name;
  // The stage's `config:` map (a null node when the pipeline gave none).
  const ConfigNode& config;
  // Directory of the pipeline file: relative resource paths (schemas, rule files, tables)
  // resolve against it. Data paths (inputs, outputs) resolve against the working directory.
  std::filesystem::path pipeline_dir;
  // The pipeline's batch_size (records per batch a source should produce).
  uint32_t batch_size = 4096;
  // For sinks: which records this instance receives.
  SinkRole sink_role = SinkRole::records;
  // True under `sluice check`: validate the config and load resources, but open no input,
  // output or connection (start() is not called).
  bool check_only = false;
  // SDK ABI 1.2, field pruning (see fields.hpp). Both point to host objects that outlive init().
  // The top-level fields that the stages after this one, and the sinks, read from the records
  // it passes on: a transform may leave a field outside this set uncomputed (a field it writes
  // under a parent, which could fail, it should still write). Null or every() when pruning is
  // off or a stage downstream reads whole records.
  const FieldSet* wanted = nullptr;
  // Where the stage declares which fields it reads (FieldUse::reads). Untouched: every field.
  FieldUse* field_use = nullptr;

  std::filesystem::path resource_path(const std::string& path) const {
    std::filesystem::path p(path);
    return p.is_absolute() || pipeline_dir.empty() ? p : pipeline_dir / p;
  }
};

// Base of every stage. Created by the plugin's factory on the host's main thread, destroyed
// by the host before the plugin's library is unloaded. init(), start(), stop(), snapshot()
// and restore() are control-plane calls, made from one thread with no batch in flight in
// this instance; they report problems by throwing (ConfigError for config problems).
class Stage {
 public:
  virtual ~Stage() = default;
  // Reads and validates the config; loads resources (schemas, rule files).
  virtual void init(const InitContext& ctx) = 0;
  // Opens inputs, outputs and connections, before the first batch. Not called by `check`.
  virtual void start() {}
  // Flushes and closes, after the last batch (also after a stop on signal or error).
  virtual void stop() {}
  // State hand-over for a hot swap of a stateful stage: snapshot() on the old version,
  // restore() on the new one, between two batches. The format is the plugin's own and should
  // carry a version; restore() throws on a state it cannot read, and the swap rolls back.
  virtual std::string snapshot() { return {}; }
  virtual void restore(std::string_view /*state*/) {}
};

// Reading progress a source may report (for the progress line and metrics).
struct Progress {
  uint64_t done_bytes = 0;
  uint64_t total_bytes = 0;  // 0 when unknown (stdin, endless generators)
};

// Produces batches. next() is called from one thread at a time, never concurrently.
class Source : public Stage {
 public:
  // Adds up to the configured batch size of records to `batch` (raw text and line number;
  // values may stay null for a parse stage to fill). Returns false when the input is
  // exhausted; records added by that last call are still processed.
  virtual bool next(Batch& batch) = 0;
  virtual Progress progress() const { return {}; }
};

// Changes records in place: modifies values, filters, dead-letters, absorbs, emits.
// Reentrant transforms must make process() safe to call concurrently on different batches.
// process() should not throw for bad records (dead-letter them); a throw fails the whole
// batch into the dead letter with reason `stage_error`, or stops the pipeline (on_error: fail).
class Transform : public Stage {
 public:
  virtual void process(Batch& batch) = 0;
};

// A serial transform that does part of each batch's work concurrently (SDK ABI 1.1). The host
// calls prepare() on several batches at once, from several threads and in any order, and then
// process() on each of them one at a time in source order, as for any serial transform, so
// that the order-independent part of the work (reading fields, building keys) leaves the
// serial path. Declare it with Threading::serial.
//
// prepare() only reads the batch. What it computes stays with the stage until process() takes
// it (keyed by batch.sequence(), say). It may run concurrently with every other call of the
// stage, process(), snapshot() and restore() included, so it may only read the configuration
// and touch its own results, under a lock. process() must give the same result whether
// prepare() ran on the batch or not: after a hot swap, the new version gets batches that the
// old one prepared. A throw from prepare() is ignored (process() then does all the work), so
// prepare() must keep nothing from a batch it did not finish.
class PreparingTransform : public Transform {
 public:
  virtual void prepare(const Batch& batch) = 0;
};

// Writes records out. Called serially and in source order. write() sees every batch; it
// writes the records of its role (alive records, or dead ones for SinkRole::dead_letters).
// When write() returns, the batch's records are committed (or handed to the OS).
class Sink : public Stage {
 public:
  virtual void write(const Batch& batch) = 0;
};

}  // namespace v1
}  // namespace sluice::sdk
