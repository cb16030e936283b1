#include <nianbao/decimal.hpp>

#include <algorithm>
#include <limits>

namespace nianbao {

Decimal Decimal::from_int(std::int64_t v) {
  Decimal d;
  d.units_ = v * scale_factor;
  return d;
}

std::optional<Decimal> Decimal::parse(std::string_view t) {
  bool neg = false;
  if (!t.empty() && t[0] == '-') {
    neg = true;
    t.remove_prefix(1);
  }
  auto dot = t.find('.');
  std::string_view whole = t.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : t.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
  if (frac.size() > static_cast<std::size_t>(max_places)) return std::nullopt;
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(frac)) return std::nullopt;
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / scale_factor / 10;
  std::int64_t w = 0;
  for (char c : whole) {
    w = w * 10 + (c - '0');
    if (w > limit) return std::nullopt;
  }
  std::int64_t f = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(max_places); ++i)
    f = f * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  Decimal d;
  d.units_ = (w * scale_factor + f) * (neg ? -1 : 1);
  d.places_ = static_cast<int>(frac.size());
  return d;
}

std::string Decimal::str() const {
  std::int64_t a = units_ < 0 ? -units_ : units_;
  std::string s = (units_ < 0 ? "-" : "") + std::to_string(a / scale_factor);
  int needed = 0;
  if (a % scale_factor != 0) {
    needed = max_places;
    for (std::int64_t f = a % scale_factor; f % 10 == 0; f /= 10) --needed;
  }
  int places = std::max(places_, needed);
  if (places > 0) {
    std::string frac = std::to_string(a % scale_factor);
    frac.insert(0, static_cast<std::size_t>(max_places) - frac.size(), '0');
    s += "." + frac.substr(0, static_cast<std::size_t>(places));
  }
  return s;
}

Decimal Decimal::operator+(const Decimal& o) const {
  Decimal d;
  d.units_ = units_ + o.units_;
  d.places_ = std::max(places_, o.places_);
  return d;
}

Decimal Decimal::operator-(const Decimal& o) const {
  Decimal d;
  d.units_ = units_ - o.units_;
  d.places_ = std::max(places_, o.places_);
  return d;
}

}  // namespace nianbao
