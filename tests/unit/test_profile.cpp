#include <nianbao/profile.hpp>

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace nianbao;
namespace fs = std::filesystem;

namespace {

Error load_error(const fs::path& dir, const std::string& name) {
  try {
    Profile::load(name, dir, SourceLoc{"manifest.yaml", 2, 10});
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << name << " loaded";
  return Error(ExitCode::ok, "");
}

TEST(Profile, ExtendsMergesKeyByKeyAndRemembersWhereEachValueWasSet) {
  nbtest::TempDir dir;
  dir.write("base.yaml",
            "outputs: [pdf, xlsx]\n"
            "document:\n"
            "  tables: appendix\n"
            "  date_format: chinese\n"
            "pdf:\n"
            "  margin_top: 35\n"
            "  table_size: 12\n");
  dir.write("county.yaml",
            "extends: base.yaml\n"
            "document:\n"
            "  date_format: iso\n"
            "contact: {website: http://www.example.gov.cn}\n"
            "pdf:\n"
            "  table_size: 11\n");
  Profile p = Profile::load("county.yaml", dir.path(), {});
  ASSERT_EQ(p.files.size(), 2u);
  EXPECT_NE(p.files[0].find("county.yaml"), std::string::npos);
  EXPECT_NE(p.files[1].find("base.yaml"), std::string::npos);

  auto pdf = p.plugin_options("pdf");
  ASSERT_EQ(pdf.size(), 2u);
  EXPECT_EQ(pdf.at("table_size").text, "11");  // the extending file wins
  EXPECT_EQ(pdf.at("table_size").source.line, 6);
  EXPECT_EQ(pdf.at("margin_top").text, "35");  // the base's other keys stay
  EXPECT_NE(pdf.at("margin_top").source.file.find("base.yaml"), std::string::npos);
  EXPECT_TRUE(p.plugin_options("text").empty());

  std::vector<PluginUse> outputs = p.outputs();
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0].plugin, "pdf");
  EXPECT_EQ(outputs[1].plugin, "xlsx");

  DocumentSettings d = p.document_settings();
  EXPECT_EQ(d.tables, TablePlacement::appendix);
  EXPECT_EQ(d.date_format, DateFormat::iso);
  EXPECT_EQ(d.title.text, "{agency}{year}年政府信息公开工作年度报告");  // the schema's default
  EXPECT_EQ(d.contact.at("website").body, "http://www.example.gov.cn");
  EXPECT_EQ(p.plugin_sections(), std::vector<std::string>{"pdf"});
}

TEST(Profile, PluginSectionsMustNameOutputPlugins) {
  nbtest::TempDir dir;
  dir.write("p.yaml", "pfd:\n  body_size: 14\n");
  Profile p = Profile::load("p.yaml", dir.path(), {});
  try {
    p.check_sections({"pdf", "text", "xlsx"});
    FAIL() << "unknown section accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::config);
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(e.where().column, 1);
    EXPECT_NE(e.message().find("did you mean 'pdf'"), std::string::npos) << e.message();
  }
  p.check_sections({"pfd"});  // a plugin may be called anything
}

TEST(Profile, WrongShapesAndValuesAreErrorsAtTheirPosition) {
  nbtest::TempDir dir;
  dir.write("list.yaml", "pdf: [a, b]\n");
  EXPECT_EQ(load_error(dir.path(), "list.yaml").where().line, 1);
  dir.write("nested.yaml", "pdf:\n  fonts: {body: x}\n");
  Error nested = load_error(dir.path(), "nested.yaml");
  EXPECT_EQ(nested.where().line, 2);
  EXPECT_NE(nested.message().find("must be a single value"), std::string::npos) << nested.message();
  dir.write("choice.yaml", "document:\n  signature: sometimes\n");
  Error choice = load_error(dir.path(), "choice.yaml");
  EXPECT_EQ(choice.where().str().substr(choice.where().str().size() - 5), ":2:14");
  EXPECT_NE(choice.message().find("always"), std::string::npos) << choice.message();
  dir.write("contact.yaml", "contact:\n  phonе: 1\n");  // a Cyrillic е
  EXPECT_EQ(load_error(dir.path(), "contact.yaml").where().line, 2);
  Error missing = load_error(dir.path(), "nowhere.yaml");
  EXPECT_EQ(missing.code(), ExitCode::config);
  EXPECT_EQ(missing.where().str(), "manifest.yaml:2:10");
}

TEST(Profile, AnEmptyProfileChangesNothing) {
  nbtest::TempDir dir;
  dir.write("empty.yaml", "# nothing yet\n");
  Profile p = Profile::load("empty.yaml", dir.path(), {});
  EXPECT_TRUE(p.values.empty());
  EXPECT_EQ(p.document_settings().file_name.text, "{title}");
  EXPECT_TRUE(p.outputs().empty());
}

TEST(Profile, BuiltInProfilesLoad) {
  for (const char* name : {"default", "lushi", "lingbao"}) {
    SCOPED_TRACE(name);
    Profile p = Profile::load(name, fs::current_path(), {});
    EXPECT_FALSE(p.outputs().empty());
    EXPECT_NE(p.find("description"), nullptr);
  }
}

}  // namespace
