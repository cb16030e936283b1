// Hostile and broken YAML is refused in bounded time, at the place it goes
// wrong, in the reader's language: alias bombs, deep nesting, NUL and other
// control characters, invalid UTF-8.
#include <nianbao/yaml_source.hpp>

#include <gtest/gtest.h>

#include <string>

using namespace nianbao;

namespace {

Error parse_error(const std::string& text, ExitCode code = ExitCode::data) {
  try {
    YamlFile f = YamlFile::parse(text, "report.yaml", code);
    f.check_unique_keys_deep(f.root(), code);  // the walk the loaders do
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "accepted:\n" << text.substr(0, 200);
  return Error(ExitCode::ok, "");
}

// Ten lines that stand for 10^10 nodes once their aliases are expanded.
std::string billion_laughs() {
  std::string y = "agency: 官坡镇人民政府\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    y += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) y += (i ? ",*" : "*") + prev;
    y += "]\n";
  }
  return y;
}

}  // namespace

TEST(YamlGuard, AnAliasBombIsRefusedQuicklyAtTheAliasThatOverflows) {
  Error e = parse_error(billion_laughs());  // before the fix this never returned
  EXPECT_EQ(e.code(), ExitCode::data);
  EXPECT_NE(e.message().find("别名"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().file, "report.yaml");
  EXPECT_GE(e.where().line, 7);  // where the expansion passes the budget, not line 1
  // The same in a manifest: the operator's file, in English, exit 78.
  Error m = parse_error(billion_laughs(), ExitCode::config);
  EXPECT_EQ(m.code(), ExitCode::config);
  EXPECT_NE(m.message().find("aliases"), std::string::npos) << m.what();
}

// Without any alias, a file large enough to hold millions of nodes is counted
// before a tree is built (a tree of yaml-cpp nodes costs hundreds of bytes each).
TEST(YamlGuard, MillionsOfNodesWithoutAnAliasAreRefusedBeforeATreeIsBuilt) {
  std::string keys = "{";
  for (int i = 0; i <= 1000000; ++i) keys += "a,";  // a key and its empty value: two nodes each
  keys += "}\n";
  Error e = parse_error("agency: x\nx: " + keys);
  EXPECT_NE(e.message().find("节点过多"), std::string::npos) << e.what();
  EXPECT_EQ(e.message().find("别名"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().line, 2);
}

TEST(YamlGuard, AFewAliasesAreFine) {
  YamlFile f = YamlFile::parse("base: &b {made: 0, repealed: 0}\ncopy: *b\nother: *b\n", "r.yaml", ExitCode::data);
  EXPECT_EQ(f.root()["other"]["made"].as<int>(), 0);
}

TEST(YamlGuard, DeepNestingSaysSoWhereItHappens) {
  std::string deep = "agency: x\nx: " + std::string(300, '[') + std::string(300, ']') + "\n";
  Error e = parse_error(deep);
  EXPECT_NE(e.message().find("嵌套超过 64 层"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().column, 4 + 63);  // the root map is level 1: this bracket opens level 65
  std::string block = "agency: x\n";
  for (int i = 0; i < 100; ++i) block += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k" + std::to_string(i) + ":\n";
  EXPECT_NE(parse_error(block).message().find("嵌套超过"), std::string::npos);
  EXPECT_NO_THROW(YamlFile::parse("a: " + std::string(30, '[') + std::string(30, ']') + "\n", "r.yaml"));
}

// Past yaml-cpp's own bound of 2,000 levels the place is still where level 65 opens.
TEST(YamlGuard, NestingPastTheParsersOwnBoundIsNamedAtLevel65) {
  Error e = parse_error("agency: x\nx: " + std::string(100000, '[') + std::string(100000, ']') + "\n");
  EXPECT_NE(e.message().find("嵌套超过 64 层"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().column, 4 + 63);
}

// With aliases in the file the event pass does the counting; the depth bound is the same.
TEST(YamlGuard, DeepNestingBesideAnAliasIsRefusedToo) {
  Error e = parse_error("a: &a 1\nb: *a\nx: " + std::string(300, '[') + std::string(300, ']') + "\n");
  EXPECT_NE(e.message().find("嵌套超过 64 层"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.where().column, 4 + 63);
}

TEST(YamlGuard, ANulByteIsNamedWhereItIs) {
  Error e = parse_error(std::string("agency: 官坡镇\nyear: 20") + '\0' + "23\n");
  EXPECT_NE(e.message().find("U+0000"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().column, 9);
  EXPECT_EQ(e.message().find("hex"), std::string::npos) << e.what();
}

TEST(YamlGuard, InvalidUtf8HasALineAndAColumnInCharacters) {
  Error e = parse_error("agency: 官坡镇\nregion: 卢氏\xff县\n");
  EXPECT_NE(e.message().find("UTF-8"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(e.where().column, 11);  // "region: 卢氏" is ten characters
}

TEST(YamlGuard, TabsAndWindowsLineEndsAreText) {
  EXPECT_NO_THROW(YamlFile::parse("agency: 官坡镇\r\nnote: \"a\tb\"\r\n", "r.yaml", ExitCode::data));
}
