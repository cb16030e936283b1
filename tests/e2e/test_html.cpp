// The html output as the county portal gets it: one self-contained page per
// report whose tables are the Document's cell for cell (every span, header
// cells as <th>, every number the report's), the title broken after the
// agency, nothing fetched from elsewhere; an index page of the whole build
// with each report's check status and links that lead to its files; and a
// page that headless Chromium renders to something other than a blank.
#include "cli_fixture.hpp"

#include <nianbao/compose.hpp>
#include <nianbao/form.hpp>
#include <nianbao/manifest.hpp>
#include <nianbao/pipeline.hpp>
#include <nianbao/plugin_host.hpp>

#include <nlohmann/json.hpp>

using namespace e2e;

namespace {

using json = nlohmann::json;


class Html : public Cli {
 protected:
  json read_page(const fs::path& page) {
    return json::parse(tool(kPython + " '" + std::string(NIANBAO_SOURCE_DIR) + "/tests/e2e/html_readback.py' '" + page.string() + "'"));
  }
  fs::path page() { return dir / "out" / (kTitle + ".html"); }

  // The sample's Document as compose makes it, from the report as the yaml
  // input reads it: what the page must show.
  nianbao::Document sample_document() {
    struct NoFiles : nianbao::InputFiles {
      nianbao::DataFile read(const std::string&, const nianbao::SourceLoc& at) override {
        throw nianbao::Error(nianbao::ExitCode::data, "no files here", at);
      }
    } no_files;
    nianbao::PluginHost host({REAL_PLUGIN_DIR});
    nianbao::Form form = nianbao::Form::load(nianbao::locate_form("gov-info-disclosure-2021", dir, {}));
    nianbao::Options options = nianbao::resolve_options("yaml", host.info(nianbao::PluginKind::input, "yaml").options, nianbao::PluginUse{});
    auto reports = host.create_input("yaml")->read(nianbao::InputRequest{dir / "report.yaml", "report.yaml", form, options, no_files});
    return nianbao::compose(form, reports.at(0));
  }
};

// The percent-decoded href: the file name it leads to.
std::string unescape(const std::string& href) {
  std::string out;
  for (std::size_t i = 0; i < href.size(); ++i) {
    if (href[i] == '%' && i + 2 < href.size()) {
      out += static_cast<char>(std::stoi(href.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += href[i];
    }
  }
  return out;
}

TEST_F(Html, SamplePageIsTheDocumentCellForCellAndTheReportNumberForNumber) {
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [html, json]");
  Outcome b = run("build manifest.yaml");
  ASSERT_EQ(b.rc, 0) << b.err;
  json p = read_page(page());
  EXPECT_EQ(p["lang"], "zh-CN");
  EXPECT_EQ(p["charset"], "utf-8");
  EXPECT_TRUE(p["external"].empty()) << p["external"].dump() << ": a page for the portal fetches nothing";
  EXPECT_TRUE(p["unclosed"].empty()) << p["unclosed"].dump();
  EXPECT_EQ(p["title"], kTitle);
  EXPECT_EQ(p["h1"][0], "官坡镇人民政府\n2023年政府信息公开工作年度报告") << "the title breaks after the agency's name";

  nianbao::Document doc = sample_document();
  std::vector<std::string> headings;
  std::vector<const nianbao::Table*> tables;
  for (const auto& block : doc.blocks) {
    if (auto h = std::get_if<nianbao::Heading>(&block)) headings.push_back(h->text);
    if (auto t = std::get_if<nianbao::Table>(&block)) tables.push_back(t);
  }
  ASSERT_EQ(p["headings"].size(), headings.size());
  for (std::size_t i = 0; i < headings.size(); ++i) EXPECT_EQ(p["headings"][i]["text"], headings[i]);
  EXPECT_EQ(p["headings"][0]["level"], 2);

  ASSERT_EQ(p["tables"].size(), tables.size());
  std::size_t numbers = 0;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const nianbao::Table& t = *tables[i];
    const json& pt = p["tables"][i];
    SCOPED_TRACE(t.key);
    EXPECT_EQ(pt["key"], t.key);
    EXPECT_EQ(pt["rows"], t.rows);
    EXPECT_EQ(pt["columns"], t.columns);
    EXPECT_EQ(pt["header_rows"], t.header_rows);
    EXPECT_TRUE(pt["covered_twice"].empty()) << pt["covered_twice"].dump();
    EXPECT_TRUE(pt["not_covered"].empty()) << pt["not_covered"].dump();
    EXPECT_TRUE(pt["outside"].empty()) << pt["outside"].dump();
    ASSERT_EQ(pt["cells"].size(), t.cells.size());
    std::map<std::pair<int, int>, json> at;
    for (const auto& c : pt["cells"]) at[{c["row"].get<int>(), c["col"].get<int>()}] = c;
    for (const auto& c : t.cells) {
      auto it = at.find({c.row, c.col});
      ASSERT_NE(it, at.end()) << "no cell begins at row " << c.row << ", column " << c.col << " (" << c.text << ")";
      const json& h = it->second;
      EXPECT_EQ(h["rowspan"], c.rowspan) << c.text;
      EXPECT_EQ(h["colspan"], c.colspan) << c.text;
      EXPECT_EQ(h["text"], c.text);
      const bool header = c.kind == nianbao::TableCell::Kind::header || c.kind == nianbao::TableCell::Kind::band ||
                          c.kind == nianbao::TableCell::Kind::label;
      EXPECT_EQ(h["tag"], header ? "th" : "td") << c.text;
      if (header) {
        EXPECT_FALSE(h["scope"].is_null()) << c.text;
      }
      if (!c.key.empty()) {
        EXPECT_EQ(h["key"], c.key);
      }
    }
  }
  // Every number against the report, through nianbao's own record of it.
  json record = json::parse(slurp(dir / "out" / (kTitle + ".json")));
  std::set<std::string> seen;
  for (const auto& pt : p["tables"])
    for (const auto& c : pt["cells"]) {
      if (c["key"].is_null()) continue;
      const std::string key = c["key"];
      EXPECT_TRUE(seen.insert(key).second) << key << " shown twice";
      const json& cell = record["cells"].at(key);
      std::string expected = cell["state"] == "value" ? cell["value"].get<std::string>() : cell["state"] == "not_applicable" ? "/" : "";
      auto shown = nianbao::Decimal::parse(c["text"].get<std::string>()), want = nianbao::Decimal::parse(expected);
      if (shown && want) EXPECT_EQ(shown->str(), want->str()) << key;
      else EXPECT_EQ(c["text"], expected) << key;
      ++numbers;
    }
  EXPECT_EQ(seen.size(), record["cells"].size()) << "every cell of the form is on the page";
  EXPECT_GE(numbers, 200u);  // the 2021 form has 200 cells
}

TEST_F(Html, IndexListsEveryReportWithItsStatusAndLinksThatLead) {
  // Two agencies: 官坡镇 as it is, and a copy whose table breaks R1.
  std::string second = slurp(dir / "report.yaml");
  for (auto at = second.find("官坡镇"); at != std::string::npos; at = second.find("官坡镇", at))
    second.replace(at, std::string("官坡镇").size(), "杜关镇");
  spit(dir / "dugu.yaml", second);
  spit(dir / "manifest.yaml",
       "form: gov-info-disclosure-2021\noutput_dir: out\noutputs: [html, pdf]\nsummary: [html]\nreports:\n"
       "  - id: guanpo-2023\n    inputs: [{plugin: yaml, path: report.yaml}]\n  - id: duguan-2023\n    inputs: [{plugin: yaml, path: dugu.yaml}]\n");
  edit("dugu.yaml", "natural_person: 0", "natural_person: 5");
  Outcome b = run("build manifest.yaml");
  EXPECT_EQ(b.rc, 65) << b.err;
  json idx = read_page(dir / "out/index.html");
  EXPECT_TRUE(idx["external"].empty()) << idx["external"].dump();
  EXPECT_EQ(idx["h1"][0], "2023年度政府信息公开工作年度报告");
  ASSERT_EQ(idx["tables"].size(), 1u);
  const json& cells = idx["tables"][0]["cells"];
  std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(idx["tables"][0]["rows"].get<int>()));
  for (const auto& c : cells) rows[c["row"].get<std::size_t>()].push_back(c["text"]);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "官坡镇人民政府");
  EXPECT_EQ(rows[1][1], "乡镇人民政府");
  EXPECT_EQ(rows[1][3], "通过，1 条提示");
  EXPECT_EQ(rows[2][0], "杜关镇人民政府");
  EXPECT_NE(rows[2][3].find("处错误"), std::string::npos) << rows[2][3];
  // Links: 官坡镇's page and PDF, which exist; nothing of 杜关镇, which published nothing.
  ASSERT_EQ(idx["links"].size(), 2u) << idx["links"].dump();
  EXPECT_EQ(unescape(idx["links"][0]), kTitle + ".html");
  EXPECT_EQ(unescape(idx["links"][1]), kTitle + ".pdf");
  for (const auto& href : idx["links"]) EXPECT_TRUE(fs::exists(dir / "out" / unescape(href))) << href;
}

TEST_F(Html, ChromiumRendersThePageToSomethingOtherThanABlank) {
  edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: [html]");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  // --disable-dev-shm-usage: a container's or chroot's /dev/shm may be tiny or absent.
  std::string shot = (dir / "shot.png").string();
  std::string cmd = "chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars "
                    "--window-size=900,1300 --screenshot='" + shot + "' 'file://" + page().string() + "' > '" +
                    (dir / "chromium.txt").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(dir / "chromium.txt");
  json ink = json::parse(tool(kPython + " '" + std::string(NIANBAO_SOURCE_DIR) + "/tests/e2e/png_ink.py' '" + shot + "'"));
  EXPECT_EQ(ink["width"], 900);
  // Text on white: a blank page has no dark pixels, a page that failed to
  // style itself (or a black one) far too many.
  EXPECT_GT(ink["dark"].get<double>(), 0.01) << ink.dump();
  EXPECT_LT(ink["dark"].get<double>(), 0.5) << ink.dump();
}

}  // namespace
