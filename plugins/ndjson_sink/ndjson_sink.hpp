// The ndjson_sink stage: records or dead letters as one JSON value per line.
#pragma once

#include "output_file.hpp"

#include <sluice/sdk.hpp>

#include <cstdint>
#include <string>

namespace sluice::plugins::ndjson_sink {

// Writes a batch's alive records (SinkRole::records) or its dead letters
// (SinkRole::dead_letters) to a file or stdout, one line each, with one write(2) per batch
// (or per few MiB of output). Serial: write() is called one batch at a time, in order.
class NdjsonSink final : public sdk::Sink {
 public:
  void init(const sdk::InitContext& ctx) override;
  // Opens (creates, truncates or appends to) the output; throws std::runtime_error on failure.
  void start() override;
  void stop() override;
  void write(const sdk::Batch& batch) override;

 private:
  enum class Format { value, raw };

  void append_record(const sdk::Record& r);
  void flush_buffer();

  std::string path_;
  Format format_ = Format::value;
  bool append_ = false;
  bool sync_every_batch_ = false;
  bool keep_line_numbers_ = false;
  sdk::SinkRole role_ = sdk::SinkRole::records;

  OutputFile file_;
  std::string buffer_;
  uint64_t last_line_ = 0;  // for keep_line_numbers
};

}  // namespace sluice::plugins::ndjson_sink
