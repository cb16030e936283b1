#include <nianbao/manifest.hpp>
#include <nianbao/options.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.hpp"

using namespace nianbao;
namespace fs = std::filesystem;

namespace {

struct Failure {
  ExitCode code = ExitCode::ok;
  SourceLoc where;
  std::string message;
};

Failure load_bad(const fs::path& file) {
  try {
    Manifest::load(file);
  } catch (const Error& e) {
    return {e.code(), e.where(), e.message()};
  }
  ADD_FAILURE() << "manifest loaded although it is wrong: " << file;
  return {};
}

const char* kGood =
    "# 官坡镇 2023 build\n"
    "form: gov-info-disclosure-2021\n"
    "output_dir: build/out\n"
    "plugin_dirs: [plugins]\n"
    "outputs:\n"
    "  - text\n"
    "reports:\n"
    "  - id: guanpo-2023\n"
    "    inputs:\n"
    "      - {plugin: yaml, path: data/guanpo.yaml}\n"
    "      - {plugin: csv, path: ../shared/t3.csv, encoding: gbk}\n"
    "    outputs:\n"
    "      - text\n"
    "      - {plugin: text, width: 80}\n"
    "  - id: other\n"
    "    inputs:\n"
    "      - {plugin: yaml, path: other.yaml}\n";

const std::vector<OptionSpec> kTextSchema = {
    {"width", OptionType::integer, "72", {}, "line width"},
    {"wrap", OptionType::boolean, "true", {}, "wrap long lines"},
    {"line_ending", OptionType::choice, "lf", {"lf", "crlf"}, "line ending"},
    {"title", OptionType::string, "", {}, "title override"},
};

}  // namespace

TEST(Manifest, LoadsAGoodManifest) {
  nbtest::TempDir dir;
  fs::path file = dir.write("proj/manifest.yaml", kGood);
  Manifest m = Manifest::load(file);
  fs::path base = fs::absolute(dir.path() / "proj").lexically_normal();
  EXPECT_EQ(m.base_dir, base);
  EXPECT_EQ(m.form, "gov-info-disclosure-2021");
  EXPECT_EQ(m.form_source.line, 2);
  EXPECT_EQ(m.form_source.column, 7);
  EXPECT_EQ(m.output_dir, base / "build" / "out");
  ASSERT_EQ(m.plugin_dirs.size(), 1u);
  EXPECT_EQ(m.plugin_dirs[0], base / "plugins");

  ASSERT_EQ(m.reports.size(), 2u);
  const ReportEntry& r = m.reports[0];
  EXPECT_EQ(r.id, "guanpo-2023");
  EXPECT_EQ(r.source.line, 8);
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_EQ(r.inputs[0].plugin, "yaml");
  EXPECT_EQ(r.inputs[0].path, base / "data" / "guanpo.yaml");
  EXPECT_TRUE(r.inputs[0].options.empty());
  EXPECT_EQ(r.inputs[1].plugin, "csv");
  EXPECT_EQ(r.inputs[1].path, (dir.path() / "shared" / "t3.csv").lexically_normal());
  ASSERT_EQ(r.inputs[1].options.count("encoding"), 1u);
  EXPECT_EQ(r.inputs[1].options.at("encoding").text, "gbk");
  EXPECT_FALSE(r.inputs[1].display_path.empty());

  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].plugin, "text");
  EXPECT_TRUE(r.outputs[0].options.empty());
  EXPECT_EQ(r.outputs[1].plugin, "text");
  ASSERT_EQ(r.outputs[1].options.count("width"), 1u);
  const RawOption& width = r.outputs[1].options.at("width");
  EXPECT_EQ(width.text, "80");
  EXPECT_EQ(width.source.line, 14);
  EXPECT_EQ(width.source.column, static_cast<int>(std::string("      - {plugin: text, width: ").size()) + 1);
  EXPECT_EQ(width.source.file, file.string());

  // A report without outputs takes the manifest's (BuildConfig decides).
  EXPECT_TRUE(m.reports[0].has_outputs);
  EXPECT_FALSE(m.reports[1].has_outputs);
  EXPECT_TRUE(m.has_outputs);
  ASSERT_EQ(m.outputs.size(), 1u);
  EXPECT_EQ(m.outputs[0].plugin, "text");
  EXPECT_EQ(m.profile, "default");
  EXPECT_EQ(m.reports[1].inputs[0].path, base / "other.yaml");
}

TEST(Manifest, UnknownTopLevelKeySuggestsTheRightOne) {
  nbtest::TempDir dir;
  fs::path file = dir.write("manifest.yaml",
                            "form: gov-info-disclosure-2021\n"
                            "ouputs: [text]\n"
                            "reports: []\n");
  Failure f = load_bad(file);
  EXPECT_EQ(f.code, ExitCode::config);
  EXPECT_EQ(f.where.file, file.string());
  EXPECT_EQ(f.where.line, 2);
  EXPECT_EQ(f.where.column, 1);
  EXPECT_NE(f.message.find("unknown key 'ouputs'"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("did you mean 'outputs'"), std::string::npos) << f.message;
}

TEST(Manifest, NestedUnknownKeyColumnCountsCharacters) {
  nbtest::TempDir dir;
  fs::path file = dir.write("manifest.yaml",
                            "form: gov-info-disclosure-2021\n"
                            "reports:\n"
                            "  - {id: 官坡, inptus: []}\n");
  Failure f = load_bad(file);
  EXPECT_EQ(f.code, ExitCode::config);
  EXPECT_EQ(f.where.line, 3);
  // "  - {id: 官坡, " is 13 characters (19 bytes): the key starts in column 14.
  EXPECT_EQ(f.where.column, 14);
  EXPECT_NE(f.message.find("did you mean 'inputs'"), std::string::npos) << f.message;
}

TEST(Manifest, DuplicateKeyNamesTheFirstLine) {
  nbtest::TempDir dir;
  fs::path file = dir.write("manifest.yaml",
                            "form: gov-info-disclosure-2021\n"
                            "reports: []\n"
                            "form: other\n");
  Failure f = load_bad(file);
  EXPECT_EQ(f.code, ExitCode::config);
  EXPECT_EQ(f.where.line, 3);
  EXPECT_NE(f.message.find("duplicate key 'form'"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("line 1"), std::string::npos) << f.message;
}

TEST(Manifest, DuplicateKeyInsideAnOutputEntry) {
  nbtest::TempDir dir;
  fs::path file = dir.write("manifest.yaml",
                            "form: gov-info-disclosure-2021\n"
                            "reports:\n"
                            "  - id: a\n"
                            "    inputs: [{plugin: yaml, path: a.yaml}]\n"
                            "    outputs:\n"
                            "      - plugin: text\n"
                            "        width: 80\n"
                            "        width: 100\n");
  Failure f = load_bad(file);
  EXPECT_EQ(f.code, ExitCode::config);
  EXPECT_EQ(f.where.line, 8);
  EXPECT_NE(f.message.find("duplicate key 'width' (first given on line 7)"), std::string::npos) << f.message;
}

TEST(Manifest, MissingFileIsNoInput) {
  nbtest::TempDir dir;
  try {
    Manifest::load(dir.path() / "nope.yaml");
    FAIL() << "loaded a missing manifest";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_input);
    EXPECT_NE(std::string(e.what()).find("nope.yaml"), std::string::npos) << e.what();
  }
}

TEST(Manifest, DuplicateReportIdIsAConfigError) {
  nbtest::TempDir dir;
  fs::path file = dir.write("manifest.yaml",
                            "form: gov-info-disclosure-2021\n"
                            "reports:\n"
                            "  - id: a\n"
                            "    inputs: [{plugin: yaml, path: a.yaml}]\n"
                            "  - id: a\n"
                            "    inputs: [{plugin: yaml, path: b.yaml}]\n");
  Failure f = load_bad(file);
  EXPECT_EQ(f.code, ExitCode::config);
  EXPECT_EQ(f.where.line, 5);
  EXPECT_EQ(f.where.column, 9);
  EXPECT_NE(f.message.find("'a' is used twice"), std::string::npos) << f.message;
}

TEST(Manifest, StructuralMistakes) {
  nbtest::TempDir dir;
  struct Case {
    const char* text;
    const char* message;
    int line;
  };
  const Case cases[] = {
      {"reports: []\n", "needs 'form'", 1},
      {"form: x\n", "needs 'reports'", 1},
      {"form: x\nreports:\n  - id: a\n    inputs: [yaml]\n", "an input needs a path", 4},
      {"form: x\nreports:\n  - id: a\n    inputs: [{plugin: yaml}]\n", "an input needs 'path'", 4},
      {"form: x\nreports:\n  - id: a/b\n    inputs: [{plugin: yaml, path: a.yaml}]\n", "plain name", 3},
      {"form: x\nreports:\n  - id: a\n    inputs: []\n", "has no inputs", 4},
      {"form: x\nreports:\n  - id: a\n    inputs: [{plugin: yaml, path: a.yaml}]\n    outputs: [{plugin: text, "
       "width: [1, 2]}]\n",
       "must be a single value", 5},
      {"form: [x\n", "YAML syntax error", 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    Failure f = load_bad(dir.write("manifest.yaml", c.text));
    EXPECT_EQ(f.code, ExitCode::config);
    EXPECT_NE(f.message.find(c.message), std::string::npos) << f.message;
    if (c.line > 0) {
      EXPECT_EQ(f.where.line, c.line);
    }
  }
}

// --- resolve_options ------------------------------------------------------------

TEST(ResolveOptions, FillsDefaultsAndTakesWrittenValues) {
  nbtest::TempDir dir;
  Manifest m = Manifest::load(dir.write("manifest.yaml", kGood));
  const PluginUse& use = m.reports[0].outputs[1];
  Options o = resolve_options("text", kTextSchema, use);
  EXPECT_EQ(o.integer("width"), 80);
  EXPECT_FALSE(o.get("width").from_default);
  EXPECT_EQ(o.get("width").source.line, 14);
  EXPECT_TRUE(o.boolean("wrap"));
  EXPECT_TRUE(o.get("wrap").from_default);
  EXPECT_EQ(o.string("line_ending"), "lf");
  EXPECT_EQ(o.string("title"), "");
  EXPECT_TRUE(o.has("title"));
  EXPECT_EQ(o.all().size(), 4u);

  Options d = resolve_options("text", kTextSchema, m.outputs[0]);
  EXPECT_EQ(d.integer("width"), 72);
  EXPECT_TRUE(d.get("width").from_default);
}

TEST(ResolveOptions, UnknownOptionSuggestsAndListsTheOptions) {
  nbtest::TempDir dir;
  fs::path file = dir.write("manifest.yaml",
                            "form: gov-info-disclosure-2021\n"
                            "outputs: [{plugin: text, widht: 80}]\n"
                            "reports: [{id: a, inputs: [{plugin: yaml, path: a.yaml}]}]\n");
  Manifest m = Manifest::load(file);
  try {
    resolve_options("text", kTextSchema, m.outputs[0]);
    FAIL() << "unknown option accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    EXPECT_NE(e.message().find("no option 'widht'"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("did you mean 'width'"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("width, wrap, line_ending, title"), std::string::npos) << e.message();
    EXPECT_EQ(e.where().line, 2);
  }
}

TEST(ResolveOptions, WrongTypeIsReportedAtTheValue) {
  nbtest::TempDir dir;
  const std::string line2 = "outputs: [{plugin: text, width: wide, wrap: maybe, line_ending: cr}]";
  fs::path file = dir.write("manifest.yaml", "form: gov-info-disclosure-2021\n" + line2 +
                                                 "\nreports: [{id: a, inputs: [{plugin: yaml, path: a.yaml}]}]\n");
  Manifest m = Manifest::load(file);
  const PluginUse& use = m.outputs[0];
  auto expect_bad = [&](const char* option, const char* value, const char* message) {
    PluginUse one = use;
    one.options = {{option, use.options.at(option)}};
    try {
      resolve_options("text", kTextSchema, one);
      ADD_FAILURE() << option << ": " << value << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::config);
      EXPECT_EQ(e.where().file, file.string());
      EXPECT_EQ(e.where().line, 2);
      EXPECT_EQ(e.where().column, static_cast<int>(line2.find(value)) + 1) << option;
      EXPECT_NE(e.message().find(message), std::string::npos) << e.message();
    }
  };
  expect_bad("width", "wide", "option 'width' takes a whole number, not 'wide'");
  expect_bad("wrap", "maybe", "takes true or false");
  expect_bad("line_ending", "cr}", "takes one of lf, crlf, not 'cr'");
}

TEST(ResolveOptions, PluginWithoutOptions) {
  PluginUse use;
  use.plugin = "yaml";
  use.options["encoding"] = RawOption{"gbk", {"m.yaml", 4, 30}};
  try {
    resolve_options("yaml", {}, use);
    FAIL() << "option accepted by a plugin that takes none";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    EXPECT_NE(e.message().find("takes no options"), std::string::npos) << e.message();
    EXPECT_EQ(e.where().str(), "m.yaml:4:30");
  }
}

TEST(ParseValue, IntegersMustBeWholeNumbers) {
  const OptionSpec width{"width", OptionType::integer, "72", {}, ""};
  EXPECT_EQ(Options::parse_value(width, "80", {}).integer, 80);
  EXPECT_EQ(Options::parse_value(width, "-3", {}).integer, -3);
  for (const char* bad : {"", "80px", "8.5", "0x10", "99999999999999999999"})
    EXPECT_THROW(Options::parse_value(width, bad, {"m.yaml", 1, 1}), Error) << bad;
  const OptionSpec wrap{"wrap", OptionType::boolean, "false", {}, ""};
  EXPECT_TRUE(Options::parse_value(wrap, "yes", {}).boolean);
  EXPECT_FALSE(Options::parse_value(wrap, "off", {}).boolean);
}

TEST(ParseValue, UndeclaredOptionIsAPluginBug) {
  Options o = Options::defaults(kTextSchema);
  try {
    o.get("nope");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::software);
  }
}

TEST(Manifest, NotUtf8IsAConfigErrorWithTheLine) {
  nbtest::TempDir dir;
  // "# 官坡镇" saved as GBK, as Windows tools in China often do.
  fs::path file = dir.write("manifest.yaml", "form: gov-info-disclosure-2021\n# \xb9\xd9\xc6\xc2\xd5\xf2\nreports: []\n");
  Failure f = load_bad(file);
  EXPECT_EQ(f.code, ExitCode::config);
  EXPECT_EQ(f.where.line, 2);
  EXPECT_NE(f.message.find("UTF-8"), std::string::npos) << f.message;
}

TEST(Manifest, ByteOrderMarkDoesNotShiftColumns) {
  nbtest::TempDir dir;
  // Notepad on older Windows saves UTF-8 with a byte order mark.
  fs::path file = dir.write("manifest.yaml",
                            "\xEF\xBB\xBF"
                            "form: gov-info-disclosure-2021\n"
                            "reports: [{id: a, inputs: [{plugin: yaml, path: a.yaml}]}]\n");
  Manifest m = Manifest::load(file);
  EXPECT_EQ(m.form, "gov-info-disclosure-2021");
  EXPECT_EQ(m.form_source.line, 1);
  EXPECT_EQ(m.form_source.column, 7);
  EXPECT_EQ(m.form_source.column, 7);
}
