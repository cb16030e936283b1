#include <nianbao/decimal.hpp>

#include <algorithm>
#include <stdexcept>

namespace nianbao {

Decimal Decimal::from_int(std::int64_t v) {
  Decimal d;
  d.units_ = static_cast<Units>(v) * scale_factor;
  return d;
}

std::optional<Decimal> Decimal::parse(std::string_view t, ParseError* why) {
  auto fail = [&](ParseError e) -> std::optional<Decimal> {
    if (why) *why = e;
    return std::nullopt;
  };
  bool neg = false;
  if (!t.empty() && t[0] == '-') {
    neg = true;
    t.remove_prefix(1);
  }
  auto dot = t.find('.');
  std::string_view whole = t.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : t.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || (dot != std::string_view::npos && frac.empty()) || !digits(whole) || !digits(frac))
    return fail(ParseError::syntax);
  if (frac.size() > static_cast<std::size_t>(max_places)) return fail(ParseError::too_many_places);
  whole.remove_prefix(std::min(whole.find_first_not_of('0'), whole.size() - 1));  // 007 is 7
  if (whole.size() > static_cast<std::size_t>(max_whole_digits)) return fail(ParseError::too_large);
  Units w = 0;
  for (char c : whole) w = w * 10 + (c - '0');
  Units f = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(max_places); ++i) f = f * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  Decimal d;
  d.units_ = (w * scale_factor + f) * (neg ? -1 : 1);
  d.places_ = static_cast<int>(frac.size());
  return d;
}

static std::string digits_of(Decimal::Units v) {  // v >= 0
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  return s;
}

std::string Decimal::str() const {
  Units a = units_ < 0 ? -units_ : units_;
  std::string s = (units_ < 0 ? "-" : "") + digits_of(a / scale_factor);
  int needed = 0;
  if (a % scale_factor != 0) {
    needed = max_places;
    for (Units f = a % scale_factor; f % 10 == 0; f /= 10) --needed;
  }
  int places = std::max(places_, needed);
  if (places > 0) {
    std::string frac = digits_of(a % scale_factor);
    frac.insert(0, static_cast<std::size_t>(max_places) - frac.size(), '0');
    s += "." + frac.substr(0, static_cast<std::size_t>(places));
  }
  return s;
}

double Decimal::to_double() const { return std::stod(str()); }

Decimal Decimal::operator+(const Decimal& o) const {
  Decimal d;
  if (__builtin_add_overflow(units_, o.units_, &d.units_)) throw std::overflow_error("decimal sum out of range");
  d.places_ = std::max(places_, o.places_);
  return d;
}

Decimal Decimal::operator-(const Decimal& o) const {
  Decimal d;
  if (__builtin_sub_overflow(units_, o.units_, &d.units_)) throw std::overflow_error("decimal difference out of range");
  d.places_ = std::max(places_, o.places_);
  return d;
}

}  // namespace nianbao
