// The CSV reader on its own: decoding bytes to UTF-8 (UTF-8, UTF-8 with BOM,
// GB18030, refusing binary files), RFC 4180 parsing with spreadsheet row and
// column numbers, error positions, column names, and 50 MB inputs.
#include "csv_reader.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using csv::Field;
using csv::ParseError;
using csv::Record;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kCsvDir = std::string(NIANBAO_TEST_DATA) + "/csv/";

// The ParseError that `f` throws; a test failure when it throws nothing or
// something else.
ParseError error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ParseError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected csv::ParseError, got another exception: " << e.what();
    return ParseError("<other exception>", -1, -1);
  }
  ADD_FAILURE() << "expected csv::ParseError, nothing was thrown";
  return ParseError("<nothing thrown>", -1, -1);
}

ParseError parse_error(std::string_view text) {
  return error_of([&] { csv::parse(text); });
}

ParseError decode_error(std::string_view bytes, const std::string& encoding = "auto") {
  return error_of([&] {
    std::string detected;
    csv::decode(bytes, encoding, detected);
  });
}

std::vector<std::string> texts(const Record& r) {
  std::vector<std::string> out;
  for (const auto& f : r.fields) out.push_back(f.text);
  return out;
}

using Texts = std::vector<std::string>;

// ---------------------------------------------------------------------------
// Plain records and line endings

TEST(CsvParse, SimpleRecords) {
  auto recs = csv::parse("name,count\nalpha,1\nbeta,2\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(texts(recs[0]), (Texts{"name", "count"}));
  EXPECT_EQ(texts(recs[1]), (Texts{"alpha", "1"}));
  EXPECT_EQ(texts(recs[2]), (Texts{"beta", "2"}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(recs[i].row, i + 1);
    EXPECT_EQ(recs[i].line, i + 1);
    EXPECT_FALSE(recs[i].blank());
  }
}

TEST(CsvParse, EmptyTextGivesNoRecords) { EXPECT_TRUE(csv::parse("").empty()); }

TEST(CsvParse, CrlfLineEndings) {
  auto recs = csv::parse("a,b\r\nc,d\r\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(texts(recs[0]), (Texts{"a", "b"}));  // no stray \r in the last field
  EXPECT_EQ(texts(recs[1]), (Texts{"c", "d"}));
  EXPECT_EQ(recs[1].row, 2);
  EXPECT_EQ(recs[1].line, 2);
}

TEST(CsvParse, LfLineEndings) {
  auto recs = csv::parse("a,b\nc,d\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(texts(recs[0]), (Texts{"a", "b"}));
  EXPECT_EQ(texts(recs[1]), (Texts{"c", "d"}));
}

TEST(CsvParse, MixedLineEndings) {
  auto recs = csv::parse("a,b\r\nc,d\ne,f\r\ng,h\n");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(texts(recs[0]), (Texts{"a", "b"}));
  EXPECT_EQ(texts(recs[1]), (Texts{"c", "d"}));
  EXPECT_EQ(texts(recs[2]), (Texts{"e", "f"}));
  EXPECT_EQ(texts(recs[3]), (Texts{"g", "h"}));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(recs[i].row, i + 1);
    EXPECT_EQ(recs[i].line, i + 1);
  }
}

TEST(CsvParse, FinalLineWithoutNewline) {
  for (std::string_view text : {"a,b\nc,d", "a,b\r\nc,d"}) {
    auto recs = csv::parse(text);
    ASSERT_EQ(recs.size(), 2u) << text;
    EXPECT_EQ(texts(recs[1]), (Texts{"c", "d"})) << text;
    EXPECT_EQ(recs[1].row, 2);
    EXPECT_EQ(recs[1].line, 2);
  }
}

TEST(CsvParse, FinalQuotedFieldWithoutNewline) {
  auto recs = csv::parse("a,\"b,c\"");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(texts(recs[0]), (Texts{"a", "b,c"}));
}

TEST(CsvParse, TrailingBlankLineGivesBlankRecord) {
  for (std::string_view text : {"a,b\n\n", "a,b\r\n\r\n"}) {
    auto recs = csv::parse(text);
    ASSERT_EQ(recs.size(), 2u) << text;
    EXPECT_FALSE(recs[0].blank());
    EXPECT_TRUE(recs[1].blank());
    EXPECT_EQ(recs[1].row, 2);
    EXPECT_EQ(recs[1].line, 2);
    ASSERT_EQ(recs[1].fields.size(), 1u);
    EXPECT_EQ(recs[1].fields[0].text, "");
  }
}

TEST(CsvParse, BlankLinesInTheMiddleCountAsRows) {
  auto recs = csv::parse("a\n\n,,\nb\n");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_TRUE(recs[1].blank());
  EXPECT_TRUE(recs[2].blank());  // only empty fields: blank as well
  EXPECT_EQ(recs[2].fields.size(), 3u);
  EXPECT_EQ(texts(recs[3]), (Texts{"b"}));
  EXPECT_EQ(recs[3].row, 4);
  EXPECT_EQ(recs[3].line, 4);
  // A field of spaces or an empty quoted field: the first is not blank.
  EXPECT_FALSE(csv::parse(" \n")[0].blank());
  EXPECT_TRUE(csv::parse("\"\",\"\"\n")[0].blank());
}

TEST(CsvParse, EmptyFields) {
  auto recs = csv::parse("a,,c\n,,\n,x,\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(texts(recs[0]), (Texts{"a", "", "c"}));
  EXPECT_EQ(texts(recs[1]), (Texts{"", "", ""}));
  EXPECT_EQ(texts(recs[2]), (Texts{"", "x", ""}));
  EXPECT_EQ(recs[2].fields[2].column, 3);
  // A trailing comma at the very end of the input still ends in an empty field.
  EXPECT_EQ(texts(csv::parse("a,b,")[0]), (Texts{"a", "b", ""}));
}

TEST(CsvParse, RaggedRows) {
  auto recs = csv::parse("a\nb,c,d,e\nf,g\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(texts(recs[0]), (Texts{"a"}));
  EXPECT_EQ(texts(recs[1]), (Texts{"b", "c", "d", "e"}));
  EXPECT_EQ(texts(recs[2]), (Texts{"f", "g"}));
  EXPECT_EQ(recs[1].fields[3].column, 4);
  EXPECT_EQ(recs[2].row, 3);
}

TEST(CsvParse, SpacesAndUtf8AreKeptAsIs) {
  auto recs = csv::parse(" a , 申请人情况 ,\t\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(texts(recs[0]), (Texts{" a ", " 申请人情况 ", "\t"}));
}

// ---------------------------------------------------------------------------
// RFC 4180 quoting

TEST(CsvQuoting, CommaInsideQuotes) {
  auto recs = csv::parse("\"Smith, John\",42,\"a,b,c\"\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(texts(recs[0]), (Texts{"Smith, John", "42", "a,b,c"}));
  EXPECT_EQ(recs[0].fields[1].column, 2);
  EXPECT_EQ(recs[0].fields[2].column, 3);
}

TEST(CsvQuoting, DoubledQuotes) {
  auto recs = csv::parse("\"say \"\"hi\"\"\",\"\"\"\",\"\"\"\"\"\",\"\"\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(texts(recs[0]), (Texts{"say \"hi\"", "\"", "\"\"", ""}));
}

TEST(CsvQuoting, QuoteInsideUnquotedFieldIsLiteral) {
  auto recs = csv::parse("5\" disk,b\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(texts(recs[0]), (Texts{"5\" disk", "b"}));
}

TEST(CsvQuoting, LfInsideQuotes) {
  auto recs = csv::parse("x,\"line one\nline two\",y\nnext\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(texts(recs[0]), (Texts{"x", "line one\nline two", "y"}));
  EXPECT_EQ(recs[1].row, 2);
  EXPECT_EQ(recs[1].line, 3);
}

TEST(CsvQuoting, CrlfInsideQuotesBecomesLf) {
  auto recs = csv::parse("x,\"line one\r\nline two\r\nline three\",y\r\nnext\r\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(texts(recs[0]), (Texts{"x", "line one\nline two\nline three", "y"}));
  EXPECT_EQ(texts(recs[1]), (Texts{"next"}));
  EXPECT_EQ(recs[1].row, 2);
  EXPECT_EQ(recs[1].line, 4);
}

TEST(CsvQuoting, FieldSpanningThreeLines) {
  const char* text =
      "h1,h2,h3\n"
      "a,\"first\n"
      "second\n"
      "third\",c\n"
      "d,e,f\n";
  auto recs = csv::parse(text);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(texts(recs[1]), (Texts{"a", "first\nsecond\nthird", "c"}));
  EXPECT_EQ(recs[1].row, 2);
  EXPECT_EQ(recs[1].line, 2);
  // The next record is row 3 of the spreadsheet but starts on text line 5.
  EXPECT_EQ(texts(recs[2]), (Texts{"d", "e", "f"}));
  EXPECT_EQ(recs[2].row, 3);
  EXPECT_EQ(recs[2].line, 5);
}

TEST(CsvQuoting, FieldRowsAndColumns) {
  auto recs = csv::parse("a,b,c\n\"x\ny\",,\"z\"\nlast\n");
  ASSERT_EQ(recs.size(), 3u);
  for (const auto& r : recs) {
    for (std::size_t j = 0; j < r.fields.size(); ++j) {
      EXPECT_EQ(r.fields[j].row, r.row) << "record " << r.row << " field " << j;
      EXPECT_EQ(r.fields[j].column, static_cast<int>(j) + 1) << "record " << r.row << " field " << j;
    }
  }
  EXPECT_EQ(recs[2].row, 3);
  EXPECT_EQ(recs[2].line, 4);
  EXPECT_EQ(recs[2].fields[0].row, 3);
  EXPECT_EQ(csv::column_name(recs[1].fields[2].column), "C");
}

// ---------------------------------------------------------------------------
// Parse errors

TEST(CsvParseErrors, UnclosedQuoteInFirstColumn) {
  ParseError e = parse_error("\"abc,def\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 1);
  EXPECT_NE(std::string(e.what()).find("unclosed quote"), std::string::npos) << e.what();
}

TEST(CsvParseErrors, UnclosedQuoteIsReportedWhereItOpens) {
  // The quote opens on line 3 in column C and runs to the end of the text.
  ParseError e = parse_error("h1,h2,h3\na,b,c\nd,e,\"never\nclosed\nat all\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 3);
  EXPECT_NE(std::string(e.what()).find("unclosed quote"), std::string::npos) << e.what();
}

TEST(CsvParseErrors, UnclosedQuoteAfterMultiLineField) {
  // A closed field spanning lines 1-3 first; the unclosed one opens on line 4.
  ParseError e = parse_error("\"a\nb\nc\",x\ny,\"oops\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.column, 2);
  EXPECT_NE(std::string(e.what()).find("unclosed quote"), std::string::npos) << e.what();
}

TEST(CsvParseErrors, TextAfterClosingQuote) {
  ParseError e = parse_error("a,b\nx,\"ab\"c,d\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 2);
  EXPECT_NE(std::string(e.what()).find("text after a closing quote"), std::string::npos) << e.what();
}

TEST(CsvParseErrors, TextAfterClosingQuoteInFirstColumnAndAfterSpace) {
  ParseError e1 = parse_error("\"ab\"c\n");
  EXPECT_EQ(e1.line, 1);
  EXPECT_EQ(e1.column, 1);
  EXPECT_NE(std::string(e1.what()).find("text after a closing quote"), std::string::npos) << e1.what();
  ParseError e2 = parse_error("a,b,\"c\" \n");
  EXPECT_EQ(e2.line, 1);
  EXPECT_EQ(e2.column, 3);
  EXPECT_NE(std::string(e2.what()).find("text after a closing quote"), std::string::npos) << e2.what();
}

TEST(CsvParseErrors, TextAfterClosingQuoteOfMultiLineFieldIsAtTheClosingLine) {
  ParseError e = parse_error("a,\"b\nc\"d\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 2);
  EXPECT_NE(std::string(e.what()).find("text after a closing quote"), std::string::npos) << e.what();
}

// ---------------------------------------------------------------------------
// Decoding

TEST(CsvDecode, EmptyInput) {
  ParseError e = decode_error("");
  EXPECT_NE(std::string(e.what()).find("the file is empty"), std::string::npos) << e.what();
  EXPECT_EQ(e.line, 1);
  ParseError forced = decode_error("", "utf-8");
  EXPECT_NE(std::string(forced.what()).find("the file is empty"), std::string::npos) << forced.what();
}

TEST(CsvDecode, WhitespaceOnlyInput) {
  for (std::string_view bytes : {" ", "\n", "\r\n\r\n", " \t \r\n  \n"}) {
    ParseError e = decode_error(bytes);
    EXPECT_NE(std::string(e.what()).find("the file is empty"), std::string::npos) << e.what();
  }
}

TEST(CsvDecode, BomOnlyIsEmpty) {
  ParseError e = decode_error("\xEF\xBB\xBF");
  EXPECT_NE(std::string(e.what()).find("the file is empty"), std::string::npos) << e.what();
  ParseError e2 = decode_error("\xEF\xBB\xBF \r\n");
  EXPECT_NE(std::string(e2.what()).find("the file is empty"), std::string::npos) << e2.what();
}

TEST(CsvDecode, Utf8BomIsStripped) {
  std::string detected;
  std::string text = csv::decode("\xEF\xBB\xBFname,数量\r\n甲,1\r\n", "auto", detected);
  EXPECT_EQ(text, "name,数量\r\n甲,1\r\n");
  EXPECT_EQ(detected, "utf-8 (BOM)");
  auto recs = csv::parse(text);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].fields[0].text, "name");  // no BOM glued to the first header
}

TEST(CsvDecode, Utf8BomIsStrippedWhenForced) {
  std::string detected;
  EXPECT_EQ(csv::decode("\xEF\xBB\xBF" "a,b\n", "utf-8", detected), "a,b\n");
  EXPECT_EQ(detected, "utf-8 (BOM)");
}

TEST(CsvDecode, PlainUtf8) {
  std::string detected;
  const std::string bytes = "项目,数量\n申请,3\n";
  EXPECT_EQ(csv::decode(bytes, "auto", detected), bytes);
  EXPECT_EQ(detected, "utf-8");
  detected.clear();
  EXPECT_EQ(csv::decode("a,b\n", "utf-8", detected), "a,b\n");
  EXPECT_EQ(detected, "utf-8");
}

TEST(CsvDecode, Gb18030TwinFilesDecodeToTheSameText) {
  const std::string gb = slurp(kCsvDir + "applications-gb18030.csv");
  const std::string u8 = slurp(kCsvDir + "applications-utf8.csv");
  ASSERT_FALSE(gb.empty());
  ASSERT_FALSE(u8.empty());
  ASSERT_NE(gb, u8);
  std::string detected_gb, detected_u8;
  std::string text_gb = csv::decode(gb, "auto", detected_gb);
  std::string text_u8 = csv::decode(u8, "auto", detected_u8);
  EXPECT_EQ(detected_gb, "gb18030");
  EXPECT_EQ(detected_u8, "utf-8");
  EXPECT_EQ(text_gb, text_u8);
  EXPECT_EQ(text_u8, u8);

  auto recs = csv::parse(text_gb);
  ASSERT_EQ(recs.size(), 28u);
  for (const auto& r : recs) EXPECT_EQ(r.fields.size(), 10u) << "row " << r.row;
  EXPECT_EQ(recs[0].fields[3].text, "申请人情况");
  EXPECT_EQ(csv::column_name(recs[0].fields[3].column), "D");
  EXPECT_EQ(recs[3].fields[0].text, "一、本年新收政府信息公开申请数量");
  EXPECT_EQ(recs[27].fields[0].text, "四、结转下年度继续办理");
  EXPECT_EQ(recs[27].fields[9].text, "0");  // no \r left at the end of the line
  EXPECT_EQ(recs[27].row, 28);
}

TEST(CsvDecode, Gb18030ForcedWorksToo) {
  const std::string gb = slurp(kCsvDir + "applications-gb18030.csv");
  const std::string u8 = slurp(kCsvDir + "applications-utf8.csv");
  std::string detected;
  EXPECT_EQ(csv::decode(gb, "gb18030", detected), u8);
  EXPECT_EQ(detected, "gb18030");
  EXPECT_EQ(csv::decode(gb, "gbk", detected), u8);  // the file stays within GBK
  EXPECT_EQ(detected, "gbk");
}

TEST(CsvDecode, ForcingUtf8OnGb18030FileFails) {
  const std::string gb = slurp(kCsvDir + "applications-gb18030.csv");
  ParseError e = decode_error(gb, "utf-8");
  EXPECT_NE(std::string(e.what()).find("not UTF-8"), std::string::npos) << e.what();
  EXPECT_EQ(e.line, 1);
}

TEST(CsvDecode, InvalidUtf8AfterBomIsReportedAtItsLine) {
  // With a BOM the file says it is UTF-8: a bad byte on line 3 is an error.
  ParseError e = decode_error("\xEF\xBB\xBF" "a\nb\nc\xFF\n");
  EXPECT_NE(std::string(e.what()).find("not UTF-8"), std::string::npos) << e.what();
  EXPECT_EQ(e.line, 3);
}

TEST(CsvDecode, UnknownEncodingIsRefused) {
  std::string detected;
  EXPECT_THROW(csv::decode("a,b\n", "latin-9", detected), std::invalid_argument);
}

bool says_binary(const ParseError& e) {
  std::string m = e.what();
  return m.find("not a text file") != std::string::npos || m.find("neither UTF-8 nor GB18030") != std::string::npos;
}

TEST(CsvDecode, AllByteValuesAreNotText) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  ParseError e = decode_error(bytes);
  EXPECT_TRUE(says_binary(e)) << e.what();
  std::string reversed(bytes.rbegin(), bytes.rend());
  ParseError e2 = decode_error(reversed);
  EXPECT_TRUE(says_binary(e2)) << e2.what();
}

TEST(CsvDecode, FakePngIsNotText) {
  const std::string png("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1F\xF3\xFF\x61", 33);
  ParseError e = decode_error(png);
  EXPECT_TRUE(says_binary(e)) << e.what();
}

TEST(CsvDecode, FakeZipIsNotText) {
  // An .xlsx is a ZIP archive.
  static const char kZip[] = "PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0b\xEE\x9Dh^\x01\0\0\x90\x04\0\0\x13\0\x08\x02[Content_Types].xml";
  const std::string zip(kZip, sizeof kZip - 1);  // the literal's own length: it holds NULs
  ParseError e = decode_error(zip);
  EXPECT_TRUE(says_binary(e)) << e.what();
  EXPECT_NE(std::string(e.what()).find(".xls"), std::string::npos) << e.what();
}

TEST(CsvDecode, FakeOleXlsIsNotText) {
  // An old .xls is an OLE2 compound document.
  const std::string xls("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0>\0\x03\0\xFE\xFF\x09\0", 32);
  ParseError e = decode_error(xls);
  EXPECT_TRUE(says_binary(e)) << e.what();
}

TEST(CsvDecode, NulInUtf8TextIsReportedAtItsLine) {
  const std::string bytes("a,b\r\nc,d\r\ne,\0f\r\n", 15);
  ParseError e = decode_error(bytes);
  EXPECT_NE(std::string(e.what()).find("not a text file"), std::string::npos) << e.what();
  EXPECT_EQ(e.line, 3);
  // The same with a BOM: the line does not move.
  ParseError e2 = decode_error("\xEF\xBB\xBF" + bytes);
  EXPECT_NE(std::string(e2.what()).find("not a text file"), std::string::npos) << e2.what();
  EXPECT_EQ(e2.line, 3);
}

TEST(CsvDecode, ControlCharacterInGb18030TextIsReportedAtItsLine) {
  std::string gb = slurp(kCsvDir + "applications-gb18030.csv");
  // Put a form feed at the start of line 5.
  std::size_t at = 0;
  for (int newlines = 0; newlines < 4; ++at) newlines += gb[at] == '\n';
  gb.insert(at, 1, '\x0C');
  ParseError e = decode_error(gb);
  EXPECT_NE(std::string(e.what()).find("not a text file"), std::string::npos) << e.what();
  EXPECT_EQ(e.line, 5);
}

TEST(CsvDecode, TabIsNotAControlCharacterToRefuse) {
  std::string detected;
  EXPECT_EQ(csv::decode("a\tb,c\r\n", "auto", detected), "a\tb,c\r\n");
}

TEST(CsvDecode, ControlCharacterIsNamedAsUnicode) {
  ParseError e1f = decode_error("a\x1F" "b\n");
  EXPECT_NE(std::string(e1f.what()).find("U+001F "), std::string::npos) << e1f.what();
  ParseError e1a = decode_error("a\x1A" "b\n");
  EXPECT_NE(std::string(e1a.what()).find("U+001A "), std::string::npos) << e1a.what();
}

TEST(CsvDecode, ControlCharacterBelow0x10IsNamedWithFourHexDigits) {
  ParseError e0 = decode_error(std::string("a\0b\n", 4));
  EXPECT_NE(std::string(e0.what()).find("U+0000 "), std::string::npos) << e0.what();
  ParseError e8 = decode_error("a\x08" "b\n");
  EXPECT_NE(std::string(e8.what()).find("U+0008 "), std::string::npos) << e8.what();
}

TEST(CsvDecode, RandomBytesNeverCrash) {
  // Whatever the bytes, decode + parse either give records or a ParseError.
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> byte(0, 255), len(1, 600);
  int errors = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(static_cast<std::size_t>(len(rng)), '\0');
    for (auto& c : bytes) c = static_cast<char>(byte(rng));
    if (round % 3 == 1) bytes.insert(0, "\xEF\xBB\xBF");
    for (const char* enc : {"auto", "utf-8", "gb18030", "gbk"}) {
      try {
        std::string detected;
        csv::parse(csv::decode(bytes, enc, detected));
      } catch (const ParseError& e) {
        ++errors;
        EXPECT_GE(e.line, 1);
        EXPECT_NE(std::string(e.what()), "");
      } catch (const std::exception& e) {
        ADD_FAILURE() << "round " << round << " encoding " << enc << ": not a ParseError: " << e.what();
      }
    }
  }
  EXPECT_GT(errors, 0);
}

// ---------------------------------------------------------------------------
// Column names

TEST(CsvColumnName, SpreadsheetLetters) {
  EXPECT_EQ(csv::column_name(1), "A");
  EXPECT_EQ(csv::column_name(2), "B");
  EXPECT_EQ(csv::column_name(26), "Z");
  EXPECT_EQ(csv::column_name(27), "AA");
  EXPECT_EQ(csv::column_name(28), "AB");
  EXPECT_EQ(csv::column_name(52), "AZ");
  EXPECT_EQ(csv::column_name(53), "BA");
  EXPECT_EQ(csv::column_name(209), "HA");
  EXPECT_EQ(csv::column_name(702), "ZZ");
  EXPECT_EQ(csv::column_name(703), "AAA");
  EXPECT_EQ(csv::column_name(16384), "XFD");  // Excel's last column
}

// ---------------------------------------------------------------------------
// Large inputs

constexpr std::size_t kBig = 50u * 1024 * 1024;
constexpr int kBigColumns = 20;

// Field j (0-based) of data row i (1-based), as the parser should return it.
std::string big_field(int i, int j) {
  if (j == 4 && i % 5 == 0) return std::to_string(i) + ", \"q\"";
  return std::to_string((i * 31 + j * 7) % 100000);
}

void append_big_field(std::string& out, int i, int j) {
  if (j == 4 && i % 5 == 0) {
    out += '"';
    out += std::to_string(i);
    out += ", \"\"q\"\"\"";
  } else {
    out += big_field(i, j);
  }
}

TEST(CsvLarge, FiftyMegabytesParse) {
  std::string bytes;
  bytes.reserve(kBig + 1024);
  for (int j = 1; j <= kBigColumns; ++j) bytes += "col" + std::to_string(j) + (j < kBigColumns ? "," : "\r\n");
  int rows = 0;
  while (bytes.size() < kBig) {
    ++rows;
    for (int j = 0; j < kBigColumns; ++j) {
      append_big_field(bytes, rows, j);
      bytes += j + 1 < kBigColumns ? "," : "\r\n";
    }
  }
  ASSERT_GT(rows, 300000);

  std::string detected;
  std::string text = csv::decode(bytes, "auto", detected);
  auto recs = csv::parse(text);

  EXPECT_EQ(detected, "utf-8");
  ASSERT_EQ(recs.size(), static_cast<std::size_t>(rows) + 1);
  EXPECT_EQ(recs[0].fields[19].text, "col20");
  const Record& last = recs.back();
  EXPECT_EQ(last.row, rows + 1);
  EXPECT_EQ(last.line, rows + 1);
  ASSERT_EQ(last.fields.size(), static_cast<std::size_t>(kBigColumns));
  for (int j = 0; j < kBigColumns; ++j) {
    EXPECT_EQ(last.fields[j].text, big_field(rows, j)) << "column " << j + 1;
    EXPECT_EQ(last.fields[j].column, j + 1);
    EXPECT_EQ(last.fields[j].row, rows + 1);
  }
  // A row with a quoted comma in the middle of the file.
  const Record& r = recs[1000];  // data row 1000
  EXPECT_EQ(r.fields.size(), static_cast<std::size_t>(kBigColumns));
  EXPECT_EQ(r.fields[4].text, "1000, \"q\"");
  EXPECT_EQ(r.fields[5].text, big_field(1000, 5));
}

TEST(CsvLarge, FiftyMegabyteUnclosedQuoteFailsPromptly) {
  std::string bytes = "id,note\r\n1,ok\r\n2,\"";
  bytes.reserve(kBig + 64);
  const std::string chunk = "a long, unterminated note\r\n";
  while (bytes.size() < kBig) bytes += chunk;

  ParseError e = error_of([&] {
    std::string detected;
    csv::parse(csv::decode(bytes, "auto", detected));
  });
  EXPECT_NE(std::string(e.what()).find("unclosed quote"), std::string::npos) << e.what();
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 2);
}

TEST(CsvLarge, LongQuotedFieldWithManyCrlfLinesParsesPromptly) {
  // Excel writes CRLF; a stray quote near the top and another near the end
  // make one field of almost the whole file. That must still parse fast.
  std::string bytes = "id,note\r\n1,\"";
  const std::string chunk = "a long note line, in a field\r\n";
  std::size_t lines = 0;
  while (bytes.size() < kBig) {
    bytes += chunk;
    ++lines;
  }
  bytes += "\",end\r\n2,x\r\n";

  auto recs = csv::parse(bytes);
  ASSERT_EQ(recs.size(), 3u);
  ASSERT_EQ(recs[1].fields.size(), 3u);
  const std::string& note = recs[1].fields[1].text;
  EXPECT_EQ(note.size(), lines * (chunk.size() - 1));
  EXPECT_EQ(note.find('\r'), std::string::npos);
  EXPECT_EQ(recs[1].fields[2].text, "end");
  EXPECT_EQ(recs[2].row, 3);
  EXPECT_EQ(recs[2].line, static_cast<int>(lines) + 3);
}

}  // namespace
