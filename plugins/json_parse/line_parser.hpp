// Parses one input line into a Boost.JSON value, strictly (RFC 8259), reusing its buffers
// from line to line.
#pragma once

#include <boost/json/basic_parser.hpp>
#include <boost/json/error.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>
#include <cstddef>
#include <string_view>

namespace sluice::plugins::json_parse {

// Where and why a line did not parse. `offset` is the 0-based byte offset in the line at which
// the parser stopped (the line's size when the input ended early).
struct ParseFailure {
  boost::json::error_code code;
  std::size_t offset = 0;
};

// The Boost.JSON basic_parser handler that builds values on a value_stack, exactly like
// boost::json::parser's own handler, except that a number too large for a double is an
// error instead of an infinity (which JSON cannot represent, so no sink could write it back).
class ValueBuilder {
 public:
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  // temp_buffer (temp_size bytes, aligned for boost::json::value) must outlive the builder;
  // temporaries beyond it are allocated from temp_storage and kept for later lines.
  ValueBuilder(boost::json::storage_ptr temp_storage, unsigned char* temp_buffer, std::size_t temp_size)
      : stack_(std::move(temp_storage), temp_buffer, temp_size) {}

  boost::json::value_stack& stack() noexcept { return stack_; }

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_object_begin(boost::json::error_code&) { return true; }
  bool on_object_end(std::size_t n, boost::json::error_code&) {
    stack_.push_object(n);  // duplicate keys: the last one wins (Boost.JSON keeps the last)
    return true;
  }
  bool on_array_begin(boost::json::error_code&) { return true; }
  bool on_array_end(std::size_t n, boost::json::error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_int64(std::int64_t i, boost::json::string_view, boost::json::error_code&) {
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view, boost::json::error_code&) {
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, boost::json::string_view, boost::json::error_code& ec);
  bool on_bool(bool b, boost::json::error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(boost::json::error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

 private:
  boost::json::value_stack stack_;
};

// Parses lines one at a time. Not thread-safe: create one per thread (process() keeps one on
// its stack). The object is large (it holds its first temporary buffer), and not movable.
class LineParser {
 public:
  explicit LineParser(std::size_t max_depth);
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;

  // Parses `line`, which must hold exactly one JSON value with optional JSON white space
  // around it, into `out`, allocated on `storage`. Returns false and fills `failure` when it
  // does not (out is then left as it was). Never throws for bad input; may throw
  // std::bad_alloc when memory runs out.
  bool parse(std::string_view line, const boost::json::storage_ptr& storage, boost::json::value& out,
             ParseFailure& failure);

 private:
  static constexpr std::size_t kTempBytes = 4096;
  alignas(boost::json::value) unsigned char temp_[kTempBytes];
  boost::json::basic_parser<ValueBuilder> parser_;
};

}  // namespace sluice::plugins::json_parse
