// The json output (nianbao-record/1) and the json input that reads it back:
// every cell of the form on a line of its own, byte-identical rebuilds,
// records that build the same text as the data they came from, and strict
// errors at the file:line of the cell.
#include "cli_fixture.hpp"

#include <nianbao/form.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace e2e;

namespace {

using ojson = nlohmann::ordered_json;

// 1-based number of the first line of `text` that holds `needle`; 0 when none.
int line_of(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(needle) != std::string::npos) return n;
  return 0;
}

// "file:line:column" of a record's source object.
std::string where(const ojson& source) {
  return source.at("file").get<std::string>() + ":" + std::to_string(source.at("line").get<int>()) + ":" +
         std::to_string(source.at("column").get<int>());
}

class Json : public Cli {
 protected:
  std::string record_name() { return "out/" + kTitle + ".json"; }
  fs::path record() { return dir / record_name(); }
  void outputs(const std::string& list) { edit("manifest.yaml", "outputs: [text, xlsx, pdf]", "outputs: " + list); }
  // A manifest that reads the record at `path` back as the report, into `out_dir`.
  void readback(const std::string& manifest, const std::string& path, const std::string& out_dir,
                const std::string& outs = "[text]") {
    spit(dir / manifest, "form: gov-info-disclosure-2021\noutput_dir: " + out_dir +
                             "\nreports:\n  - id: guanpo-2023\n    inputs:\n      - {plugin: json, path: " + path +
                             "}\n    outputs: " + outs + "\n");
  }
  // The sample's record, copied to record.json beside a manifest that reads it.
  std::string good_record() {
    outputs("[json]");
    Outcome r = run("build manifest.yaml");
    EXPECT_EQ(r.rc, 0) << r.err;
    std::string text = slurp(record());
    spit(dir / "record.json", text);
    readback("back.yaml", "record.json", "back");
    return text;
  }
  // Replaces the first `from` in record.json; returns the line it is on.
  int change(const std::string& from, const std::string& to) {
    std::string s = slurp(dir / "record.json");
    auto p = s.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    if (p == std::string::npos) return 0;
    s.replace(p, from.size(), to);
    spit(dir / "record.json", s);
    return line_of(s, to);
  }

  const nianbao::Form form = nianbao::Form::load(NIANBAO_FORM_2021);
};

TEST_F(Json, RecordHoldsEveryCellOfTheFormOnALineOfItsOwn) {
  edit("report.yaml", "administrative_coercion: {decisions: 0}", "administrative_coercion: {decisions: ~}");
  edit("report.yaml", "administrative_fees: {amount: 0}", "administrative_fees: {amount: 12.345600}");
  outputs("[json]");
  // The blank cell breaks R5: the record is written as a draft.
  Outcome r = run("build manifest.yaml --write-invalid");
  ASSERT_EQ(r.rc, 65) << r.err;
  const std::string text = slurp(record());
  const ojson rec = ojson::parse(text);
  EXPECT_EQ(rec["schema"], "nianbao-record/1");
  EXPECT_EQ(rec["form"], "gov-info-disclosure-2021");
  EXPECT_EQ(rec["id"], "guanpo-2023");
  EXPECT_EQ(rec["agency"], "官坡镇人民政府");
  EXPECT_EQ(rec["year"], 2023);
  EXPECT_EQ(rec["kind"], "township");
  EXPECT_EQ(rec["kind_label"], "乡镇人民政府");
  EXPECT_EQ(rec["region"], "河南省三门峡市卢氏县");
  EXPECT_TRUE(rec["preface"].is_null());
  EXPECT_TRUE(rec["signature"].is_null());
  EXPECT_EQ(rec["contact"]["phone"]["text"], "0398-7002005");
  EXPECT_EQ(where(rec["contact"]["phone"]["source"]), position_of("report.yaml", "phone: 0398", "0398"));
  for (const char* k : {"overview", "problems", "other"}) EXPECT_TRUE(rec["texts"].contains(k)) << k;
  EXPECT_EQ(rec["texts"]["overview"]["text"].get<std::string>().rfind("（一）主动公开：", 0), 0u);

  // Every cell of the form, in the form's order.
  std::vector<std::string> keys;
  for (auto it = rec["cells"].begin(); it != rec["cells"].end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, form.cell_keys());

  const ojson& cells = rec["cells"];
  const ojson& n = cells["applications.new_received.natural_person"];
  EXPECT_EQ(n["state"], "value");
  EXPECT_EQ(n["value"], "0");
  EXPECT_EQ(n["label"], form.cell_label("applications.new_received.natural_person"));
  EXPECT_EQ(where(n["source"]), position_of("report.yaml", "new_received: {natural_person: 0", "0"));
  const ojson& fee = cells["proactive.administrative_fees.amount"];
  EXPECT_EQ(fee["state"], "value");
  EXPECT_EQ(fee["value"], "12.345600");  // the places written, not a float
  const ojson& blank = cells["proactive.administrative_coercion.decisions"];
  EXPECT_EQ(blank["state"], "blank");
  EXPECT_FALSE(blank.contains("value"));
  EXPECT_EQ(where(blank["source"]), position_of("report.yaml", "administrative_coercion: {decisions: ~}", "~"));
  EXPECT_EQ(cells["appeals.review.total"]["value"], "0");

  // Each cell is one line: "key": {…} and nothing else.
  for (const auto& key : form.cell_keys()) {
    std::istringstream in(text);
    std::string line;
    int found = 0;
    while (std::getline(in, line)) {
      const std::string head = "    \"" + key + "\": ";
      if (line.rfind(head, 0) != 0) continue;
      ++found;
      std::string body = line.substr(head.size());
      if (!body.empty() && body.back() == ',') body.pop_back();
      EXPECT_EQ(ojson::parse(body), cells[key]) << line;
    }
    EXPECT_EQ(found, 1) << key;
  }
  bool r5 = false;
  for (const auto& f : rec["findings"])
    r5 = r5 || (f["rule"] == "R5" && f["cells"][0]["key"] == "proactive.administrative_coercion.decisions");
  EXPECT_TRUE(r5) << rec["findings"].dump();

  // The same input, the same bytes.
  ASSERT_EQ(run("build manifest.yaml --write-invalid --force").rc, 65);
  EXPECT_EQ(slurp(record()), text);
}

TEST_F(Json, RecordReadBackBuildsTheSameTextByteForByte) {
  outputs("[text, json]");
  ASSERT_EQ(run("build manifest.yaml").rc, 0);
  readback("back.yaml", record_name(), "back", "[text, json]");
  Outcome r = run("build back.yaml");
  ASSERT_EQ(r.rc, 0) << r.err;
  const std::string txt = slurp(report_txt());
  EXPECT_EQ(slurp(dir / "back" / (kTitle + ".txt")), txt);
  EXPECT_EQ(txt, slurp(fs::path(NIANBAO_TEST_DATA) / "e2e/guanpo-2023.txt"));

  // The cells come back as they were, each placed at its line of the record.
  const std::string first_text = slurp(record());
  const ojson first = ojson::parse(first_text);
  const ojson second = ojson::parse(slurp(dir / "back" / (kTitle + ".json")));
  for (const auto& key : form.cell_keys()) {
    const ojson& a = first["cells"][key];
    const ojson& b = second["cells"][key];
    EXPECT_EQ(a["state"], b["state"]) << key;
    EXPECT_EQ(a.value("value", ""), b.value("value", "")) << key;
    EXPECT_EQ(where(b["source"]), record_name() + ":" + std::to_string(line_of(first_text, "\"" + key + "\"")) + ":5") << key;
  }
  EXPECT_EQ(where(second["contact"]["phone"]["source"]), record_name() + ":" + std::to_string(line_of(first_text, "\"phone\"")) + ":5");
  EXPECT_EQ(first["texts"], [&] {
    ojson t = second["texts"];
    for (auto& [k, v] : t.items()) v["source"] = first["texts"][k]["source"];
    return t;
  }());
}

TEST_F(Json, CountyRecordsReadBackToTheSameText) {
  fs::copy(fs::path(NIANBAO_SOURCE_DIR) / "samples/county-demo", dir / "county", fs::copy_options::recursive);
  fs::remove_all(dir / "county/out");
  std::string m = slurp(dir / "county/manifest.yaml");
  m.replace(m.find("outputs: [text, xlsx, pdf]"), 26, "outputs: [text, json]");
  m.erase(m.find("summary: [xlsx]"), m.find('\n', m.find("summary: [xlsx]")) - m.find("summary: [xlsx]") + 1);
  spit(dir / "county/manifest.yaml", m);
  // Drafts too: the five agencies with planted failures round-trip as well.
  Outcome r = run("build county/manifest.yaml --write-invalid");
  ASSERT_EQ(r.rc, 65) << r.err;

  std::vector<std::string> records;
  for (const auto& e : fs::directory_iterator(dir / "county/out"))
    if (e.path().extension() == ".json") records.push_back(e.path().filename().string());
  std::sort(records.begin(), records.end());
  ASSERT_EQ(records.size(), 16u);
  std::string back = "form: gov-info-disclosure-2021\noutput_dir: back\noutputs: [text, json]\nreports:\n";
  for (std::size_t i = 0; i < records.size(); ++i)
    back += "  - id: r" + std::to_string(i) + "\n    inputs:\n      - {plugin: json, path: out/" + records[i] + "}\n";
  spit(dir / "county/back.yaml", back);
  r = run("build county/back.yaml --write-invalid");
  ASSERT_EQ(r.rc, 65) << r.err;

  // The same findings too: the checks run again on the same numbers.
  auto findings = [](const ojson& rec) {
    std::vector<std::string> f;
    for (const auto& x : rec["findings"]) {
      std::string s = x["rule"].get<std::string>() + " " + x["message"].get<std::string>();
      for (const auto& c : x["cells"]) s += " " + c["key"].get<std::string>() + "=" + c["value"].get<std::string>();
      f.push_back(s);
    }
    return f;
  };
  std::size_t with_findings = 0;
  for (const auto& name : records) {
    const std::string stem = name.substr(0, name.size() - 5);
    EXPECT_EQ(slurp(dir / "county/back" / (stem + ".txt")), slurp(dir / "county/out" / (stem + ".txt"))) << stem;
    const ojson a = ojson::parse(slurp(dir / "county/out" / name));
    const ojson b = ojson::parse(slurp(dir / "county/back" / name));
    EXPECT_EQ(findings(a), findings(b)) << stem;
    with_findings += !a["findings"].empty();
  }
  EXPECT_GE(with_findings, 5u);
}

TEST_F(Json, WrongSchemaIsRefusedNamingBoth) {
  good_record();
  int line = change("\"schema\": \"nianbao-record/1\"", "\"schema\": \"nianbao-record/2\"");
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("record.json:" + std::to_string(line) + ":3: 报告记录的 schema 为 “nianbao-record/2”"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("\"schema\": \"nianbao-record/1\""), std::string::npos) << r.err;
}

TEST_F(Json, RecordOfAnotherFormIsRefused) {
  good_record();
  int line = change("\"form\": \"gov-info-disclosure-2021\"", "\"form\": \"gov-info-disclosure-2019\"");
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("record.json:" + std::to_string(line) + ":3: 报告记录的表式（form）为 “gov-info-disclosure-2019”，而本次使用的表式为 “gov-info-disclosure-2021”"),
            std::string::npos)
      << r.err;
}

TEST_F(Json, BadNumberIsADataErrorAtTheLineOfItsCell) {
  good_record();
  int line = change("\"applications.new_received.total\": {\"state\": \"value\", \"value\": \"0\"",
                    "\"applications.new_received.total\": {\"state\": \"value\", \"value\": \"12a\"");
  ASSERT_GT(line, 0);
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("record.json:" + std::to_string(line) + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计：应为非负整数，实为 “12a”"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "back"));
}

TEST_F(Json, UnknownCellKeySuggestsTheNearest) {
  good_record();
  int line = change("\"applications.new_received.total\"", "\"applications.new_received.totl\"");
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("record.json:" + std::to_string(line) +
                       ":5: 未知的单元格 'applications.new_received.totl'，是否应为 'applications.new_received.total'"),
            std::string::npos)
      << r.err;
}

TEST_F(Json, EveryProblemOfARecordInOneRun) {
  good_record();
  int unknown = change("\"appeals.review.total\"", "\"appeals.review.totl\"");
  int number = change("\"proactive.regulations.made\": {\"state\": \"value\", \"value\": \"0\"",
                      "\"proactive.regulations.made\": {\"state\": \"value\", \"value\": \"-3\"");
  int state = change("\"applications.carried_over.commercial\": {\"state\": \"value\"",
                     "\"applications.carried_over.commercial\": {\"state\": \"zero\"");
  int year = change("\"year\": 2023", "\"year\": \"2023\"");
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  for (int line : {unknown, number, state, year}) {
    ASSERT_GT(line, 0);
    EXPECT_NE(r.err.find("record.json:" + std::to_string(line) + ":"), std::string::npos) << line << "\n" << r.err;
  }
  EXPECT_NE(r.err.find("state 应为 value、blank 或 not_applicable，实为 “zero”"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("不能为负数，实为 “-3”"), std::string::npos) << r.err;
}

TEST_F(Json, SyntaxErrorIsAtItsLineAndColumn) {
  good_record();
  int line = change("\"region\": \"河南省三门峡市卢氏县\",", "\"region\": \"河南省三门峡市卢氏县\"");
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  // The key after the missing comma is what the parser did not expect.
  EXPECT_NE(r.err.find("record.json:" + std::to_string(line + 1) + ":3: JSON 格式错误："), std::string::npos) << r.err;
}

TEST_F(Json, DuplicateKeyIsRefused) {
  good_record();
  int line = change("\"agency\": \"官坡镇人民政府\",", "\"agency\": \"官坡镇人民政府\", \"agency\": \"别的单位\",");
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("record.json:" + std::to_string(line) + ":24: 键 'agency' 重复（第一次在第 " + std::to_string(line) + " 行）"),
            std::string::npos)
      << r.err;
}

TEST_F(Json, HugeFileIsRefusedUnread) {
  good_record();
  fs::resize_file(dir / "record.json", (std::uintmax_t{64} << 20) + 1);  // sparse: costs no disk
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  EXPECT_NE(r.err.find("record.json: 文件过大（超过 64 MB）"), std::string::npos) << r.err;
}

TEST_F(Json, RecordOutsideTheManifestFolderIsRefused) {
  good_record();
  const fs::path outside = dir.parent_path() / ("nianbao-e2e-outside-" + std::to_string(::getpid()) + ".json");
  fs::copy_file(dir / "record.json", outside, fs::copy_options::overwrite_existing);
  fs::create_symlink(outside, dir / "link.json");
  readback("link.yaml", "link.json", "back");
  Outcome r = run("check link.yaml");
  fs::remove(outside);
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("outside the manifest's folder"), std::string::npos) << r.err;
}

TEST_F(Json, FindingsCarryTheirCellsAndReadBackPointsAtTheRecord) {
  edit("report.yaml", "new_received: {natural_person: 0", "new_received: {natural_person: 5");
  const std::string yaml_at = position_of("report.yaml", "new_received: {natural_person: 5", "5");
  outputs("[json]");
  ASSERT_EQ(run("build manifest.yaml --write-invalid").rc, 65);
  const std::string text = slurp(record());
  const ojson rec = ojson::parse(text);
  bool found = false;
  for (const auto& f : rec["findings"]) {
    if (f["rule"] != "R1") continue;
    EXPECT_EQ(f["severity"], "error");
    EXPECT_NE(f["message"].get<std::string>().find("一+二=5"), std::string::npos) << f.dump();
    for (const auto& c : f["cells"]) {
      for (const char* field : {"key", "previous", "label", "value", "source"}) EXPECT_TRUE(c.contains(field)) << field;
      EXPECT_EQ(c["previous"], false);
      if (c["key"] != "applications.new_received.natural_person") continue;
      found = true;
      EXPECT_EQ(c["value"], "5");
      EXPECT_EQ(c["label"], form.cell_label("applications.new_received.natural_person"));
      EXPECT_EQ(where(c["source"]), yaml_at);
    }
  }
  EXPECT_TRUE(found) << rec["findings"].dump(1);
  // A finding's cell is a line of its own, too.
  EXPECT_GT(line_of(text, "      {\"key\": \"applications.new_received.natural_person\", \"previous\": false"), 0) << text;

  // Read back, the checks run again and name the record's lines.
  readback("back.yaml", record_name(), "back");
  Outcome r = run("check back.yaml");
  EXPECT_EQ(r.rc, 65);
  const int line = line_of(text, "    \"applications.new_received.natural_person\": ");
  EXPECT_NE(r.out.find(record_name() + ":" + std::to_string(line) + ":5  applications.new_received.natural_person = 5"),
            std::string::npos)
      << r.out;
}

}  // namespace
