// Output plugin `text`: the report as plain text that reads like the
// published report and lines up in a terminal.
#include "text_table.hpp"

#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>


namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

constexpr const char* kIndent = "\u3000\u3000";  // two full-width spaces: the first-line indent

class TextOutput : public nianbao::OutputPlugin {
 public:
  void check(const nianbao::Options& options) override {
    const std::int64_t asked = options.integer("width");
    // Narrower than ten CJK characters a line, a report stops being readable.
    if (asked < 20 || asked > 1000)
      throw nianbao::Error(nianbao::ExitCode::config, "option 'width' of plugin 'text' must be between 20 and 1000, not " +
                                                          std::to_string(asked),
                           options.get("width").source);
  }

  void write(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) override {
    check(rq.options);
    const int width = static_cast<int>(rq.options.integer("width"));
    const bool wrap = rq.options.boolean("wrap");
    const int ambiguous = rq.options.string("ambiguous_width") == "2" ? 2 : 1;
    const std::string eol = rq.options.string("line_ending") == "crlf" ? "\r\n" : "\n";
    text_output::Measure measure = [ambiguous](std::string_view s) { return nianbao::display_width(s, ambiguous); };
    auto lines_of = [&](const std::string& s) {
      if (!wrap) return std::vector<std::string>{s};
      return nianbao::wrap_lines(s, width, [&](std::string_view x) { return static_cast<double>(measure(x)); });
    };

    std::vector<std::string> out;
    auto blank = [&] {
      if (!out.empty() && !out.back().empty()) out.emplace_back();
    };
    // A title breaks after the agency's name or between words, and where its template says \n.
    auto title_of = [&](const std::string& s, const std::string& lead) {
      return nianbao::title_lines(s, lead, wrap ? width : 1e9, [&](std::string_view x) { return static_cast<double>(measure(x)); });
    };
    for (const auto& l : title_of(rq.doc.title, rq.doc.author)) out.push_back(std::string(static_cast<std::size_t>(std::max(0, (width - measure(l)) / 2)), ' ') + l);
    out.emplace_back();  // a blank line under the title, before an opening paragraph or the first heading
    for (const auto& block : rq.doc.blocks) {
      std::visit(overloaded{
                     [&](const nianbao::Heading& h) {
                       blank();
                       for (const auto& l : lines_of(h.level == 1 ? h.text : kIndent + h.text)) out.push_back(l);
                       if (h.level == 1) out.emplace_back();
                     },
                     [&](const nianbao::Paragraph& p) {
                       for (const auto& l : lines_of(kIndent + p.lead + p.text)) out.push_back(l);
                     },
                     [&](const nianbao::Table& t) {
                       blank();
                       for (auto& l : text_output::draw_table(t, width, measure)) out.push_back(std::move(l));
                       out.emplace_back();
                     },
                     [&](const nianbao::Attachment& a) {
                       // A page of its own in print: here a gap, the label, the title centred.
                       blank();
                       out.emplace_back();
                       out.push_back(a.label);
                       out.emplace_back();
                       for (const auto& l : title_of(a.title, ""))
                         out.push_back(std::string(static_cast<std::size_t>(std::max(0, (width - measure(l)) / 2)), ' ') + l);
                     },
                     [&](const nianbao::SignatureBlock& s) {
                       blank();
                       out.emplace_back();
                       for (const auto& l : {s.name, s.date})
                         out.push_back(std::string(static_cast<std::size_t>(std::max(0, width - measure(l))), ' ') + l);
                     },
                 },
                 block);
    }
    while (!out.empty() && out.back().empty()) out.pop_back();

    std::string bytes;
    for (const auto& l : out) bytes += l + eol;
    nianbao::write_bytes(files.create(rq.doc.file_stem + ".txt"), bytes);
  }
};

const nianbao_option_spec kOptions[] = {
    {"width", "integer", "100", nullptr, "line width in terminal columns; paragraphs wrap and tables aim to fit"},
    {"wrap", "boolean", "true", nullptr, "wrap paragraphs at width (false: one line per paragraph)"},
    {"line_ending", "choice", "lf", "lf|crlf", "line ends: lf, or crlf for Windows tools"},
    {"ambiguous_width", "choice", "1", "1|2", "columns of East Asian ambiguous characters such as “ ”"},
};

}  // namespace

NIANBAO_OUTPUT_PLUGIN(TextOutput, "text", "1.0.0", "Plain text (UTF-8) that reads like the published report", kOptions)
