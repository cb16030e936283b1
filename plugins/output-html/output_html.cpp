// Output plugin `html`: each report as one self-contained web page for the
// county portal — the text, the official tables with their row and column
// spans (header cells as <th> with their scope, values as <td> carrying their
// cell key), typography after GB/T 9704 in the reader's own CJK fonts, a print
// style for A4 — and, for the whole build, an index page linking every
// report with its check status. No scripts, no external resources. Built on
// the SDK alone: it reads the Document, the findings and its options.
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>
#include <nianbao/version.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace {

using nianbao::Error;
using nianbao::ExitCode;

std::string escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// GB/T 9704 in CSS: 3号 (16 pt) 仿宋 on a 28.9 pt pitch in a 156 mm column,
// the title 2号 小标宋, 一、 黑体, （一） 楷体. Each face names the office
// fonts first (Windows, WPS, macOS), then the free faces Debian and
// Android ship, so that every reader gets the nearest face installed.
const char* const kStyle = R"(
:root { --fang: "FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "FandolFang", "Noto Serif CJK SC", "Source Han Serif SC", serif;
        --song: "SimSun", "宋体", "Songti SC", "FandolSong", "Noto Serif CJK SC", "Source Han Serif SC", serif;
        --title: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "方正小标宋_GBK", "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif;
        --hei: "SimHei", "黑体", "Heiti SC", "FandolHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
        --kai: "KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "STKaiti", "FandolKai", "AR PL UKai CN", serif; }
html { background: #f4f4f4; }
body { margin: 0; color: #000; font-family: var(--fang); font-size: 16pt; line-height: 28.9pt; }
main { box-sizing: content-box; max-width: 156mm; margin: 0 auto; padding: 20mm 26mm 24mm 28mm; background: #fff; }
h1.title { font-family: var(--title); font-size: 22pt; font-weight: bold; line-height: 1.5; text-align: center; margin: 0 0 28.9pt; }
h2 { font-family: var(--hei); font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
h3 { font-family: var(--kai); font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
h4, h5 { font-family: var(--fang); font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p .lead { font-family: var(--kai); }
table { border-collapse: collapse; width: 100%; margin: 7pt 0 14pt; font-family: var(--song); font-size: 10.5pt; line-height: 1.35; }
th, td { border: 0.5pt solid #000; padding: 2pt 3pt; font-weight: normal; }
th { text-align: left; }
th.band, thead th { text-align: center; }
td { text-align: center; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.signature { margin: 28.9pt 4em 0 auto; width: max-content; text-align: center; }
.signature p { text-indent: 0; }
section.attachment { margin-top: 28.9pt; }
section.attachment .label { font-family: var(--hei); text-indent: 0; }
section.attachment h2 { font-family: var(--title); font-size: 22pt; text-align: center; text-indent: 0; line-height: 1.5; margin: 14pt 0; }
@media (max-width: 210mm) { main { padding: 6mm 4mm; } table { font-size: 9pt; } }
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@media print {
  html { background: none; }
  main { max-width: none; margin: 0; padding: 0; }
  h2, h3 { break-after: avoid; }
  tr, .signature { break-inside: avoid; }
  section.attachment { break-before: page; margin-top: 0; }
}
)";

const char* const kIndexStyle = R"(
body { margin: 0; background: #f4f4f4; font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.6; }
main { max-width: 200mm; margin: 0 auto; padding: 12mm 10mm; background: #fff; }
h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif CJK SC", "SimSun", serif; font-size: 20pt; text-align: center; }
p.summary { text-align: center; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #888; padding: 3pt 6pt; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: bold; }
td.status-ok { color: #1a6b1a; }
td.status-warning { color: #8a5a00; }
td.status-error, td.status-failed { color: #b00000; font-weight: bold; }
a { margin-right: 1em; }
@media print { body { background: none; } main { padding: 0; } a { color: #000; } }
)";

std::string page_head(const std::string& title, const char* style) {
  return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"generator\" content=\"nianbao " NIANBAO_VERSION "\">\n<title>" +
         escaped(title) + "</title>\n<style>" + style + "</style>\n</head>\n";
}

bool is_header(nianbao::TableCell::Kind k) {
  using K = nianbao::TableCell::Kind;
  return k == K::header || k == K::band || k == K::label;
}

// A table as the form prints it: every cell once, where it begins, with its
// spans; the header rows in <thead> (a browser repeats them on each printed
// page), header cells as <th> scoped to their columns, labels to their rows.
std::string table(const nianbao::Table& t) {
  std::vector<std::vector<const nianbao::TableCell*>> starts(static_cast<std::size_t>(t.rows));
  for (const auto& c : t.cells) starts[static_cast<std::size_t>(c.row)].push_back(&c);
  std::string h = "<table data-table=\"" + escaped(t.key) + "\">\n";
  for (int r = 0; r < t.rows; ++r) {
    if (r == 0 && t.header_rows > 0) h += "<thead>\n";
    if (r == t.header_rows) h += "<tbody>\n";
    auto& row = starts[static_cast<std::size_t>(r)];
    std::sort(row.begin(), row.end(), [](const auto* a, const auto* b) { return a->col < b->col; });
    h += "<tr>";
    for (const auto* c : row) {
      const bool head = is_header(c->kind);
      std::string attrs;
      if (c->rowspan > 1) attrs += " rowspan=\"" + std::to_string(c->rowspan) + "\"";
      if (c->colspan > 1) attrs += " colspan=\"" + std::to_string(c->colspan) + "\"";
      if (head) {
        const bool column_head = r < t.header_rows;
        attrs += column_head ? (c->colspan > 1 ? " scope=\"colgroup\"" : " scope=\"col\"")
                             : (c->rowspan > 1 ? " scope=\"rowgroup\"" : " scope=\"row\"");
        if (c->kind == nianbao::TableCell::Kind::band) attrs += " class=\"band\"";
        h += "<th" + attrs + ">" + escaped(c->text) + "</th>";
      } else {
        if (c->kind == nianbao::TableCell::Kind::number) attrs += " class=\"num\"";
        if (!c->key.empty()) attrs += " data-key=\"" + escaped(c->key) + "\"";
        h += "<td" + attrs + ">" + escaped(c->text) + "</td>";
      }
    }
    h += "</tr>\n";
    if (r + 1 == t.header_rows) h += "</thead>\n";
  }
  if (t.rows > t.header_rows) h += "</tbody>\n";
  return h + "</table>\n";
}

// The title centred on as many lines as print would set (after the agency's
// name, never inside a word): about twenty characters of 2号 to a line.
std::string title_html(const nianbao::Document& doc) {
  auto measure = [](std::string_view s) { return nianbao::display_width(s) / 2.0; };
  std::string h;
  for (const auto& l : nianbao::title_lines(doc.title, doc.author, 20, measure)) h += (h.empty() ? "" : "<br>") + escaped(l);
  return h;
}

std::string one_line(std::string s) {
  std::erase(s, '\n');
  return s;
}

// The index page's name: a plain file name in the output folder, refused
// before any report is built otherwise.
const std::string& index_file(const nianbao::Options& options) {
  const std::string& file = options.string("index_file");
  if (file.empty() || file == "." || file == ".." || file.find('/') != std::string::npos || file.find('\\') != std::string::npos)
    throw Error(ExitCode::config, "html option index_file must be a file name, not \"" + file + "\"", options.get("index_file").source);
  return file;
}

class HtmlOutput : public nianbao::OutputPlugin {
 public:
  void check(const nianbao::Options& options) override { index_file(options); }

  void write(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) override {
    const nianbao::Document& doc = rq.doc;
    std::string h = page_head(one_line(doc.title), kStyle);
    h += "<body>\n<main>\n<article>\n<h1 class=\"title\">" + title_html(doc) + "</h1>\n";
    bool in_attachment = false;
    for (const nianbao::Block& b : doc.blocks)
      std::visit(nianbao::overloaded{
                     [&](const nianbao::Heading& x) {
                       const int level = std::clamp(x.level + 1, 2, 5);
                       h += "<h" + std::to_string(level) + ">" + escaped(x.text) + "</h" + std::to_string(level) + ">\n";
                     },
                     [&](const nianbao::Paragraph& p) {
                       h += "<p>" + (p.lead.empty() ? "" : "<span class=\"lead\">" + escaped(p.lead) + "</span>") + escaped(p.text) + "</p>\n";
                     },
                     [&](const nianbao::Table& t) { h += table(t); },
                     [&](const nianbao::SignatureBlock& s) {
                       h += "<div class=\"signature\"><p>" + escaped(s.name) + "</p><p>" + escaped(s.date) + "</p></div>\n";
                     },
                     [&](const nianbao::Attachment& a) {
                       if (in_attachment) h += "</section>\n";
                       in_attachment = true;
                       h += "<section class=\"attachment\">\n<p class=\"label\">" + escaped(a.label) + "</p>\n<h2>" +
                            escaped(a.title) + "</h2>\n";
                     }},
                 b);
    if (in_attachment) h += "</section>\n";
    h += "</article>\n</main>\n</body>\n</html>\n";
    nianbao::write_bytes(files.create(doc.file_stem + ".html"), h);
  }

  bool writes_summary() const override { return true; }

  // The index: every report of the build in manifest order, its kind and
  // year, what the checks said, and links to the files it published.
  void write_summary(const nianbao::SummaryRequest& rq, nianbao::OutputFiles& files) override {
    const std::string& file = index_file(rq.options);
    int year = 0, ok = 0, warned = 0, failed = 0;
    for (const auto& e : rq.entries) year = std::max(year, e.year);
    std::string rows;
    for (const auto& e : rq.entries) {
      int errors = 0, warnings = 0;
      for (const auto& f : e.findings) (f.severity == nianbao::Severity::error ? errors : warnings)++;
      std::string status, cls;
      if (e.status != ExitCode::ok && e.status != ExitCode::data) {
        status = "未生成：" + e.error;
        cls = "failed";
        ++failed;
      } else if (errors > 0) {
        status = std::to_string(errors) + " 处错误" + (warnings ? "，" + std::to_string(warnings) + " 条提示" : "");
        cls = "error";
        ++failed;
      } else if (warnings > 0) {
        status = "通过，" + std::to_string(warnings) + " 条提示";
        cls = "warning";
        ++warned;
      } else {
        status = "通过";
        cls = "ok";
        ++ok;
      }
      std::string links;
      // The report's own page first, then what else it published.
      std::vector<std::string> names = e.files;
      std::stable_partition(names.begin(), names.end(), [](const std::string& n) { return n.ends_with(".html"); });
      for (const auto& n : names) {
        const std::size_t dot = n.rfind('.');
        std::string label = dot == std::string::npos ? n : n.substr(dot + 1);
        std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (label == "HTML") label = "网页";
        links += "<a href=\"" + escaped(url_path(n)) + "\">" + escaped(label) + "</a>";
      }
      rows += "<tr data-id=\"" + escaped(e.id) + "\"><td>" + escaped(e.agency) + "</td><td>" + escaped(e.kind_label) + "</td><td>" +
              (e.year ? std::to_string(e.year) : "") + "</td><td class=\"status-" + cls + "\">" + escaped(status) + "</td><td>" +
              links + "</td></tr>\n";
    }
    std::string title = (year ? std::to_string(year) + "年度" : std::string()) + "政府信息公开工作年度报告";
    std::string h = page_head(title, kIndexStyle);
    h += "<body>\n<main>\n<h1>" + escaped(title) + "</h1>\n<p class=\"summary\">共 " + std::to_string(rq.entries.size()) +
         " 份报告：" + std::to_string(ok) + " 份通过，" + std::to_string(warned) + " 份有提示，" + std::to_string(failed) +
         " 份有错误或未生成</p>\n<table>\n<thead><tr><th scope=\"col\">单位</th><th scope=\"col\">类型</th><th scope=\"col\">年度</th>"
         "<th scope=\"col\">检查</th><th scope=\"col\">文件</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table>\n</main>\n</body>\n</html>\n";
    nianbao::write_bytes(files.create(file), h);
  }

 private:
  // A file name as a relative URL: percent-encoded bytes outside the safe
  // set (a Chinese name works in every browser, and in a portal's checker).
  static std::string url_path(const std::string& name) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : name) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
      else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }
};

const nianbao_option_spec kOptions[] = {
    {"index_file", "string", "index.html", nullptr, "the whole build's index page (manifest summary: [html]): its file name"},
};

}  // namespace

NIANBAO_OUTPUT_PLUGIN(HtmlOutput, "html", "1.0.0", "A web page per report for the county portal, and an index of them all", kOptions)
