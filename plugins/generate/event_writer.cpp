#include "event_writer.hpp"

#include "event_catalog.hpp"
#include "rfc3339.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace sluice::plugins::generate {

// What is wrong with an event, if anything. Schema-invalid kinds parse as JSON objects but
// break the reference schema even after normalization; malformed kinds are not JSON objects.
enum class EventWriter::Defect : uint8_t {
  none,
  // schema-invalid
  no_id,
  bad_id,
  latency_string,
  latency_negative,
  no_latency,
  unknown_event_type,
  bad_timestamp,
  bad_country,
  user_not_object,
  no_user,
  empty_user_id,
  bad_plan,
  bad_source,
  negative_amount,
  too_many_tags,
  non_string_tag,
  // malformed
  truncated,
  trailing_comma,
  missing_quote,
  nan_latency,
  not_an_object,
  double_brace,
  byte_order_mark,
  invalid_utf8,
  comment,
  raw_control_char,
};

namespace {

constexpr uint8_t kFirstInvalid = 1;
constexpr uint8_t kInvalidKinds = 16;
constexpr uint8_t kFirstMalformed = kFirstInvalid + kInvalidKinds;
constexpr uint8_t kMalformedKinds = 10;

// Appends text at a position the caller has sized (EventWriter::kMaxStepBytes per step).
class Cursor {
 public:
  explicit Cursor(char* p) noexcept : p_(p) {}
  char* pos() const noexcept { return p_; }
  void move_to(char* p) noexcept { p_ = p; }

  void put(char c) noexcept { *p_++ = c; }
  void put(std::string_view s) noexcept {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void put_uint(uint64_t v) noexcept { p_ = std::to_chars(p_, p_ + 20, v).ptr; }
  void put_padded(uint64_t v, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
      p_[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p_ += width;
  }
  // scaled / 10^decimals with exactly `decimals` fraction digits ("12.345").
  void put_decimal(uint64_t scaled, int decimals) noexcept {
    uint64_t unit = 1;
    for (int i = 0; i < decimals; ++i) unit *= 10;
    put_uint(scaled / unit);
    put('.');
    put_padded(scaled % unit, decimals);
  }
  void put_hex(uint64_t v, int digits) noexcept {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) {
      p_[i] = kHex[v & 15];
      v >>= 4;
    }
    p_ += digits;
  }
  void put_lower(std::string_view s) noexcept {
    for (char c : s) put(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  void put_string(std::string_view s) noexcept {
    put('"');
    put(s);
    put('"');
  }
  // `"name":`, after a comma unless it is the object's first field.
  void field(std::string_view name) noexcept {
    if (!first_field_) put(',');
    first_field_ = false;
    put('"');
    put(name);
    put("\":");
  }

 private:
  char* p_;
  bool first_field_ = true;
};

void write_url(Cursor& c, Rng& rng, bool invalid_utf8) noexcept {
  const uint64_t scheme = rng.below(1000);
  if (scheme < 5) {
    c.put("ftp://files.example.com/pub/archive.zip");  // matches no http(s) URL rule
    if (invalid_utf8) c.put("\xFF");
    return;
  }
  c.put(scheme < 50 ? "http://" : "https://");
  c.put(kHosts.pick(rng));
  const uint64_t kind = rng.below(100);
  if (kind < 25) {
    c.put('/');
  } else if (kind < 28) {
    // the bare host: its path counts as "/"
  } else if (kind < 45) {
    c.put("/p/");
    c.put_uint(static_cast<uint64_t>(rng.between(1, 99999)));
  } else if (kind < 60) {
    c.put("/c/");
    c.put(kTags[rng.below(kTags.size())]);
  } else if (kind < 75) {
    c.put("/search?q=");
    c.put(kSearchTerms[rng.below(kSearchTerms.size())]);
    c.put("&page=");
    c.put_uint(static_cast<uint64_t>(rng.between(1, 5)));
  } else if (kind < 85) {
    c.put("/cart");
  } else if (kind < 92) {
    c.put("/checkout");
  } else {
    c.put("/account/orders?tab=open");
  }
  if (invalid_utf8) c.put("/r\xFF");
  if (rng.chance(0.08)) c.put(rng.chance(0.5) ? "#reviews" : "#top");
}

void write_country(Cursor& c, Rng& rng) noexcept {
  const std::string_view code = kCountries.pick(rng);
  const uint64_t variant = rng.below(100);
  if (variant < 80) {
    c.put(code);
  } else if (variant < 90) {
    c.put_lower(code);
  } else if (variant < 95) {
    c.put(' ');
    c.put_lower(code);
    c.put(' ');
  } else if (variant < 98) {
    c.put(code);
    c.put("  ");
  } else {
    c.put("\\t");  // an escaped tab, trimmed by normalization once parsed
    c.put_lower(code);
  }
}

TimestampForm draw_timestamp_form(Rng& rng) noexcept {
  const uint64_t form = rng.below(100);
  if (form < 82) return TimestampForm::millis_utc;
  if (form < 87) return TimestampForm::seconds_utc;
  if (form < 92) return TimestampForm::micros_utc;
  if (form < 94) return TimestampForm::nanos_utc;
  if (form < 98) return TimestampForm::millis_plus_2;
  return TimestampForm::millis_minus_5_30;
}

}  // namespace

EventWriter::EventWriter(uint64_t seed, const EventMix& mix) noexcept : rng_(seed), mix_(mix) {}

EventWriter::Defect EventWriter::draw_defect() noexcept {
  const double quality = rng_.unit();
  if (quality < mix_.invalid_rate) return static_cast<Defect>(kFirstInvalid + rng_.below(kInvalidKinds));
  if (quality < mix_.invalid_rate + mix_.malformed_rate)
    return static_cast<Defect>(kFirstMalformed + rng_.below(kMalformedKinds));
  return Defect::none;
}

EventWriter::Step EventWriter::write_next(char* out) noexcept {
  const uint64_t index = index_++;
  const Defect defect = draw_defect();
  std::size_t size;
  if (defect == Defect::not_an_object) {
    const std::string_view line = kNotObjects[rng_.below(kNotObjects.size())];
    std::memcpy(out, line.data(), line.size());
    size = line.size();
  } else {
    size = static_cast<std::size_t>(write_event(out, index, defect) - out);
    size = malform(out, size, defect);
  }
  std::size_t bytes = size;
  out[bytes++] = '\n';
  uint32_t lines = 1;
  if (rng_.chance(mix_.blank_rate)) {
    const std::string_view blank = kBlankLines[rng_.below(kBlankLines.size())];
    std::memcpy(out + bytes, blank.data(), blank.size());
    bytes += blank.size();
    out[bytes++] = '\n';
    lines = 2;
  }
  return Step{size, bytes, lines};
}

char* EventWriter::write_event(char* out, uint64_t index, Defect defect) noexcept {
  Cursor c(out);
  c.put('{');

  if (defect != Defect::no_id) {
    c.field("id");
    c.put("\"evt-");
    if (defect == Defect::bad_id)
      c.put_padded((index + 1) % 100'000'000'000ULL, 11);
    else
      c.put_padded((index + 1) % 1'000'000'000'000ULL, 12);
    c.put('"');
  }

  const bool has_source = !rng_.chance(0.015);
  if (defect == Defect::bad_source) {
    c.field("src");
    c.put_string("desktop");
  } else if (has_source) {
    c.field("src");
    c.put_string(kSources.pick(rng_));
  }

  int64_t ms = mix_.start_ms +
               static_cast<int64_t>(static_cast<double>(index) * 1000.0 / mix_.events_per_second) +
               rng_.between(-2000, 2000);
  if (rng_.chance(mix_.late_rate)) ms -= rng_.between(90'000, 240'000);  // far past allowed lateness
  ms = std::max<int64_t>(ms, 0);
  const TimestampForm form = draw_timestamp_form(rng_);
  const uint32_t sub_millis = static_cast<uint32_t>(rng_.below(1'000'000));
  c.field("ts");
  c.put('"');
  if (defect == Defect::bad_timestamp)
    c.put(kBadTimestamps[rng_.below(kBadTimestamps.size())]);
  else
    c.move_to(write_timestamp(c.pos(), ms, form, sub_millis));
  c.put('"');

  const std::size_t type = kEventTypes.pick_index(rng_);
  const uint64_t spelling = rng_.below(100);
  c.field("event_type");
  c.put('"');
  if (defect == Defect::unknown_event_type)
    c.put(kBadEventTypes[rng_.below(kBadEventTypes.size())]);
  else
    c.put(kEventTypeSpellings[type][spelling < 76 ? 0 : spelling < 90 ? 1 : 2]);
  c.put('"');

  const uint64_t user_id = static_cast<uint64_t>(rng_.between(1, 80'000));
  if (defect == Defect::user_not_object) {
    c.field("user");
    c.put("\"u-");
    c.put_uint(user_id);
    c.put('"');
  } else if (defect != Defect::no_user) {
    c.field("user");
    c.put("{\"id\":\"");
    if (defect != Defect::empty_user_id) {
      c.put("u-");
      c.put_uint(user_id);
    }
    c.put("\",\"country\":\"");
    if (defect == Defect::bad_country)
      c.put(kBadCountries[rng_.below(kBadCountries.size())]);
    else
      write_country(c, rng_);
    c.put("\",\"plan\":\"");
    c.put(defect == Defect::bad_plan ? std::string_view("gold") : kPlans.pick(rng_));
    c.put("\"}");
  }

  const uint64_t session = rng_.next();
  c.field("session_id");
  c.put("\"s-");
  c.put_hex(session >> 32, 8);
  if (defect == Defect::raw_control_char) c.put('\x01');  // unescaped control character
  c.put_hex(session & 0xffffffffULL, 8);
  c.put('"');

  c.field("url");
  c.put('"');
  write_url(c, rng_, defect == Defect::invalid_utf8);
  c.put('"');

  if (!rng_.chance(0.005)) {
    c.field("user_agent");
    c.put_string(kUserAgents.pick(rng_));
  }

  // Log-normal around 27 ms, with a long tail; in thousandths of a millisecond.
  const double latency = std::min(std::exp(3.3 + 0.85 * rng_.normal()), 600'000.0);
  const uint64_t latency_milli = static_cast<uint64_t>(std::llround(latency * 1000.0));
  if (defect != Defect::no_latency) {
    c.field("latency_ms");
    switch (defect) {
      case Defect::nan_latency:
        c.put("NaN");
        break;
      case Defect::latency_string:
        c.put('"');
        c.put_decimal(latency_milli, 3);
        c.put('"');
        break;
      case Defect::latency_negative:
        c.put('-');
        c.put_decimal(latency_milli + 1000, 3);
        break;
      default:
        c.put_decimal(latency_milli, 3);
        break;
    }
  }

  if (defect == Defect::negative_amount) {
    c.field("amount");
    c.put('-');
    c.put_decimal(static_cast<uint64_t>(rng_.between(1, 2000)), 2);
  } else if (type == kAddToCart || type == kPurchase) {
    c.field("amount");
    c.put_decimal(static_cast<uint64_t>(type == kPurchase ? rng_.between(199, 60'000) : rng_.between(99, 25'000)),
                  2);
  }

  c.field("tags");
  c.put('[');
  const uint64_t tag_count = defect == Defect::too_many_tags ? 9 : rng_.below(4);
  uint32_t used = 0;
  for (uint64_t k = 0; k < tag_count; ++k) {
    uint64_t tag;
    do tag = rng_.below(kTags.size());
    while (used & (1u << tag));
    used |= 1u << tag;
    if (k > 0) c.put(',');
    c.put_string(kTags[tag]);
  }
  if (defect == Defect::non_string_tag) c.put(tag_count > 0 ? ",42" : "42");
  c.put(']');

  const auto [width, height] = kViewports[rng_.below(kViewports.size())];
  c.field("payload");
  c.put("{\"ab\":\"variant-");
  c.put(static_cast<char>('a' + rng_.below(3)));
  c.put("\",\"viewport\":{\"w\":");
  c.put_uint(width);
  c.put(",\"h\":");
  c.put_uint(height);
  c.put("},\"referrer\":\"");
  c.put(kReferrers[rng_.below(kReferrers.size())]);
  c.put("\",\"experiment\":{\"id\":");
  c.put_uint(static_cast<uint64_t>(rng_.between(1, 40)));
  c.put(rng_.chance(0.5) ? ",\"arm\":\"control\"}" : ",\"arm\":\"treatment\"}");
  if (rng_.chance(0.05)) {
    c.put(",\"note\":\"");
    c.put(kNotes[rng_.below(kNotes.size())]);
    c.put('"');
  }
  c.put('}');

  c.put('}');
  return c.pos();
}

// Breaks a complete event line in place (the buffer has room past `size`); returns its new size.
std::size_t EventWriter::malform(char* line, std::size_t size, Defect defect) noexcept {
  switch (defect) {
    case Defect::truncated:  // an object cut short is never complete JSON
      return static_cast<std::size_t>(rng_.between(1, static_cast<int64_t>(size) - 2));
    case Defect::trailing_comma:
      line[size - 1] = ',';
      line[size] = '}';
      return size + 1;
    case Defect::missing_quote:  // the opening quote of the first key
      std::memmove(line + 1, line + 2, size - 2);
      return size - 1;
    case Defect::double_brace:
      std::memmove(line + 1, line, size);
      line[0] = '{';
      return size + 1;
    case Defect::byte_order_mark:
      std::memmove(line + 3, line, size);
      std::memcpy(line, "\xEF\xBB\xBF", 3);
      return size + 3;
    case Defect::comment: {
      constexpr std::string_view kComment = "/*retry*/";
      std::memmove(line + kComment.size(), line, size);
      std::memcpy(line, kComment.data(), kComment.size());
      return size + kComment.size();
    }
    default:  // written broken in place, or not broken at all
      return size;
  }
}

}  // namespace sluice::plugins::generate
