// The command line as a user meets it: exit codes, messages with file:line:
// column, the text report against its golden file, and no partial output.
#include "cli_fixture.hpp"

#include <nianbao/plugin.hpp>
#include <nianbao/version.hpp>

#include <nlohmann/json.hpp>

using namespace e2e;

namespace {

TEST_F(Cli, SampleBuildsTheGoldenTextReport) {
  Outcome r = run("build manifest.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("wrote out/" + kTitle + ".txt"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(report_txt()), slurp(fs::path(NIANBAO_TEST_DATA) / "e2e/guanpo-2023.txt"));
  EXPECT_EQ(out_files(), (std::vector<std::string>{kTitle + ".pdf", kTitle + ".txt", kTitle + ".xlsx"}));
}

TEST_F(Cli, RerunIsByteIdentical) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string first = slurp(report_txt());
  std::string first_xlsx = slurp(dir / "out" / (kTitle + ".xlsx"));
  std::string first_pdf = slurp(dir / "out" / (kTitle + ".pdf"));
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  EXPECT_EQ(slurp(report_txt()), first);
  EXPECT_EQ(slurp(dir / "out" / (kTitle + ".xlsx")), first_xlsx);
  EXPECT_EQ(slurp(dir / "out" / (kTitle + ".pdf")), first_pdf);
  EXPECT_EQ(out_files().size(), 3u);
}

TEST_F(Cli, TextTablesLineUpCountingCjkAsTwoColumns) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::istringstream in(slurp(report_txt()));
  std::string line;
  int tables = 0, width = -1;
  while (std::getline(in, line)) {
    bool table_line = !line.empty() && (line[0] == '+' || line[0] == '|');
    if (!table_line) {
      width = -1;
      continue;
    }
    int w = nianbao::display_width(line);
    if (width < 0) {
      ++tables;
      width = w;
    }
    EXPECT_EQ(w, width) << line;
  }
  EXPECT_EQ(tables, 3);
}

TEST_F(Cli, TextHasTitleSectionsInOrderAndSignature) {
  edit("report.yaml", "tables:", "signature: {name: 官坡镇人民政府, date: 2024-01-20}\ntables:");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string t = slurp(report_txt());
  std::size_t at = t.find(kTitle);
  ASSERT_NE(at, std::string::npos);
  for (const char* h : {"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
                        "官坡镇人民政府\n", "2024年1月20日\n"}) {
    std::size_t next = t.find(h, at);
    ASSERT_NE(next, std::string::npos) << h;
    at = next;
  }
}

TEST_F(Cli, SampleChecksClean) {
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 0) << r.out << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Cli, BrokenSumFailsR1WithLabelsSumsAndPosition) {
  edit("report.yaml", "new_received: {natural_person: 0", "new_received: {natural_person: 5");
  std::string where = position_of("report.yaml", "new_received: {natural_person: 5", "5");
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.out.find("R1 三、收到和处理政府信息公开申请情况 · 自然人：一+二=5，三（七）总计+四=0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(where + "  applications.new_received.natural_person = 5"), std::string::npos) << r.out << where;
}

TEST_F(Cli, JsonFindingsCarryCellsWithPositions) {
  edit("report.yaml", "new_received: {natural_person: 0", "new_received: {natural_person: 5");
  std::string where = position_of("report.yaml", "new_received: {natural_person: 5", "5");
  Outcome r = run("check manifest.yaml --json");
  EXPECT_EQ(r.rc, 65);
  auto account = nlohmann::json::parse(r.out);
  EXPECT_EQ(account["schema"], "nianbao-check/1");
  auto findings = account["findings"];
  ASSERT_TRUE(findings.is_array());
  bool found = false;
  for (const auto& f : findings) {
    for (const char* field : {"report", "rule", "severity", "message", "cells"}) ASSERT_TRUE(f.contains(field)) << field;
    if (f["rule"] != "R1") continue;
    found = true;
    EXPECT_EQ(f["report"], "guanpo-2023");
    EXPECT_EQ(f["severity"], "error");
    bool cell = false;
    for (const auto& c : f["cells"]) {
      if (c["key"] != "applications.new_received.natural_person") continue;
      cell = true;
      EXPECT_EQ(c["value"], "5");
      EXPECT_EQ(c["file"].template get<std::string>() + ":" + std::to_string(c["line"].template get<int>()) + ":" +
                    std::to_string(c["column"].template get<int>()),
                where);
    }
    EXPECT_TRUE(cell);
  }
  EXPECT_TRUE(found) << r.out;
}

TEST_F(Cli, RuleErrorInBuildWritesNothingAndKeepsYesterdaysFile) {
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  std::string good = slurp(report_txt());
  edit("report.yaml", "new_received: {natural_person: 0", "new_received: {natural_person: 5");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_EQ(slurp(report_txt()), good);
  EXPECT_EQ(out_files(), (std::vector<std::string>{kTitle + ".pdf", kTitle + ".txt", kTitle + ".xlsx"}));
}

TEST_F(Cli, MisspeltManifestKeyIsAConfigurationError) {
  edit("manifest.yaml", "    outputs: [text, xlsx, pdf]", "    ouputs: [text, xlsx, pdf]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("manifest.yaml:8:5: unknown key 'ouputs' in a report, did you mean 'outputs'?"), std::string::npos)
      << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Cli, NonNumberIsADataErrorAtItsPosition) {
  edit("report.yaml", "carried_over: {natural_person: 0", "carried_over: {natural_person: 三");
  std::string where = position_of("report.yaml", "carried_over: {natural_person: 三", "三");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find(where + ": 三、收到和处理政府信息公开申请情况 · 二、上年结转政府信息公开申请数量 · 自然人：应为非负整数"),
            std::string::npos)
      << r.err << where;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Cli, UnknownRowSuggestsTheNearestKeyAndLabel) {
  edit("report.yaml", "new_received:", "new_recieved:");
  Outcome r = run("check manifest.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("未知的行 'new_recieved'，是否应为 'new_received'（一、本年新收政府信息公开申请数量）？"), std::string::npos)
      << r.err;
}

TEST_F(Cli, MissingDataFileIsNoInput) {
  edit("manifest.yaml", "path: report.yaml", "path: missing.yaml");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 66);
  EXPECT_NE(r.err.find("missing.yaml: input file not found"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty());
}

// A plugin name nothing provides is the manifest's mistake (78, at its place,
// with a "did you mean"), not a broken installation (69).
TEST_F(Cli, MisspelledPluginIsAConfigurationErrorWhereItIsWritten) {
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [text, xslx]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find(position_of("manifest.yaml", "outputs: [text, xslx]", "xslx") +
                       ": no output plugin 'xslx', did you mean 'xlsx'?"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(out_files().empty());
  edit("manifest.yaml", "outputs: [text, xslx]", "outputs: [text]");
  edit("manifest.yaml", "plugin: yaml", "plugin: yml");
  r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("no input plugin 'yml', did you mean 'yaml'?"), std::string::npos) << r.err;
}

TEST_F(Cli, PluginForAnotherAbiIsRefusedByName) {
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [text, otherabi]");
  Outcome r = run(std::string("build manifest.yaml --plugin-dir '") + FIXTURE_DIR + "'");
  EXPECT_EQ(r.rc, 69);
  EXPECT_NE(r.err.find("nianbao-output-otherabi.so: plugin refused: built for plugin ABI 99, this nianbao loads ABI " +
                       std::to_string(NIANBAO_PLUGIN_ABI_VERSION)),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(out_files().empty());  // not even the text output of that report
}

TEST_F(Cli, UnknownPluginOptionSuggestsTheRightOne) {
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [{plugin: text, widht: 80}]");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 78);
  EXPECT_NE(r.err.find("plugin 'text' has no option 'widht', did you mean 'width'?"), std::string::npos) << r.err;
}

TEST_F(Cli, OneBadReportDoesNotStopTheOthers) {
  spit(dir / "manifest.yaml",
       "form: gov-info-disclosure-2021\n"
       "output_dir: out\n"
       "reports:\n"
       "  - id: broken\n"
       "    inputs: [{plugin: yaml, path: nowhere.yaml}]\n"
       "    outputs: [text]\n"
       "  - id: guanpo-2023\n"
       "    inputs: [{plugin: yaml, path: report.yaml}]\n"
       "    outputs: [text]\n");
  Outcome r = run("build manifest.yaml");
  EXPECT_EQ(r.rc, 66);
  EXPECT_EQ(out_files(), std::vector<std::string>{kTitle + ".txt"});
  EXPECT_NE(r.err.find("2 reports: 1 ok, 1 failed"), std::string::npos) << r.err;
}

TEST_F(Cli, UsageErrorsAndVersion) {
  EXPECT_EQ(run("frobnicate").rc, 64);
  Outcome none = run("");
  EXPECT_EQ(none.rc, 64);
  EXPECT_NE(none.err.find("build"), std::string::npos) << "no command: the help, not a riddle\n" << none.err;
  Outcome v = run("--version");
  EXPECT_EQ(v.rc, 0);
  EXPECT_EQ(v.out, std::string("nianbao ") + NIANBAO_VERSION + "\n");
  Outcome h = run("--help");
  EXPECT_EQ(h.rc, 0);
  EXPECT_NE(h.out.find("check"), std::string::npos);
}

TEST_F(Cli, EverySubcommandHasHelp) {
  for (std::string sub : {"build", "check", "plan", "summarize", "plugins", "config", "new-plugin", "template"}) {
    Outcome h = run(sub + " --help");
    EXPECT_EQ(h.rc, 0) << sub;
    EXPECT_NE(h.out.find("Usage: nianbao " + sub), std::string::npos) << h.out;
  }
}

TEST_F(Cli, AMisspeltCommandGetsADidYouMean) {
  Outcome r = run("bulid manifest.yaml");
  EXPECT_EQ(r.rc, 64);
  EXPECT_NE(r.err.find("no command 'bulid', did you mean 'build'?"), std::string::npos) << r.err;
  r = run("--plugin-dir . chekc manifest.yaml");
  EXPECT_EQ(r.rc, 64);
  EXPECT_NE(r.err.find("no command 'chekc', did you mean 'check'?"), std::string::npos) << r.err;
  EXPECT_TRUE(out_files().empty());
}

TEST_F(Cli, InstalledTreeFindsItsPluginsAndForm) {
  fs::path prefix = install();
  Outcome p = run("plugins", (prefix / "bin/nianbao").string());
  EXPECT_EQ(p.rc, 0) << p.err;
  EXPECT_NE(p.out.find("input yaml"), std::string::npos);
  EXPECT_NE(p.out.find("output text"), std::string::npos);
  EXPECT_EQ(p.err.find(BUILD_DIR), std::string::npos) << "installed binary looked into the build tree: " << p.err;
  Outcome b = run("build manifest.yaml", (prefix / "bin/nianbao").string());
  EXPECT_EQ(b.rc, 0) << b.err;
  EXPECT_EQ(slurp(report_txt()), slurp(fs::path(NIANBAO_TEST_DATA) / "e2e/guanpo-2023.txt"));
}

}  // namespace
