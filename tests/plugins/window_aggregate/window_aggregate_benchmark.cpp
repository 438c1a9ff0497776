// Hidden benchmarks, not run by default: `window_aggregate_test "[benchmark]"` prints the
// time per record of the reference configuration on reference-shaped records.
#include "stream_harness.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

using namespace window_aggregate_test;

namespace {

// Reference-shaped records (after parse, normalize and enrich), `batch_size` records a
// batch, timestamps 1 ms apart with +-3 s jitter, about 20% with an amount.
std::vector<std::unique_ptr<Batch>> reference_shaped_batches(std::size_t batches, std::size_t batch_size) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int> pick(0, 9999);
  std::lognormal_distribution<double> latency(3.5, 0.8);
  const char* types[] = {"page_view", "click", "search", "add_to_cart", "purchase", "signup"};
  const char* regions[] = {"NA", "LATAM", "EMEA", "APAC", "unknown"};
  const char* browsers[] = {"chrome", "firefox", "safari", "edge", "opera", "other"};
  std::vector<std::unique_ptr<Batch>> out;
  for (std::size_t b = 0; b < batches; ++b) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < batch_size; ++i) {
      const std::size_t n = b * batch_size + i;
      const int64_t ts = 1764115200000 + static_cast<int64_t>(n) + pick(rng) % 6000 - 3000;
      char buf[1024];
      std::snprintf(buf, sizeof buf,
                    R"({"id":"evt-%012zu","source":"web","event_type":"%s","user":{"id":"u-%d","country":"DE","plan":"pro"},)"
                    R"("session_id":"s-0123456789abcdef","url":"https://shop.example.com/p/1","user_agent":"Mozilla/5.0 Chrome/120",)"
                    R"("latency_ms":%.3f,%s"tags":["promo"],"payload":{"ab":"variant-a","screen":{"w":390,"h":844}},)"
                    R"("timestamp_ms":%lld,"browser":"%s","browser_major":120,"os":"windows","url_host":"shop.example.com",)"
                    R"("url_path":"/p/1","region":"%s"})",
                    n, types[pick(rng) % 6], pick(rng), latency(rng), pick(rng) % 10 < 2 ? R"("amount":12.5,)" : "",
                    static_cast<long long>(ts), browsers[pick(rng) % 6], regions[pick(rng) % 5]);
      lines.emplace_back(buf);
    }
    out.push_back(make_json_batch(lines, b, b * batch_size + 1));
  }
  return out;
}

// Runs the reference config over `batches` `passes` times (each pass shifted later in
// event time, so windows keep closing) and prints the time per record.
void benchmark(const char* label, std::vector<std::unique_ptr<Batch>>& batches, int passes) {
  auto t = make_stage<WindowAggregateStage>(kReferenceConfig);
  const std::size_t batch_size = batches.front()->size();
  const auto pass_shift = static_cast<int64_t>(batches.size() * batch_size);
  // Thread CPU time as well as wall time: on a shared machine the wall clock also counts
  // time this thread spent descheduled.
  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::nanoseconds(static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
  };
  std::chrono::nanoseconds total{0}, cpu_total{0};
  std::size_t touched = 0;
  uint64_t records = 0;
  for (int pass = 0; pass < passes; ++pass) {
    for (auto& batch : batches) {
      auto& recs = batch->records();
      recs.erase(recs.begin() + static_cast<std::ptrdiff_t>(batch_size), recs.end());  // last pass's rows
      for (Record& r : recs) {
        r.fate = Fate::alive;
        r.dead = nullptr;
        if (pass > 0) r.value.as_object()["timestamp_ms"].as_int64() += pass_shift;
      }
      // In a pipeline the previous stages have just read these records; read them all
      // once (untimed) so the batch sits in cache as it would there.
      for (const Record& r : recs) {
        for (const auto& kv : r.value.as_object()) {
          for (char c : kv.key()) touched += static_cast<unsigned char>(c);
          if (const json::string* str = kv.value().if_string())
            for (char c : *str) touched += static_cast<unsigned char>(c);
        }
      }
      const auto t0 = std::chrono::steady_clock::now();
      const auto c0 = cpu_now();
      run(*t.stage, *batch);
      cpu_total += cpu_now() - c0;
      total += std::chrono::steady_clock::now() - t0;
      records += batch_size;
    }
  }
  const double ns = static_cast<double>(total.count()) / static_cast<double>(records);
  const double cpu_ns = static_cast<double>(cpu_total.count()) / static_cast<double>(records);
  std::printf("window_aggregate (%s): %.1f ns/record wall, %.1f ns/record thread CPU, over %llu records\n", label, ns,
              cpu_ns, static_cast<unsigned long long>(records));
  CHECK(ns > 0);
  CHECK(touched > 0);
}

}  // namespace

TEST_CASE("throughput on reference-shaped records in 4096-record batches", "[.][benchmark]") {
  auto batches = reference_shaped_batches(25, 4096);
  benchmark("25 batches of 4096", batches, 8);
}

// The same with one small batch processed again and again: the records stay in the
// nearest caches, so this measures the stage's own work without memory stalls.
TEST_CASE("throughput on reference-shaped records held in cache", "[.][benchmark]") {
  auto batches = reference_shaped_batches(1, 256);
  benchmark("1 batch of 256, in cache", batches, 3200);
}
