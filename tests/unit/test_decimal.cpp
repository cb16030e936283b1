#include <nianbao/decimal.hpp>

#include <gtest/gtest.h>

#include <string>

using nianbao::Decimal;

namespace {

Decimal must_parse(const std::string& s) {
  auto d = Decimal::parse(s);
  EXPECT_TRUE(d.has_value()) << "should parse: \"" << s << "\"";
  return d.value_or(Decimal{});
}

}  // namespace

TEST(Decimal, ParsesPlainNotationAndPrintsItBack) {
  for (const char* s : {"0", "12", "59237.2449", "0.5", "1.50", "100.0", "0.0001", "1234.567891", "0.000000000001",
                        "999999999999.999999999999"}) {
    auto d = Decimal::parse(s);
    ASSERT_TRUE(d.has_value()) << s;
    EXPECT_EQ(d->str(), s);
  }
  EXPECT_EQ(must_parse("007").str(), "7");
}

// Published reports give 万元 to the 分: six places, kept exactly as written.
TEST(Decimal, KeepsSixPlacesAmountsExactly) {
  Decimal d = must_parse("1234.567891");
  EXPECT_EQ(d.places(), 6);
  EXPECT_EQ(d.integer_part(), 1234);
  EXPECT_EQ((d + must_parse("0.000009")).str(), "1234.567900");
  EXPECT_EQ(d - must_parse("1234.567890"), must_parse("0.000001"));
  EXPECT_NE(d, must_parse("1234.56789"));
}

TEST(Decimal, RemembersPlacesWritten) {
  Decimal d = must_parse("1.50");
  EXPECT_EQ(d.places(), 2);
  EXPECT_EQ(d.str(), "1.50");
  EXPECT_EQ(d, must_parse("1.5"));  // same value, different notation
  EXPECT_EQ(must_parse("1.5").str(), "1.5");
  EXPECT_EQ(must_parse("7").places(), 0);
}

TEST(Decimal, RejectsAnythingButPlainNotation) {
  for (const char* s : {"1e3", "1,234", "", ".", "1.", ".5", "abc", "12a", "1.2.3", " 1", "1 ", "-",
                        "１２", "0x10", "1..2"}) {
    Decimal::ParseError why = Decimal::ParseError::too_large;
    EXPECT_FALSE(Decimal::parse(s, &why).has_value()) << "should refuse: \"" << s << "\"";
    EXPECT_EQ(why, Decimal::ParseError::syntax) << s;
  }
}

TEST(Decimal, SaysWhenANumberIsTooLargeOrTooPrecise) {
  Decimal::ParseError why = Decimal::ParseError::syntax;
  EXPECT_FALSE(Decimal::parse("1000000000000", &why).has_value());
  EXPECT_EQ(why, Decimal::ParseError::too_large);
  EXPECT_FALSE(Decimal::parse("99999999999999999999999", &why).has_value());
  EXPECT_EQ(why, Decimal::ParseError::too_large);
  EXPECT_FALSE(Decimal::parse("-9223372036854775808", &why).has_value());
  EXPECT_EQ(why, Decimal::ParseError::too_large);
  EXPECT_FALSE(Decimal::parse("1.0000000000001", &why).has_value());
  EXPECT_EQ(why, Decimal::ParseError::too_many_places);
  EXPECT_EQ(must_parse(Decimal::max_text).str(), Decimal::max_text);
  EXPECT_EQ(must_parse("0000000000000000012").str(), "12");  // leading zeros are not size
}

// Sums of the largest values the form takes stay exact: no wrap to negative.
TEST(Decimal, SumsOfTheLargestValuesStayExact) {
  Decimal big = must_parse(Decimal::max_text), sum;
  for (int i = 0; i < 12; ++i) sum = sum + big;
  EXPECT_EQ(sum.str(), "11999999999988");
  EXPECT_FALSE(sum.negative());
}

TEST(Decimal, SumsAreExactAndKeepTheMostPlaces) {
  Decimal a = must_parse("0.1"), b = must_parse("0.2");
  EXPECT_EQ((a + b).str(), "0.3");
  EXPECT_EQ(a + b, must_parse("0.3"));
  EXPECT_EQ((must_parse("1.50") + must_parse("1")).str(), "2.50");
  EXPECT_EQ((must_parse("59237.2449") + must_parse("0.0001")).str(), "59237.2450");
  EXPECT_EQ((Decimal::from_int(3) + Decimal::from_int(4)).str(), "7");
  EXPECT_EQ((must_parse("5") - must_parse("7.25")).str(), "-2.25");
  Decimal sum;
  for (int i = 0; i < 21; ++i) sum = sum + Decimal::from_int(1);
  EXPECT_EQ(sum, Decimal::from_int(21));
}

TEST(Decimal, Compares) {
  EXPECT_LT(must_parse("0.9999"), must_parse("1"));
  EXPECT_GT(must_parse("10"), must_parse("9.5"));
  EXPECT_LT(must_parse("-1"), Decimal{});
  EXPECT_EQ(must_parse("2.0"), Decimal::from_int(2));
  EXPECT_NE(must_parse("2.0001"), Decimal::from_int(2));
  EXPECT_EQ(Decimal{}, must_parse("0"));
}

TEST(Decimal, DetectsNegatives) {
  EXPECT_TRUE(must_parse("-3").negative());
  EXPECT_TRUE(must_parse("-0.5").negative());
  EXPECT_EQ(must_parse("-0.5").str(), "-0.5");
  EXPECT_FALSE(must_parse("0").negative());
  EXPECT_FALSE(must_parse("-0").negative());
  EXPECT_FALSE(must_parse("3").negative());
  EXPECT_TRUE((must_parse("1") - must_parse("2")).negative());
}

TEST(Decimal, TellsIntegersFromFractions) {
  EXPECT_TRUE(must_parse("12").is_integer());
  EXPECT_TRUE(must_parse("12.00").is_integer());
  EXPECT_TRUE(must_parse("0").is_integer());
  EXPECT_FALSE(must_parse("0.5").is_integer());
  EXPECT_FALSE(must_parse("3.0001").is_integer());
  EXPECT_FALSE(must_parse("-1.5").is_integer());
  EXPECT_TRUE(Decimal::from_int(42).is_integer());
}

TEST(Decimal, RefusesAPlusSign) {
  EXPECT_FALSE(Decimal::parse("+5").has_value());
}
