#include "ndjson_sink.hpp"

#include "json_writer.hpp"

namespace sluice::plugins::ndjson_sink {
namespace {

// Output is handed to the OS at the end of every batch, and sooner past this size.
constexpr std::size_t kFlushBytes = 4u << 20;
constexpr std::size_t kInitialBuffer = 1u << 20;

}  // namespace

void NdjsonSink::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  role_ = ctx.sink_role;
  const sdk::ConfigNode* path = config.find("path");
  if (path == nullptr || path->is_null())
    config.fail("ndjson_sink needs a `path`", "path: out.ndjson, or path: \"-\" for stdout");
  path_ = path->as_string();
  if (path_.empty()) path->fail("path must not be empty", "use \"-\" for stdout");

  if (const sdk::ConfigNode* n = config.find("write"); n && !n->is_null()) {
    const std::string write = n->as_string();
    if (write == "value")
      format_ = Format::value;
    else if (write == "raw")
      format_ = Format::raw;
    else
      n->fail("write must be value or raw, found '" + write + "'",
              "raw writes the input lines as read, for records never parsed");
  }
  append_ = config.get_bool("append", false);
  // Field pruning: a dead letter is written from its reason and raw line, never from its fields.
  // Records are written whole, so their sink declares nothing (every field is read).
  if (ctx.field_use != nullptr && role_ == sdk::SinkRole::dead_letters) ctx.field_use->reads(sdk::FieldSet());
  sync_every_batch_ = config.get_bool("flush_every_batch", false);
  keep_line_numbers_ = config.get_bool("keep_line_numbers", false);
  if (keep_line_numbers_ && (format_ != Format::raw || role_ != sdk::SinkRole::records))
    config.at("keep_line_numbers").fail("keep_line_numbers needs write: raw, for the records output");
}

void NdjsonSink::start() {
  file_.open(path_, append_);
  buffer_.clear();
  buffer_.reserve(kInitialBuffer);
  last_line_ = 0;
}

void NdjsonSink::stop() {
  if (!file_.is_open()) return;
  flush_buffer();
  if (sync_every_batch_) file_.sync();
  file_.close();
}

void NdjsonSink::write(const sdk::Batch& batch) {
  const sdk::Fate wanted = role_ == sdk::SinkRole::dead_letters ? sdk::Fate::dead : sdk::Fate::alive;
  bool wrote = false;
  for (const sdk::Record& r : batch.records()) {
    if (r.fate != wanted) continue;
    append_record(r);
    wrote = true;
    if (buffer_.size() >= kFlushBytes) flush_buffer();
  }
  flush_buffer();
  if (wrote && sync_every_batch_) file_.sync();
}

void NdjsonSink::append_record(const sdk::Record& r) {
  if (role_ == sdk::SinkRole::dead_letters) {
    if (format_ == Format::raw)
      buffer_.append(r.raw);
    else
      append_dead_letter(buffer_, r);
  } else if (format_ == Format::raw && (!r.raw.empty() || r.line != 0)) {
    if (keep_line_numbers_ && r.line > last_line_) {
      // An empty line for each line number the source skipped (blank input lines).
      if (last_line_ + 1 < r.line) buffer_.append(r.line - last_line_ - 1, '\n');
      last_line_ = r.line;
    }
    buffer_.append(r.raw);
  } else {
    append_json_value(buffer_, r.value);  // also records a stage emitted, which have no raw text
  }
  buffer_ += '\n';
}

void NdjsonSink::flush_buffer() {
  if (buffer_.empty()) return;
  file_.write_all(buffer_);
  buffer_.clear();
}

}  // namespace sluice::plugins::ndjson_sink
