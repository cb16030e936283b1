#include <nianbao/table_layout.hpp>
#include <nianbao/text.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

using namespace nianbao;

namespace {

double columns(std::string_view s) { return display_width(s); }

// A paragraph in the style of a report's section 一, dense with punctuation
// that must never begin a line.
const std::string kParagraph =
    "2023年，官坡镇人民政府深入贯彻落实《中华人民共和国政府信息公开条例》（国务院令第711号），"
    "围绕“三安全一稳定”，主动公开政府信息、规范依申请公开；全年共收到申请2件，均已按期答复！"
    "是否存在问题？存在：一是公开内容不够全面，二是解读形式单一、互动不足。"
    "下一步，我镇将进一步完善制度，做到“应公开、尽公开”，切实保障群众知情权。";

bool starts_with_any(const std::string& line, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes)
    if (line.rfind(p, 0) == 0) return true;
  return false;
}

}  // namespace

TEST(DisplayWidth, CountsTerminalColumns) {
  EXPECT_EQ(display_width("abc"), 3);
  EXPECT_EQ(display_width(""), 0);
  EXPECT_EQ(display_width("官"), 2);
  EXPECT_EQ(display_width("官坡镇"), 6);
  EXPECT_EQ(display_width("官坡镇 2023"), 11);
  EXPECT_EQ(display_width("（一）"), 6);  // full-width brackets
  EXPECT_EQ(display_width("，。"), 4);
}

TEST(DisplayWidth, AmbiguousCharactersFollowTheParameter) {
  EXPECT_EQ(display_width("“", 1), 1);
  EXPECT_EQ(display_width("“", 2), 2);
  EXPECT_EQ(display_width("“三安全一稳定”", 1), 2 + 12);
  EXPECT_EQ(display_width("“三安全一稳定”", 2), 4 + 12);
  // Unambiguous characters do not change.
  EXPECT_EQ(display_width("官坡镇 2023", 2), 11);
}

TEST(CountChars, CountsCodePointsNotBytes) {
  EXPECT_EQ(count_chars("官坡镇 2023"), 8u);
  EXPECT_EQ(count_chars(""), 0u);
  EXPECT_TRUE(valid_utf8("官坡镇"));
  EXPECT_FALSE(valid_utf8("\xe5\xae"));  // truncated sequence
  EXPECT_EQ(to_utf8(to_u32("官坡镇 2023")), "官坡镇 2023");
}

TEST(WrapLines, NoLineStartsWithClosingPunctuation) {
  const std::vector<std::string> forbidden = {"，", "。", "、", "；", "：", "？", "！", "）", "》", "”"};
  for (int width = 10; width <= 40; ++width) {
    auto lines = wrap_lines(kParagraph, width, columns);
    ASSERT_GT(lines.size(), 1u) << "width " << width;
    for (std::size_t i = 0; i < lines.size(); ++i)
      EXPECT_FALSE(starts_with_any(lines[i], forbidden)) << "width " << width << ", line " << i + 1 << ": " << lines[i];
  }
}

TEST(WrapLines, NoLineEndsWithOpeningPunctuation) {
  const std::vector<std::string> opening = {"（", "《", "“"};
  for (int width = 10; width <= 40; ++width) {
    auto lines = wrap_lines(kParagraph, width, columns);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i)
      for (const auto& o : opening)
        EXPECT_FALSE(lines[i].size() >= o.size() && lines[i].compare(lines[i].size() - o.size(), o.size(), o) == 0)
            << "width " << width << ", line " << i + 1 << ": " << lines[i];
  }
}

TEST(WrapLines, EveryLineFitsTheWidth) {
  for (int width = 10; width <= 40; ++width) {
    for (const auto& line : wrap_lines(kParagraph, width, columns)) {
      EXPECT_LE(display_width(line), width) << "width " << width << ": " << line;
      EXPECT_FALSE(line.empty()) << "width " << width;
    }
  }
}

TEST(WrapLines, ConcatenatedLinesGiveBackTheText) {
  for (int width = 10; width <= 40; ++width) {
    std::string joined;
    for (const auto& line : wrap_lines(kParagraph, width, columns)) joined += line;
    EXPECT_EQ(joined, kParagraph) << "width " << width;
  }
}

TEST(WrapLines, NumbersAndLatinWordsStayWhole) {
  const std::string text = "本年度共收到申请2023件，办结率100%，详见 annual report 与网址说明。";
  for (int width = 10; width <= 30; ++width) {
    auto lines = wrap_lines(text, width, columns);
    bool whole_2023 = false, whole_annual = false, whole_report = false;
    for (const auto& l : lines) {
      whole_2023 = whole_2023 || l.find("2023") != std::string::npos;
      whole_annual = whole_annual || l.find("annual") != std::string::npos;
      whole_report = whole_report || l.find("report") != std::string::npos;
    }
    EXPECT_TRUE(whole_2023 && whole_annual && whole_report) << "width " << width;
  }
}

TEST(WrapLines, TextThatFitsIsOneLine) {
  auto lines = wrap_lines("官坡镇 2023", 11, columns);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "官坡镇 2023");
}

TEST(WrapLines, DropsTrailingSpacesAtABreak) {
  auto lines = wrap_lines("alpha beta gamma", 6, columns);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "alpha");
  EXPECT_EQ(lines[1], "beta");
  EXPECT_EQ(lines[2], "gamma");
}

TEST(WrapLines, AWordWiderThanALineIsCut) {
  auto lines = wrap_lines("abcdefghij", 4, columns);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "abcd");
  EXPECT_EQ(lines[1], "efgh");
  EXPECT_EQ(lines[2], "ij");
}

TEST(Nearest, SuggestsAPlausibleMisspelling) {
  EXPECT_EQ(nearest("ouputs", {"outputs", "reports"}), "outputs");
  EXPECT_EQ(nearest("inptus", {"id", "inputs", "outputs"}), "inputs");
  EXPECT_EQ(nearest("Outputs", {"outputs", "reports"}), "outputs");
  EXPECT_EQ(nearest("new", {"new_received", "carried_over"}), "new_received");
}

TEST(Nearest, ReturnsNothingForAFarWord) {
  EXPECT_EQ(nearest("zzzzzzzz", {"outputs", "reports"}), "");
  EXPECT_EQ(nearest("ouputs", {}), "");
  EXPECT_EQ(did_you_mean("zzzzzzzz", {"outputs"}), "");
  EXPECT_EQ(did_you_mean("ouputs", {"outputs", "reports"}), ", did you mean 'outputs'?");
}

TEST(Join, JoinsWithSeparator) {
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({}, ", "), "");
  EXPECT_EQ(join({"一"}, " · "), "一");
}

TEST(WrapLines, ACharacterWiderThanTheLineStillTerminates) {
  auto lines = wrap_lines("官坡", 1, columns);
  EXPECT_EQ(lines, (std::vector<std::string>{"官", "坡"}));
  EXPECT_EQ(wrap_lines("ab", 0.5, columns), (std::vector<std::string>{"a", "b"}));
}

TEST(TitleLines, BreakAfterTheAgencyWhenTheRestFits) {
  auto w = [](std::string_view s) { return static_cast<double>(nianbao::display_width(s)); };
  EXPECT_EQ(nianbao::title_lines("官坡镇人民政府2023年政府信息公开工作年度报告", "官坡镇人民政府", 40, w),
            (std::vector<std::string>{"官坡镇人民政府", "2023年政府信息公开工作年度报告"}));
  EXPECT_EQ(nianbao::title_lines("官坡镇人民政府2023年政府信息公开工作年度报告", "官坡镇人民政府", 80, w),
            (std::vector<std::string>{"官坡镇人民政府2023年政府信息公开工作年度报告"}));
}

TEST(TitleLines, ElseEvenLinesBetweenWords) {
  auto w = [](std::string_view s) { return static_cast<double>(nianbao::display_width(s)); };
  auto lines = nianbao::title_lines("河南省三门峡市卢氏县官坡镇人民政府办公室2023年政府信息公开工作年度报告", "", 44, w);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0] + lines[1], "河南省三门峡市卢氏县官坡镇人民政府办公室2023年政府信息公开工作年度报告");
  for (const auto& l : lines) EXPECT_LE(w(l), 44);
  // Not inside 政府, 信息, 公开, 工作, 年度, 报告 or 办公室.
  for (const char* word : {"政府", "信息", "公开", "工作", "年度", "报告"})
    EXPECT_FALSE(lines[0].ends_with(std::string(word).substr(0, 3)) && lines[1].starts_with(std::string(word).substr(3)))
        << lines[0] << " / " << lines[1];
  // Even: the lines differ by less than a word or two.
  EXPECT_LT(std::abs(w(lines[0]) - w(lines[1])), 12) << lines[0] << " / " << lines[1];
}

TEST(TitleLines, ANewlineForcesABreak) {
  auto w = [](std::string_view s) { return static_cast<double>(nianbao::display_width(s)); };
  EXPECT_EQ(nianbao::title_lines("2023年\n官坡镇人民政府政府信息公开工作年度报告", "官坡镇人民政府", 80, w),
            (std::vector<std::string>{"2023年", "官坡镇人民政府政府信息公开工作年度报告"}));
}

// A table cell: the fewest lines at its width, then as narrow as that count allows.
TEST(BalancedWrap, KeepsTheFewestLinesAndNarrowsThemAsFarAsThatAllows) {
  const std::vector<std::string> texts = {
      kParagraph, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
      "三、收到和处理政府信息公开申请情况", "alpha beta gamma delta", "abcdefghij", "官坡", " 前导空格 与  中间空格 "};
  for (const std::string& text : texts)
    for (double width : {3.0, 4.0, 7.0, 12.0, 20.0, 33.0, 80.0}) {
      SCOPED_TRACE(text + " @ " + std::to_string(width));
      const auto greedy = wrap_lines(text, width, columns);
      const auto balanced = balanced_wrap(text, width, columns, 1.0);
      ASSERT_EQ(balanced.size(), greedy.size());
      auto joined = [](const std::vector<std::string>& lines) {  // spaces at a break are dropped
        std::string s;
        for (const auto& l : lines)
          for (char c : l)
            if (c != ' ') s += c;
        return s;
      };
      EXPECT_EQ(joined(balanced), joined(greedy));  // the same text, only broken elsewhere
      double widest = 0;
      for (const auto& l : balanced) widest = std::max(widest, columns(l));
      EXPECT_LE(widest, std::max(width, 2.0));
      // One step narrower than the chosen width would take another line.
      if (greedy.size() > 1 && widest > 2) {  // narrower than one character, each stands alone anyway
        EXPECT_GT(wrap_lines(text, widest - 1, columns).size(), greedy.size()) << "widest " << widest;
      }
    }
}
