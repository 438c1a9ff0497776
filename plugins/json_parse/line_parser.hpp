// Parses one input line into a Boost.JSON value, strictly (RFC 8259), reusing its buffers
// from line to line.
#pragma once

#include <sluice/plugins/common/short_bytes.hpp>

#include <boost/json/basic_parser.hpp>
#include <boost/json/error.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::json_parse {

// Where and why a line did not parse. `offset` is the 0-based byte offset in the line at which
// the parser stopped (the line's size when the input ended early).
struct ParseFailure {
  boost::json::error_code code;
  std::size_t offset = 0;
};

// Top-level member names whose object or array values are kept empty (json_parse's
// skip_contents option).
using SkippedNames = std::vector<common::BytePattern>;

// The Boost.JSON basic_parser handler that builds values on a value_stack, exactly like
// boost::json::parser's own handler, except that a number too large for a double is an
// error instead of an infinity (which JSON cannot represent, so no sink could write it back),
// and that the object or array value of a top-level member named in `skipped` is parsed and
// checked like any other but built empty: its events are not pushed, an empty container is.
class ValueBuilder {
 public:
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  // temp_buffer (temp_size bytes, aligned for boost::json::value) must outlive the builder;
  // temporaries beyond it are allocated from temp_storage and kept for later lines.
  // `skipped` (may be empty) must outlive the builder.
  ValueBuilder(boost::json::storage_ptr temp_storage, unsigned char* temp_buffer, std::size_t temp_size,
               const SkippedNames& skipped)
      : stack_(std::move(temp_storage), temp_buffer, temp_size),
        skipped_(skipped.data()),
        skipped_end_(skipped.data() + skipped.size()) {}

  boost::json::value_stack& stack() noexcept { return stack_; }
  // Starts a new document: forgets where the previous one stopped.
  void reset() noexcept {
    depth_ = 0;
    skip_from_ = 0;
    member_skipped_ = false;
    key_prefix_.clear();
  }

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_object_begin(boost::json::error_code&) {
    open_container();
    return true;
  }
  bool on_object_end(std::size_t n, boost::json::error_code&) {
    // Duplicate keys: the last one wins (Boost.JSON keeps the last).
    if (Build b = close_container(); b != Build::nothing) stack_.push_object(b == Build::all ? n : 0);
    return true;
  }
  bool on_array_begin(boost::json::error_code&) {
    open_container();
    return true;
  }
  bool on_array_end(std::size_t n, boost::json::error_code&) {
    if (Build b = close_container(); b != Build::nothing) stack_.push_array(b == Build::all ? n : 0);
    return true;
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    if (skip_from_ != 0) return true;
    if (depth_ == 1 && skipped_ != skipped_end_) key_prefix_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    if (skip_from_ != 0) return true;
    if (depth_ == 1 && skipped_ != skipped_end_)
      member_skipped_ = key_prefix_.empty() ? is_skipped(s.data(), s.size()) : is_skipped_in_parts(s);
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    if (skip_from_ == 0) stack_.push_chars(s);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    member_skipped_ = false;  // a skipped member's scalar value is kept
    if (skip_from_ == 0) stack_.push_string(s);
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_int64(std::int64_t i, boost::json::string_view, boost::json::error_code&) {
    member_skipped_ = false;
    if (skip_from_ == 0) stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view, boost::json::error_code&) {
    member_skipped_ = false;
    if (skip_from_ == 0) stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, boost::json::string_view, boost::json::error_code& ec);
  bool on_bool(bool b, boost::json::error_code&) {
    member_skipped_ = false;
    if (skip_from_ == 0) stack_.push_bool(b);
    return true;
  }
  bool on_null(boost::json::error_code&) {
    member_skipped_ = false;
    if (skip_from_ == 0) stack_.push_null();
    return true;
  }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

 private:
  // An object or array opens: the value of a skipped member starts skipping.
  void open_container() noexcept {
    ++depth_;
    if (member_skipped_) {
      member_skipped_ = false;
      skip_from_ = depth_;
    }
  }
  // What an object or array that closes becomes: built of the members pushed for it (all),
  // built empty (the skipped value itself), or nothing (it lies inside a skipped value).
  enum class Build { all, empty, nothing };
  Build close_container() noexcept {
    const std::size_t depth = depth_--;
    if (skip_from_ == 0) return Build::all;
    if (depth != skip_from_) return Build::nothing;
    skip_from_ = 0;
    return Build::empty;
  }
  bool is_skipped(const char* key, std::size_t size) const noexcept {
    for (const common::BytePattern* name = skipped_; name != skipped_end_; ++name)
      if (name->matches(key, size)) return true;
    return false;
  }
  // Whether the top-level key read in parts (it had escapes), ending in `last`, is skipped.
  bool is_skipped_in_parts(boost::json::string_view last);

  boost::json::value_stack stack_;
  const common::BytePattern* skipped_;  // the names of SkippedNames, which outlives the builder
  const common::BytePattern* skipped_end_;
  std::size_t depth_ = 0;      // containers open
  std::size_t skip_from_ = 0;  // depth of the skipped value being read, 0 when none
  bool member_skipped_ = false;  // the top-level key just read is skipped: its value is next
  std::string key_prefix_;  // a top-level key read in parts (escapes), until its last part
};

// Parses lines one at a time. Not thread-safe: create one per thread (process() keeps one on
// its stack). The object is large (it holds its first temporary buffer), and not movable.
class LineParser {
 public:
  // `skipped` (json_parse's skip_contents; may be empty) must outlive the parser.
  LineParser(std::size_t max_depth, const SkippedNames& skipped);
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
