// Exact decimals for table values.
//
// Usage: Decimal::parse("1234.567891") keeps the value exactly (in units of
// 10^-12) and remembers that six places were written, so outputs print what
// the agency wrote. Counts are Decimals with zero places. No floating point
// anywhere; sums are checked and throw std::overflow_error rather than wrap.
//   Decimal::ParseError why;
//   if (!Decimal::parse(text, &why)) … why == ParseError::too_large …
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
  __extension__ typedef __int128 Units;  // GCC and Clang; -Wpedantic knows it as an extension
  static constexpr int max_places = 12;  // 万元 to the 分 is 6; room to spare, never rounded
  static constexpr int max_whole_digits = 12;  // below 10^12: far above any real count or amount
  static constexpr const char* max_text = "999999999999";

  enum class ParseError { syntax, too_many_places, too_large };

  Decimal() = default;
  static Decimal from_int(std::int64_t v);
  // Plain decimal notation: optional '-', digits, optional '.' and up to
  // max_places digits, at most max_whole_digits before the point (leading
  // zeros aside). Returns nullopt for anything else and says why in `why`.
  static std::optional<Decimal> parse(std::string_view text, ParseError* why = nullptr);

  bool is_integer() const { return units_ % scale_factor == 0; }
  bool negative() const { return units_ < 0; }
  int places() const { return places_; }
  std::int64_t integer_part() const { return static_cast<std::int64_t>(units_ / scale_factor); }
  double to_double() const;  // for layout options and spreadsheets, never for sums

  // Written with the places the source had (at least those the value needs).
  std::string str() const;

  // Sums keep the largest number of places of their terms.
  Decimal operator+(const Decimal& o) const;
  Decimal operator-(const Decimal& o) const;
  bool operator==(const Decimal& o) const { return units_ == o.units_; }
  std::strong_ordering operator<=>(const Decimal& o) const {
    return units_ < o.units_ ? std::strong_ordering::less
                             : units_ > o.units_ ? std::strong_ordering::greater : std::strong_ordering::equal;
  }

 private:
  static constexpr Units scale_factor = 1000000000000;  // 10^max_places
  Units units_ = 0;
  int places_ = 0;
};

}  // namespace nianbao
