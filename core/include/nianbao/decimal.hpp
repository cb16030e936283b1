// Exact decimals for table values.
//
// Usage: Decimal::parse("59237.2449") keeps the value in units of 1/10000 and
// remembers that four places were written, so outputs print what the agency
// wrote. Counts are Decimals with zero places. No floating point anywhere.
#pragma once
#include <nianbao/api.hpp>

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nianbao {

class NIANBAO_API Decimal {
 public:
  static constexpr int max_places = 4;

  Decimal() = default;
  static Decimal from_int(std::int64_t v);
  // Plain decimal notation: optional '-', digits, optional '.' and up to
  // max_places digits. Returns nullopt for anything else (exponents, commas,
  // more places, overflow).
  static std::optional<Decimal> parse(std::string_view text);

  bool is_integer() const { return units_ % scale_factor == 0; }
  bool negative() const { return units_ < 0; }
  int places() const { return places_; }
  std::int64_t units() const { return units_; }  // value × 10^max_places
  std::int64_t integer_part() const { return units_ / scale_factor; }

  // Written with the places the source had (at least those the value needs).
  std::string str() const;

  // Sums keep the largest number of places of their terms.
  Decimal operator+(const Decimal& o) const;
  Decimal operator-(const Decimal& o) const;
  bool operator==(const Decimal& o) const { return units_ == o.units_; }
  std::strong_ordering operator<=>(const Decimal& o) const { return units_ <=> o.units_; }

 private:
  static constexpr std::int64_t scale_factor = 10000;
  std::int64_t units_ = 0;
  int places_ = 0;
};

}  // namespace nianbao
