// A rough per-record cost of schema_validate on valid reference events. Hidden from the
// default run; run it with: schema_validate_test "[bench]". Environment knobs:
//   SLUICE_SCHEMA_BENCH_INPUT    an NDJSON file of normalized events to use instead of the
//                                built-in ones
//   SLUICE_SCHEMA_BENCH_SCHEMA   a schema file to use instead of pipelines/event.schema.json
//   SLUICE_SCHEMA_BENCH_RECORDS  how many built-in events (default 100000)
//   SLUICE_SCHEMA_BENCH_ROUNDS   passes over all events; the best one counts (default 5)
// Reports thread CPU time per record, which a busy machine distorts less than wall time.
#include <time.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sluice/sdk/testing.hpp>
#include <string>
#include <vector>

#include "schema_validate.hpp"

namespace {

namespace sdk = sluice::sdk;
namespace testing = sluice::sdk::testing;
using sluice::plugins::schema_validate::SchemaValidateStage;

// Deterministic normalized events shaped like the reference generator's valid output.
std::vector<std::string> built_in_events(std::size_t n) {
  const char* sources[] = {"web", "ios", "android", "api"};
  const char* types[] = {"page_view", "click", "search", "add_to_cart", "purchase", "signup"};
  const char* countries[] = {"US", "DE", "FR", "JP", "BR", "XK", "IN", "GB"};
  const char* plans[] = {"free", "pro", "enterprise"};
  const char* tags[] = {"promo", "returning", "mobile", "beta", "newsletter", "sale", "vip", "ab-test"};
  std::vector<std::string> out;
  out.reserve(n);
  uint64_t state = 7;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state >> 33);
  };
  char id[32];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(id, sizeof id, "evt-%012zu", i + 1);
    const char* type = types[next() % 6];
    std::string s =
        std::string(R"({"id":")") + id + R"(","source":")" + sources[next() % 4] + R"(","timestamp_ms":)" +
        std::to_string(1795651200000ull + i) + R"(,"event_type":")" + type + R"(","user":{"id":"u-)" +
        std::to_string(next() % 50000) + R"(","country":")" + countries[next() % 8] + R"(","plan":")" +
        plans[next() % 3] + R"("},"session_id":"s-0123456789abcdef","url":"https://shop.example.com/p/)" +
        std::to_string(next() % 9999) +
        R"(","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) )"
        R"(Chrome/120.0.0.0 Safari/537.36","latency_ms":)" +
        std::to_string(next() % 200000 / 1000.0);
    if (type[0] == 'p' && type[1] == 'u') s += R"(,"amount":)" + std::to_string(next() % 50000 / 100.0);
    s += R"(,"tags":[)";
    for (uint32_t t = 0, k = next() % 4; t < k; ++t) s += (t ? ",\"" : "\"") + std::string(tags[next() % 8]) + "\"";
    s += R"(],"payload":{"ab":"variant-a","screen":{"w":390,"h":844},"referrer":"",)"
         R"("experiment":{"id":3,"arm":"control"}}})";
    out.push_back(std::move(s));
  }
  return out;
}

std::size_t env_count(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  return v && std::atoll(v) > 0 ? static_cast<std::size_t>(std::atoll(v)) : fallback;
}

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::vector<std::string> file_events(const char* path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("validation of valid reference events costs well under a microsecond each", "[.][bench]") {
  const char* input = std::getenv("SLUICE_SCHEMA_BENCH_INPUT");
  std::vector<std::string> lines =
      input ? file_events(input) : built_in_events(env_count("SLUICE_SCHEMA_BENCH_RECORDS", 100000));
  REQUIRE(!lines.empty());
  const char* schema = std::getenv("SLUICE_SCHEMA_BENCH_SCHEMA");
  auto stage =
      testing::make_stage<SchemaValidateStage>(std::string("schema: ") + (schema ? schema : "event.schema.json"),
                                               "validate", std::filesystem::path(SLUICE_SOURCE_DIR) / "pipelines");
  constexpr std::size_t kBatch = 4096;
  std::vector<std::unique_ptr<sdk::Batch>> batches;
  for (std::size_t i = 0; i < lines.size(); i += kBatch) {
    std::vector<std::string> part(lines.begin() + i, lines.begin() + std::min(lines.size(), i + kBatch));
    batches.push_back(testing::make_json_batch(part, batches.size()));
  }

  double best_ns = 1e300;
  const std::size_t rounds = env_count("SLUICE_SCHEMA_BENCH_ROUNDS", 5);
  for (std::size_t round = 0; round < rounds; ++round) {
    double start = thread_cpu_ns();
    for (auto& b : batches) testing::run(*stage.stage, *b, "validate");
    best_ns = std::min(best_ns, thread_cpu_ns() - start);
  }
  uint64_t dead = 0;
  for (auto& b : batches) dead += b->counts().dead;
  std::printf("schema_validate: %zu records (%llu dead), best of %zu: %.1f ns/record\n", lines.size(),
              static_cast<unsigned long long>(dead), rounds, best_ns / static_cast<double>(lines.size()));
  if (!input) CHECK(dead == 0);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  CHECK(best_ns / static_cast<double>(lines.size()) < 1000.0);
#endif
}
