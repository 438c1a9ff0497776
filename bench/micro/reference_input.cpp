#include "reference_input.hpp"

#include <boost/json/parse.hpp>
#include <fstream>
#include <sluice/sdk/testing.hpp>
#include <sluice/sdk/yaml_config.hpp>
#include <stdexcept>
#include <string_view>

#include "json_parse.hpp"
#include "normalize.hpp"
#include "regex_enrich.hpp"
#include "schema_validate.hpp"

namespace sluice::bench {
namespace {

namespace fs = std::filesystem;

const fs::path kPipelinesDir = SLUICE_PIPELINES_DIR;
const fs::path kReferencePipeline = kPipelinesDir / "reference.yaml";

// A stage of reference.yaml and the plugin behind it.
struct ReferenceStage {
  std::string name;
  std::unique_ptr<sdk::Transform> stage;
};

// Finds the stage whose plugin is `plugin` (any version requirement) in reference.yaml and
// initialises a StageT with its config, resolving resources as the host does.
template <class StageT>
ReferenceStage load_stage(const YAML::Node& stages, std::string_view plugin) {
  for (const YAML::Node& s : stages) {
    std::string name = s["plugin"].as<std::string>();
    name = name.substr(0, name.find('@'));
    if (name != plugin) continue;
    ReferenceStage out{s["name"] ? s["name"].as<std::string>() : name, std::make_unique<StageT>()};
    // A stage without `config:` gets a null node, as the host gives it.
    const YAML::Node config_yaml = s["config"] ? s["config"] : YAML::Node(YAML::NodeType::Null);
    sdk::ConfigNode config = sdk::config_from_yaml(config_yaml, kReferencePipeline.string());
    sdk::InitContext ctx{out.name, config, kPipelinesDir};
    out.stage->init(ctx);
    return out;
  }
  throw std::runtime_error(kReferencePipeline.string() + " has no stage with plugin " + std::string(plugin));
}

struct ReferenceStages {
  ReferenceStage parse, normalize, validate, enrich;

  ReferenceStages() {
    YAML::Node pipeline = YAML::LoadFile(kReferencePipeline.string());
    const YAML::Node& stages = pipeline["stages"];
    parse = load_stage<plugins::json_parse::JsonParseStage>(stages, "json_parse");
    normalize = load_stage<plugins::normalize::NormalizeStage>(stages, "normalize");
    validate = load_stage<plugins::schema_validate::SchemaValidateStage>(stages, "schema_validate");
    enrich = load_stage<plugins::regex_enrich::RegexEnrichStage>(stages, "regex_enrich");
  }

  ReferenceStage& at(Step step) {
    switch (step) {
      case Step::parse:
        return parse;
      case Step::normalize:
        return normalize;
      case Step::validate:
        return validate;
      case Step::enrich:
        return enrich;
      case Step::raw:
        break;
    }
    throw std::invalid_argument("no reference stage for Step::raw");
  }
};

ReferenceStages& reference_stages() {
  static ReferenceStages stages;
  return stages;
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

const std::vector<std::string>& sample_lines() {
  static const std::vector<std::string> lines = [] {
    std::ifstream in(SLUICE_MICRO_SAMPLE, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " SLUICE_MICRO_SAMPLE);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!is_blank(line)) out.push_back(std::move(line));
    }
    if (out.size() < 2 * kBatchRecords)
      throw std::runtime_error(SLUICE_MICRO_SAMPLE " holds fewer than 2 batches of records");
    return out;
  }();
  return lines;
}

const std::vector<boost::json::object>& sample_objects() {
  static const std::vector<boost::json::object> objects = [] {
    std::vector<boost::json::object> out;
    for (const std::string& line : sample_lines()) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(line, ec);
      if (!ec && v.is_object()) out.push_back(std::move(v.get_object()));
    }
    return out;
  }();
  return objects;
}

sdk::Transform& reference_stage(Step step) { return *reference_stages().at(step).stage; }

void run_stage(Step step, sdk::Batch& batch) {
  ReferenceStage& s = reference_stages().at(step);
  sdk::testing::run(*s.stage, batch, s.name);
}

std::unique_ptr<sdk::Batch> sample_batch(std::size_t index, Step through) {
  const std::vector<std::string>& lines = sample_lines();
  std::vector<std::string> part;
  part.reserve(kBatchRecords);
  const std::size_t first = index * kBatchRecords;
  for (std::size_t i = 0; i < kBatchRecords; ++i) part.push_back(lines[(first + i) % lines.size()]);
  auto batch = sdk::testing::make_raw_batch(part, index, first % lines.size() + 1);
  for (Step step : {Step::parse, Step::normalize, Step::validate, Step::enrich}) {
    if (static_cast<int>(step) > static_cast<int>(through)) break;
    run_stage(step, *batch);
  }
  return batch;
}

}  // namespace sluice::bench
