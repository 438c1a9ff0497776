#include "line_parser.hpp"

// The parser's implementation; included in exactly one translation unit per handler type.
#include <boost/json/basic_parser_impl.hpp>
// And all of Boost.JSON's, so that the parser's calls into it can be inlined (see CMakeLists.txt).
#include <boost/json/src.hpp>
#include <cmath>

namespace sluice::plugins::json_parse {

namespace {

boost::json::parse_options strict_options(std::size_t max_depth) {
  boost::json::parse_options options;  // defaults are strict RFC 8259: no comments,
  options.max_depth = max_depth;       // no trailing commas, no invalid UTF-8
  options.allow_comments = false;
  options.allow_trailing_commas = false;
  options.allow_invalid_utf8 = false;
  return options;
}

}  // namespace

bool ValueBuilder::on_double(double d, boost::json::string_view, boost::json::error_code& ec) {
  // Only overflow can produce a non-finite value here: NaN and Infinity are not JSON tokens.
  // Checked inside skipped values too, so that they fail exactly where a full parse fails.
  if (!std::isfinite(d)) {
    ec = boost::json::error::exponent_overflow;
    return false;
  }
  member_skipped_ = false;
  if (skip_from_ == 0) stack_.push_double(d);
  return true;
}

bool ValueBuilder::is_skipped_in_parts(boost::json::string_view last) {
  key_prefix_.append(last.data(), last.size());  // the whole key, decoded
  const bool skipped = is_skipped(key_prefix_.data(), key_prefix_.size());
  key_prefix_.clear();
  return skipped;
}

// Temporaries beyond temp_ (only for values with thousands of elements) come from the default
// heap resource rather than the batch arena: they are freed when the parser goes away instead
// of staying in the arena until the batch is written.
LineParser::LineParser(std::size_t max_depth, const SkippedNames& skipped)
    : parser_(strict_options(max_depth), boost::json::storage_ptr(), temp_, kTempBytes, skipped) {}

bool LineParser::parse(std::string_view line, const boost::json::storage_ptr& storage, boost::json::value& out,
                       ParseFailure& failure) {
  parser_.reset();
  parser_.handler().reset();
  parser_.handler().stack().reset(storage);
  boost::json::error_code ec;
  // more = false: the line is the whole document, so an early end is an error, not a pause.
  const std::size_t consumed = parser_.write_some(false, line.data(), line.size(), ec);
  if (!ec && consumed < line.size()) {
    // write_some stops after the value and the white space that follows it.
    ec = boost::json::error::extra_data;
  }
  if (ec) {
    failure.code = ec;
    failure.offset = consumed;
    return false;
  }
  out = parser_.handler().stack().release();
  return true;
}

}  // namespace sluice::plugins::json_parse
