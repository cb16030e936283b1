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
  for (const char* s : {"0", "12", "59237.2449", "0.5", "1.50", "100.0", "0.0001"}) {
    auto d = Decimal::parse(s);
    ASSERT_TRUE(d.has_value()) << s;
    EXPECT_EQ(d->str(), s);
  }
}

TEST(Decimal, KeepsValueInTenThousandths) {
  EXPECT_EQ(must_parse("0").units(), 0);
  EXPECT_EQ(must_parse("12").units(), 120000);
  EXPECT_EQ(must_parse("59237.2449").units(), 592372449);
  EXPECT_EQ(must_parse("0.5").units(), 5000);
  EXPECT_EQ(must_parse("12").integer_part(), 12);
  EXPECT_EQ(must_parse("59237.2449").integer_part(), 59237);
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
  for (const char* s : {"1e3", "1,234", "", ".", "1.", ".5", "1.23456", "abc", "12a", "1.2.3", " 1", "1 ", "-",
                        "１２", "0x10", "1..2"}) {
    EXPECT_FALSE(Decimal::parse(s).has_value()) << "should refuse: \"" << s << "\"";
  }
}

TEST(Decimal, RejectsOverflow) {
  EXPECT_FALSE(Decimal::parse("9223372036854775807").has_value());
  EXPECT_FALSE(Decimal::parse("99999999999999999999999").has_value());
  EXPECT_FALSE(Decimal::parse("-9223372036854775808").has_value());
  // A large but representable amount still parses exactly.
  EXPECT_EQ(must_parse("12345678901.2345").str(), "12345678901.2345");
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
