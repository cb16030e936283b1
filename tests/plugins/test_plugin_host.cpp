// The plugin host against purpose-built plugins: one good one and one for
// each way a plugin can be wrong. Each wrong one is refused with a message
// naming its file and the reason, and the host goes on working.
#include <nianbao/output_files.hpp>
#include <nianbao/plugin_host.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace nianbao;

namespace {

Error refusal(PluginHost& host, const std::string& name) {
  try {
    host.create_output(name);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "plugin " << name << " was not refused";
  return Error(ExitCode::ok, "");
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("nianbao-host-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(PluginHost, GoodPluginDescribesItselfAndWrites) {
  PluginHost host({FIXTURE_DIR});
  const PluginInfo& info = host.info(PluginKind::output, "probe");
  EXPECT_EQ(info.version, "0.0.1");
  ASSERT_EQ(info.options.size(), 1u);
  EXPECT_EQ(info.options[0].name, "greeting");
  EXPECT_EQ(info.options[0].default_value, "你好");

  TempDir dir;
  auto plugin = host.create_output("probe");
  Document doc;
  doc.title = "测试标题";
  doc.file_stem = "测试";
  Report report;
  Form form;
  std::vector<Finding> findings;
  Options options = Options::defaults(info.options);
  StagedFiles files(dir.path);
  plugin->write(OutputRequest{doc, findings, options, report}, files);
  files.commit();
  EXPECT_EQ(slurp(dir.path / "测试.probe"), "测试标题\n你好\n");
}

TEST(PluginHost, ObjectsKeepTheirLibraryLoaded) {
  std::shared_ptr<OutputPlugin> plugin;
  {
    PluginHost host({FIXTURE_DIR});
    plugin = host.create_output("probe");
  }  // the host and its handles are gone; the object must still work
  TempDir dir;
  Document doc;
  doc.title = "t";
  doc.file_stem = "t";
  Report report;
  Form form;
  std::vector<Finding> findings;
  Options options;
  OptionValue hi;
  hi.text = "hi";
  options.set("greeting", hi);
  StagedFiles files(dir.path);
  plugin->write(OutputRequest{doc, findings, options, report}, files);
  files.commit();
  EXPECT_EQ(slurp(dir.path / "t.probe"), "t\nhi\n");
}

TEST(PluginHost, OtherAbiIsRefusedByItsSymbolWithBothVersions) {
  PluginHost host({FIXTURE_DIR});
  Error e = refusal(host, "otherabi");
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(e.where().file.find("nianbao-output-otherabi.so"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("built for plugin ABI 99"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("loads ABI " + std::to_string(NIANBAO_PLUGIN_ABI_VERSION)), std::string::npos) << e.what();
}

TEST(PluginHost, LibraryWithoutEntrySymbolIsRefused) {
  PluginHost host({FIXTURE_DIR});
  Error e = refusal(host, "nosymbol");
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(e.message().find("exports no nianbao_plugin_v" + std::to_string(NIANBAO_PLUGIN_ABI_VERSION)), std::string::npos)
      << e.what();
  EXPECT_NE(e.where().file.find("nianbao-output-nosymbol.so"), std::string::npos);
}

TEST(PluginHost, ThrowingCreateIsReportedNotFatal) {
  PluginHost host({FIXTURE_DIR});
  Error e = refusal(host, "throws");
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(e.message().find("failed to start: font file simsun.ttf not found"), std::string::npos) << e.what();
  // The host is still usable.
  EXPECT_NO_THROW(host.create_output("probe"));
}

TEST(PluginHost, ShortDescriptorIsRefused) {
  PluginHost host({FIXTURE_DIR});
  Error e = refusal(host, "badsize");
  EXPECT_NE(e.message().find("descriptor is 8 bytes"), std::string::npos) << e.what();
}

TEST(PluginHost, UnresolvedSymbolFailsAtLoadNotAtFirstCall) {
  PluginHost host({FIXTURE_DIR});
  Error e = refusal(host, "unresolved");
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(e.message().find("cannot be loaded"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("nianbao_fixture_function_nobody_defines"), std::string::npos) << e.what();
}

TEST(PluginHost, FileThatIsNotALibraryIsRefused) {
  TempDir dir;
  std::ofstream(dir.path / "nianbao-output-junk.so") << "this is not ELF\n";
  PluginHost host({dir.path});
  Error e = refusal(host, "junk");
  EXPECT_NE(e.message().find("not a loadable shared library"), std::string::npos) << e.what();
}

TEST(PluginHost, MissingPluginNamesWhatWasSearchedAndWhatExists) {
  PluginHost host({FIXTURE_DIR});
  Error e = refusal(host, "prob");
  EXPECT_EQ(e.code(), ExitCode::config);  // the name is wrong, not the installation
  EXPECT_NE(e.message().find("no output plugin 'prob'"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("did you mean 'probe'"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("nianbao-output-prob.so"), std::string::npos) << e.what();
}

TEST(PluginHost, DiscoverListsGoodPluginsAndWhyOthersWereRefused) {
  PluginHost host({FIXTURE_DIR});
  PluginListing l = host.discover();
  std::vector<std::string> good, refused;
  for (const auto& p : l.plugins) good.push_back(p.name);
  for (const auto& [file, why] : l.refused) refused.push_back(file.filename().string());
  EXPECT_EQ(good, (std::vector<std::string>{"crashes", "hostile", "probe", "throws"}));
  EXPECT_EQ(refused, (std::vector<std::string>{"nianbao-output-badsize.so", "nianbao-output-nosymbol.so",
                                               "nianbao-output-otherabi.so", "nianbao-output-unresolved.so"}));
}

TEST(PluginHost, RealPluginsLoadCleanly) {
  PluginHost host({REAL_PLUGIN_DIR});
  PluginListing l = host.discover();
  EXPECT_TRUE(l.refused.empty());
  EXPECT_NO_THROW(host.create_input("yaml"));
  EXPECT_NO_THROW(host.create_output("text"));
  const PluginInfo& text = host.info(PluginKind::output, "text");
  bool has_width = false;
  for (const auto& o : text.options) has_width |= o.name == "width" && o.type == OptionType::integer;
  EXPECT_TRUE(has_width);
}
