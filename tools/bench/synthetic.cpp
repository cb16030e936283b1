#include "synthetic.hpp"

#include <nianbao/error.hpp>

#include <fmt/core.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace bench {

namespace fs = std::filesystem;

namespace {

const char* const kPlaces[] = {"东坡", "西岭", "南川", "北塬", "中河", "青山", "白水", "石门", "金沟", "柳林",
                               "桃园", "杏花", "松涛", "竹溪", "云台", "龙泉", "凤鸣", "鹿角", "马营", "牛头"};
const char* const kDepartments[] = {"教育局", "财政局", "民政局", "自然资源局", "交通运输局", "农业农村局", "水利局",
                                    "卫生健康委员会", "应急管理局", "市场监督管理局", "林业局", "文化广电和旅游局"};
const char* const kSentences[] = {
    "我{unit}坚持以公开为常态、不公开为例外，按照“谁制作、谁公开，谁保存、谁公开”的原则，及时准确公开政府信息。",
    "围绕乡村振兴、稳岗就业、养老服务、食品安全、生态环境等群众关注领域，通过政府门户网站和政务公开栏主动公开相关信息。",
    "进一步规范依申请公开办理流程，严格执行登记、审核、办理、答复、归档各环节要求，按时答复申请人。",
    "加强政府信息管理，对本机关制发的行政规范性文件进行清理，及时公布现行有效文件目录。",
    "持续做好政府网站专栏维护，确保栏目信息更新及时、内容准确、链接有效。",
    "落实政务公开工作责任制，明确分管领导和专职工作人员，将政务公开工作纳入年度目标考核。",
    "组织开展政务公开业务培训，提升工作人员的公开意识和业务水平。",
    "主动接受社会监督，畅通意见反馈渠道，对群众反映的问题及时核实处理。",
};
const char* const kProblems[] = {
    "公开内容的深度和广度还有待拓展，部分信息更新不够及时。",
    "政策解读形式较为单一，图解、视频等群众喜闻乐见的解读方式运用不多。",
    "工作人员业务能力有待进一步提高。",
};

class Gen {
 public:
  explicit Gen(std::uint32_t seed) : rng_(seed) {}
  int upto(int n) { return std::uniform_int_distribution<int>(0, n)(rng_); }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return upto(99) < percent; }

 private:
  std::mt19937 rng_;
};

std::string paragraphs(Gen& g, const std::string& unit, int count) {
  std::string out;
  static const char* const leads[] = {"（一）主动公开：", "（二）依申请公开：", "（三）政府信息管理：", "（四）政府信息公开平台建设：",
                                      "（五）监督保障："};
  for (int p = 0; p < count; ++p) {
    std::string text = p < 5 ? leads[p] : "";
    for (int s = 0; s < 3; ++s) {
      std::string sentence = kSentences[g.pick(std::size(kSentences))];
      auto at = sentence.find("{unit}");
      if (at != std::string::npos) sentence.replace(at, 6, unit);
      text += sentence;
    }
    out += "    " + text + "\n\n";
  }
  return out;
}

}  // namespace

void write_synthetic(const fs::path& dir, int agencies, std::uint32_t seed, const nianbao::Form& form) {
  Gen g(seed);
  fs::create_directories(dir / "data");
  const nianbao::TableDef* proactive = form.table("proactive");
  const nianbao::TableDef* applications = form.table("applications");
  const nianbao::TableDef* appeals = form.table("appeals");
  if (!proactive || !applications || !appeals) throw nianbao::Error(nianbao::ExitCode::config, "the form lacks a table the generator fills");

  std::string manifest =
      "# " + std::to_string(agencies) + " synthetic agencies (nianbao-bench --synthetic, seed " + std::to_string(seed) +
      ")\nform: gov-info-disclosure-2021\noutput_dir: out\noutputs: [text, xlsx, pdf]\nreports:\n";
  for (int i = 0; i < agencies; ++i) {
    bool township = i % 10 < 7;
    std::string agency = township ? fmt::format("{}{}镇人民政府", kPlaces[i % std::size(kPlaces)], i)
                                  : fmt::format("第{}县{}", i, kDepartments[i % std::size(kDepartments)]);
    std::string y = "agency: " + agency + "\nyear: 2023\nkind: " + (township ? "township" : "county_dept") +
                    "\nregion: 河南省三门峡市示例县\ntext:\n  overview: |\n" + paragraphs(g, township ? "镇" : "局", 5) +
                    "  problems: |\n";
    for (const char* p : kProblems) y += std::string("    ") + p + "\n\n";
    y += "  other: |\n    本年度未收取信息处理费。\n\nsignature: {name: " + agency + ", date: 2024-01-" +
         fmt::format("{:02}", 10 + i % 20) + "}\ntables:\n";

    // T2: no 规章 (R9); documents made, repealed and in force.
    y += "  proactive:\n";
    for (const auto& row : proactive->rows) {
      y += "    " + row.key + ": {";
      for (std::size_t c = 0; c < row.columns.size(); ++c) {
        std::string v;
        if (row.key == "regulations") v = "0";
        else if (row.columns[c] == "amount") v = g.chance(30) ? fmt::format("{}.{:02}", g.upto(500), g.upto(99)) : "0";
        else v = std::to_string(g.upto(row.key == "normative_documents" ? 12 : 40));
        y += (c ? ", " : "") + row.columns[c] + ": " + v;
      }
      y += "}\n";
    }

    // T3, column by column: results (一)…(六) sum to (七) (R2); 一+二 = (七)+四 (R1);
    // the total column sums the others (R3).
    std::vector<std::string> cols;
    for (const auto& c : applications->columns) cols.push_back(c.key);
    std::vector<std::string> result_rows;
    bool in_results = false;
    for (const auto& row : applications->rows) {
      if (row.key == "r1_granted") in_results = true;
      if (in_results) result_rows.push_back(row.key);
      if (row.key == "r6_3_other") in_results = false;
    }
    std::map<std::string, std::map<std::string, int>> t3;
    for (const auto& col : cols) {
      if (col == "total") continue;
      int busy = col == "natural_person" ? 6 : 1;
      int r7 = 0;
      for (const auto& r : result_rows) {
        int v = g.chance(col == "natural_person" ? 40 : 8) ? g.upto(busy) : 0;
        t3[r][col] = v;
        r7 += v;
      }
      int carried = g.upto(1), forward = g.upto(1);
      if (carried > r7 + forward) carried = r7 + forward;
      t3["r7_total"][col] = r7;
      t3["carried_over"][col] = carried;
      t3["carry_forward"][col] = forward;
      t3["new_received"][col] = r7 + forward - carried;
    }
    y += "  applications:\n";
    for (const auto& row : applications->rows) {
      y += "    " + row.key + ": {";
      int total = 0;
      for (const auto& col : cols)
        if (col != "total") total += t3[row.key][col];
      for (std::size_t c = 0; c < cols.size(); ++c)
        y += (c ? ", " : "") + cols[c] + ": " + std::to_string(cols[c] == "total" ? total : t3[row.key][cols[c]]);
      y += "}\n";
    }

    // T4: each group's total is the sum of its results (R4).
    y += "  appeals:\n";
    for (const auto& row : appeals->rows) {
      y += "    " + row.key + ": {";
      int total = 0;
      std::string cells;
      for (const auto& col : row.columns) {
        if (col == "total") continue;
        int v = g.chance(10) ? g.upto(2) : 0;
        total += v;
        cells += (cells.empty() ? "" : ", ") + col + ": " + std::to_string(v);
      }
      y += cells + ", total: " + std::to_string(total) + "}\n";
    }

    std::string file = fmt::format("a{:05}", i);
    std::ofstream(dir / "data" / (file + ".yaml"), std::ios::binary) << y;
    // The same agency without its tables, for the workbook bench (its tables then come from a workbook).
    std::ofstream(dir / "data" / (file + "-text.yaml"), std::ios::binary) << y.substr(0, y.find("tables:\n"));
    manifest += "  - id: " + file + "\n    inputs: [{plugin: yaml, path: data/" + file + ".yaml}]\n";
  }
  std::ofstream(dir / "manifest.yaml", std::ios::binary) << manifest;
}

}  // namespace bench
