// What generated events are made of: the value sets the generator draws from, with weights.
// Strings are written into JSON text as they are, so each one is valid JSON string content.
#pragma once

#include "rng.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace sluice::plugins::generate {

// A fixed set of strings drawn with integer weights.
template <std::size_t N>
class WeightedChoice {
 public:
  constexpr explicit WeightedChoice(const std::pair<std::string_view, uint32_t> (&entries)[N]) {
    uint32_t sum = 0;
    for (std::size_t i = 0; i < N; ++i) {
      items_[i] = entries[i].first;
      sum += entries[i].second;
      cumulative_[i] = sum;
    }
  }
  std::size_t pick_index(Rng& rng) const noexcept {
    const uint32_t x = static_cast<uint32_t>(rng.below(cumulative_[N - 1]));
    std::size_t i = 0;
    while (cumulative_[i] <= x) ++i;
    return i;
  }
  std::string_view pick(Rng& rng) const noexcept { return items_[pick_index(rng)]; }
  std::string_view operator[](std::size_t i) const noexcept { return items_[i]; }
  static constexpr std::size_t size() noexcept { return N; }

 private:
  std::array<std::string_view, N> items_{};
  std::array<uint32_t, N> cumulative_{};
};

// Event types in lower case; the index selects the spellings below.
inline constexpr WeightedChoice kEventTypes({
    {"page_view", 48}, {"click", 24}, {"search", 11}, {"add_to_cart", 9}, {"purchase", 5}, {"signup", 3}});
inline constexpr std::size_t kAddToCart = 3;
inline constexpr std::size_t kPurchase = 4;
// Per event type: lower case, title case, upper case (normalization lower-cases them).
inline constexpr std::string_view kEventTypeSpellings[6][3] = {
    {"page_view", "Page_View", "PAGE_VIEW"}, {"click", "Click", "CLICK"},
    {"search", "Search", "SEARCH"},          {"add_to_cart", "Add_To_Cart", "ADD_TO_CART"},
    {"purchase", "Purchase", "PURCHASE"},    {"signup", "SignUp", "SIGNUP"}};

inline constexpr WeightedChoice kSources({{"web", 45}, {"ios", 22}, {"android", 23}, {"api", 10}});

// ISO 3166 codes; the last three are not in the reference region table.
inline constexpr WeightedChoice kCountries({
    {"US", 18}, {"CA", 4}, {"MX", 3}, {"BR", 5}, {"AR", 2}, {"CL", 1}, {"CO", 2}, {"DE", 7}, {"FR", 5},
    {"GB", 7},  {"ES", 3}, {"IT", 3}, {"NL", 2}, {"SE", 1}, {"PL", 2}, {"IE", 1}, {"CH", 1}, {"AT", 1},
    {"ZA", 1},  {"NG", 2}, {"EG", 1}, {"AE", 1}, {"IN", 6}, {"JP", 5}, {"KR", 2}, {"CN", 3}, {"SG", 1},
    {"AU", 2},  {"NZ", 1}, {"ID", 2}, {"XK", 1}, {"AQ", 1}, {"ZZ", 1}});

inline constexpr WeightedChoice kPlans({{"free", 60}, {"pro", 30}, {"enterprise", 10}});

inline constexpr WeightedChoice kHosts({{"www.example.com", 40},
                                        {"shop.example.com", 30},
                                        {"m.example.com", 18},
                                        {"api.example.com", 8},
                                        {"blog.example.org:8443", 4}});

inline constexpr std::array<std::string_view, 10> kTags = {
    "promo", "returning", "mobile", "beta", "newsletter", "sale", "vip", "ab-test", "gift", "loyalty"};

inline constexpr std::array<std::string_view, 8> kSearchTerms = {
    "shoes", "red+dress", "usb-c", "laptop", "gift+ideas", "coffee", "tent", "caf%C3%A9"};

inline constexpr WeightedChoice kUserAgents({
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
     "Safari/537.36",
     16},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/123.0.0.0 Safari/537.36",
     8},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
     3},
    {"Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 "
     "Mobile Safari/537.36",
     9},
    {"Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
     4},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", 5},
    {"Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0", 2},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:124.0) Gecko/20100101 Firefox/124.0", 2},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4.1 Safari/605.1.15",
     6},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4.1 Mobile/15E148 Safari/604.1",
     10},
    {"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
     "Mobile/15E148 Safari/604.1",
     3},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
     "Safari/537.36 Edg/124.0.2478.67",
     5},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 "
     "Safari/537.36 OPR/109.0.0.0",
     2},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
     3},
    {"Mozilla/5.0 (X11; CrOS x86_64 15633.69.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/119.0.6045.212 Safari/537.36",
     1},
    {"Mozilla/5.0 (SMART-TV; Linux; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) 94.0.4606.31/7.0 TV "
     "Safari/537.36",
     1},
    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 1},
    {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 1},
    {"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 1},
    {"curl/8.5.0", 1},
    {"python-requests/2.31.0", 1},
    {"okhttp/4.12.0", 1}});

inline constexpr std::array<std::pair<uint32_t, uint32_t>, 6> kViewports = {
    {{390, 844}, {412, 915}, {768, 1024}, {1280, 800}, {1440, 900}, {1920, 1080}}};

inline constexpr std::array<std::string_view, 5> kReferrers = {
    "", "https://www.google.com/", "https://news.example.net/story/42", "https://mail.example.com/",
    "android-app://com.example.app"};

// Free text in JSON string syntax: raw UTF-8, and escapes a parser has to decode.
inline constexpr std::array<std::string_view, 6> kNotes = {
    "\xC3\x9C" "berraschung",                 // Überraschung
    "caf\xC3\xA9 cr\xC3\xA8me",                 // café crème
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",     // 日本語
    "party \xF0\x9F\x8E\x89",                   // an emoji (4-byte UTF-8)
    "said \\\"hi\\\"\\tthen left",              // escaped quote and tab
    "\\u00e9t\\u00e9 \\ud83d\\ude00"};          // escaped BMP and surrogate pair

// --- values that break the reference schema (after normalization) ---
inline constexpr std::array<std::string_view, 4> kBadEventTypes = {"refund", "unknown_evt", "", "page-view"};
inline constexpr std::array<std::string_view, 6> kBadTimestamps = {
    "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T12:00:00Z", "2026-11-26 10:00:00Z",
    "2026-11-26t10:00:00z", ""};
inline constexpr std::array<std::string_view, 4> kBadCountries = {"Germany", "USA", "", "1X"};

// Complete lines that are valid JSON but not objects.
inline constexpr std::array<std::string_view, 6> kNotObjects = {"[1,2,3]", "\"just a string\"", "42",
                                                                "null",    "true",              "[]"};

inline constexpr std::array<std::string_view, 4> kBlankLines = {"", "   ", "\t", " \r"};

}  // namespace sluice::plugins::generate
