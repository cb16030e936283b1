// The plugin SDK as a plugin author meets it: `nianbao new-plugin` writes a
// project that builds against an installed nianbao alone (find_package, no
// source tree), passes its own test, and is loaded through a manifest's
// plugin_dirs; the host's headers are not installed; `nianbao plugins --json`
// describes what is there for tools.
#include "cli_fixture.hpp"

#include <nianbao/plugin.hpp>

#include <nlohmann/json.hpp>

#include <set>

namespace {

using namespace e2e;

class PluginSdk : public Cli {
 protected:
  // Configures, builds and tests a plugin project against `prefix`; the log on failure.
  int build_and_test(const fs::path& project, const fs::path& prefix, std::string& log) {
    std::string q = "'" + project.string() + "'";
    std::string cmd = std::string("'") + CMAKE_EXE + "' -S " + q + " -B " + q + "/build -DCMAKE_PREFIX_PATH='" + prefix.string() +
                      "' -DCMAKE_CXX_FLAGS='-Wall -Wextra -Wpedantic -Werror' > " + q + "/log.txt 2>&1 && '" + CMAKE_EXE +
                      "' --build " + q + "/build >> " + q + "/log.txt 2>&1 && ctest --test-dir " + q +
                      "/build --output-on-failure >> " + q + "/log.txt 2>&1";
    int status = std::system(cmd.c_str());
    log = slurp(project / "log.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_F(PluginSdk, ScaffoldedOutputAndInputPluginsBuildOutOfTreeAndPassTheirTests) {
  fs::path prefix = install();
  const std::string exe = (prefix / "bin/nianbao").string();
  Outcome out = run("new-plugin portal_md", exe);
  ASSERT_EQ(out.rc, 0) << out.err;
  EXPECT_NE(out.out.find("nianbao-output-portal_md/output_portal_md.cpp"), std::string::npos) << out.out;
  Outcome in = run("new-plugin keyval --kind input", exe);
  ASSERT_EQ(in.rc, 0) << in.err;

  std::string log;
  ASSERT_EQ(build_and_test(dir / "nianbao-output-portal_md", prefix, log), 0) << log;
  EXPECT_NE(log.find("100% tests passed"), std::string::npos) << log;
  ASSERT_EQ(build_and_test(dir / "nianbao-input-keyval", prefix, log), 0) << log;
  EXPECT_NE(log.find("100% tests passed"), std::string::npos) << log;

  // What the output plugin's own test built, through plugin_dirs: the report as Markdown.
  fs::path md = dir / "nianbao-output-portal_md/build/test-run/out/测试镇人民政府2023年政府信息公开工作年度报告.md";
  ASSERT_TRUE(fs::exists(md));
  EXPECT_NE(slurp(md).find("| 37 |"), std::string::npos);

  // The installed nianbao lists the module found in a folder it is pointed at.
  Outcome listed = run("--plugin-dir nianbao-output-portal_md/build/plugins plugins --json", exe);
  ASSERT_EQ(listed.rc, 0) << listed.err;
  auto j = nlohmann::json::parse(listed.out);
  bool found = false;
  for (const auto& p : j["plugins"])
    if (p["name"] == "portal_md" && p["kind"] == "output") {
      found = true;
      EXPECT_EQ(p["options"][0]["name"], "extension");
      EXPECT_EQ(p["options"][0]["default"], "md");
    }
  EXPECT_TRUE(found) << listed.out;
}

TEST_F(PluginSdk, OnlyTheSdkIsInstalledForPlugins) {
  fs::path prefix = install();
  for (const char* sdk : {"plugin.hpp", "document.hpp", "findings.hpp", "dates.hpp", "report.hpp", "form.hpp", "version.hpp"})
    EXPECT_TRUE(fs::exists(prefix / "include/nianbao" / sdk)) << sdk;
  for (const char* host : {"pipeline.hpp", "plugin_host.hpp", "manifest.hpp", "build_config.hpp", "build_summary.hpp",
                           "output_files.hpp", "profile.hpp", "hash.hpp", "compose.hpp", "checks.hpp"})
    EXPECT_FALSE(fs::exists(prefix / "include/nianbao" / host)) << host << " is the host's, not the SDK's";
  EXPECT_TRUE(fs::exists(prefix / "lib/cmake/nianbao/nianbaoConfig.cmake"));
  EXPECT_TRUE(fs::exists(prefix / "share/doc/nianbao/plugins.md"));
  // The layering is the build's: a plugin that reaches into the host does not compile.
  spit(dir / "reach.cpp", "#include <nianbao/plugin.hpp>\n#include <nianbao/pipeline.hpp>\n");
  std::string cmd = "c++ -std=c++20 -fsyntax-only -I'" + (prefix / "include").string() + "' '" + (dir / "reach.cpp").string() +
                    "' > '" + (dir / "cc.txt").string() + "' 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  EXPECT_NE(slurp(dir / "cc.txt").find("nianbao/pipeline.hpp"), std::string::npos) << slurp(dir / "cc.txt");
  spit(dir / "sdk.cpp", "#include <nianbao/plugin.hpp>\n#include <nianbao/table_layout.hpp>\n#include <nianbao/yaml_source.hpp>\n");
  cmd = "c++ -std=c++20 -fsyntax-only -I'" + (prefix / "include").string() + "' '" + (dir / "sdk.cpp").string() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << "the SDK's headers stand on their own";
}

TEST_F(PluginSdk, NewPluginRefusesBadNamesAndNeverOverwrites) {
  Outcome r = run("new-plugin My-Format");
  EXPECT_EQ(r.rc, 64);
  EXPECT_NE(r.err.find("lower-case letters"), std::string::npos) << r.err;
  r = run("new-plugin html --kind filter");
  EXPECT_EQ(r.rc, 64);
  fs::create_directories(dir / "nianbao-output-html");
  spit(dir / "nianbao-output-html/mine.cpp", "// my own work\n");
  r = run("new-plugin html");
  EXPECT_EQ(r.rc, 73);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(dir / "nianbao-output-html/mine.cpp"), "// my own work\n");
  EXPECT_FALSE(fs::exists(dir / "nianbao-output-html/CMakeLists.txt"));

  // A write the system refuses (1 KB files at most: the CMakeLists.txt is
  // larger) leaves no half project behind, nor its hidden staging folder.
  r = run("new-plugin portal", NIANBAO_EXE, "ulimit -f 1; trap '' XFSZ;");
  EXPECT_EQ(r.rc, 73) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    EXPECT_TRUE(n.find("portal") == std::string::npos) << n << " was left behind";
  }
  EXPECT_EQ(run("new-plugin portal").rc, 0) << "the next try is not refused";
  EXPECT_TRUE(fs::exists(dir / "nianbao-output-portal/test/run.cmake"));
}

TEST_F(PluginSdk, PluginsJsonDescribesEveryPluginAndItsOptions) {
  Outcome r = run("plugins --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "nianbao-plugins/1");
  EXPECT_EQ(j["plugin_abi"], NIANBAO_PLUGIN_ABI_VERSION);
  std::set<std::string> names;
  for (const auto& p : j["plugins"]) names.insert(p["kind"].get<std::string>() + " " + p["name"].get<std::string>());
  for (const char* expected : {"input yaml", "input csv", "input xlsx", "output text", "output xlsx", "output pdf"})
    EXPECT_TRUE(names.count(expected)) << expected;
  for (const auto& p : j["plugins"])
    if (p["name"] == "pdf") {
      bool body = false;
      for (const auto& o : p["options"])
        if (o["name"] == "page_numbers") {
          EXPECT_EQ(o["type"], "choice");
          EXPECT_EQ(o["choices"].size(), 4u);
        } else if (o["name"] == "body_font") {
          body = true;
          EXPECT_EQ(o["default"], "FandolFang");
        }
      EXPECT_TRUE(body);
    }
  EXPECT_TRUE(j["refused"].empty());

  // Damaged and foreign plugin files are listed with the reason, and the exit says so.
  r = run(std::string("--plugin-dir '") + FIXTURE_DIR + "' plugins --json");
  EXPECT_EQ(r.rc, 69) << r.err;
  j = nlohmann::json::parse(r.out);
  bool other_abi = false;
  for (const auto& f : j["refused"]) {
    EXPECT_FALSE(f["why"].get<std::string>().empty()) << f.dump();
    if (f["file"].get<std::string>().find("nianbao-output-otherabi.so") != std::string::npos) {
      other_abi = true;
      EXPECT_NE(f["why"].get<std::string>().find("built for plugin ABI 99"), std::string::npos) << f.dump();
    }
  }
  EXPECT_TRUE(other_abi) << r.out;
}

}  // namespace
