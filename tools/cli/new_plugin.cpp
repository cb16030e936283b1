#include "new_plugin.hpp"

#include <nianbao/error.hpp>
#include <nianbao/output_files.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/version.hpp>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <regex>
#include <vector>

namespace nianbao::cli {

namespace fs = std::filesystem;
using nianbao::Error;
using nianbao::ExitCode;

namespace {

// @NAME@ is the plugin's name; @VERSION@ the nianbao it was made for.
const char* const kCMake = R"(# The nianbao @KIND@ plugin "@NAME@", built against an installed nianbao.
#
#   cmake -S . -B build -DCMAKE_PREFIX_PATH=<where nianbao is installed>
#   cmake --build build
#   ctest --test-dir build --output-on-failure
#   cmake --install build --prefix <where nianbao is installed>   # or name build/plugins in plugin_dirs
cmake_minimum_required(VERSION 3.25)
project(nianbao_@KIND@_@NAME@ VERSION 0.1.0 LANGUAGES CXX)

# nianbao::sdk carries C++20 and the SDK's headers; nianbao_add_plugin() names
# the module nianbao-@KIND@-@NAME@.so and puts it in build/plugins.
find_package(nianbao @VERSION_MM@ CONFIG REQUIRED)
nianbao_add_plugin(nianbao_@KIND@_@NAME@ KIND @KIND@ NAME @NAME@ SOURCES @KIND@_@NAME@.cpp)

# The test builds test/report with this plugin, loaded through the test
# manifest's plugin_dirs, and checks what it wrote.
enable_testing()
add_test(NAME @NAME@.builds_a_report
         COMMAND "${CMAKE_COMMAND}" "-DNIANBAO=${NIANBAO_EXECUTABLE}" "-DPLUGINS=${CMAKE_BINARY_DIR}/plugins"
                 "-DDATA=${CMAKE_CURRENT_SOURCE_DIR}/test" "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/test-run"
                 -P "${CMAKE_CURRENT_SOURCE_DIR}/test/run.cmake")
)";

const char* const kOutputSource = R"(// Output plugin `@NAME@`: each report as a Markdown file — title, headings,
// paragraphs, the tables as pipe tables (a spanned cell's text in its first
// slot) and the 落款 — with, if asked, the report's check findings.
#include <nianbao/plugin.hpp>

#include <string>
#include <variant>
#include <vector>

namespace {

std::string table(const nianbao::Table& t) {
  std::vector<std::vector<std::string>> grid(static_cast<std::size_t>(t.rows),
                                             std::vector<std::string>(static_cast<std::size_t>(t.columns)));
  for (const auto& c : t.cells) grid[static_cast<std::size_t>(c.row)][static_cast<std::size_t>(c.col)] = c.text;
  std::string md;
  for (std::size_t r = 0; r < grid.size(); ++r) {
    md += "|";
    for (const auto& text : grid[r]) md += " " + text + " |";
    md += "\n";
    if (r == 0) {
      md += "|";
      for (std::size_t k = 0; k < grid[r].size(); ++k) md += " --- |";
      md += "\n";
    }
  }
  return md + "\n";
}

class Output : public nianbao::OutputPlugin {
 public:
  void write(const nianbao::OutputRequest& rq, nianbao::OutputFiles& files) override {
    std::string md = "# " + rq.doc.title + "\n\n";
    for (const nianbao::Block& b : rq.doc.blocks)
      std::visit(nianbao::overloaded{
                     [&](const nianbao::Heading& h) { md += std::string(static_cast<std::size_t>(h.level) + 1, '#') + " " + h.text + "\n\n"; },
                     [&](const nianbao::Paragraph& p) { md += (p.lead.empty() ? "" : "**" + p.lead + "**") + p.text + "\n\n"; },
                     [&](const nianbao::Table& t) { md += table(t); },
                     [&](const nianbao::SignatureBlock& s) { md += s.name + "  \n" + s.date + "\n\n"; },
                     [&](const nianbao::Attachment& a) { md += "## " + a.label + " " + a.title + "\n\n"; }},
                 b);
    if (rq.options.boolean("findings") && !rq.findings.empty()) {
      md += "---\n\n";
      for (const auto& f : rq.findings) md += "- " + f.rule + "（" + nianbao::to_string(f.severity) + "）" + f.message + "\n";
    }
    // write_bytes checks every write: a full disk fails the report, and the
    // core then publishes none of its files.
    nianbao::write_bytes(files.create(rq.doc.file_stem + "." + rq.options.string("extension")), md);
  }
};

const nianbao_option_spec kOptions[] = {
    {"extension", "string", "md", nullptr, "the extension of the file written"},
    {"findings", "boolean", "false", nullptr, "list the report's check findings at the end"},
};

}  // namespace

NIANBAO_OUTPUT_PLUGIN(Output, "@NAME@", "0.1.0", "Each report as Markdown", kOptions)
)";

const char* const kInputSource = R"(// Input plugin `@NAME@`: a report as lines of `key = value` — the report's
// fields (agency, year, kind, text.overview, signature.date …) and table cells
// by their canonical keys (applications.new_received.natural_person = 3).
// Blank lines and lines starting with # are skipped. Every value keeps its
// line and column, so findings point into this file.
#include <nianbao/form.hpp>
#include <nianbao/grid_input.hpp>
#include <nianbao/input_file.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>

#include <optional>
#include <sstream>

namespace {

using nianbao::Error;
using nianbao::ExitCode;
using nianbao::SourceLoc;

std::string trimmed(const std::string& s, std::size_t& from) {
  std::size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  if (b == std::string::npos) return from = s.size(), "";
  from = b;
  return s.substr(b, e - b + 1);
}

class Input : public nianbao::InputPlugin {
 public:
  std::vector<nianbao::Report> read(const nianbao::InputRequest& rq) override {
    const std::string bytes = nianbao::read_input_file(rq.path, rq.display_path, 16u << 20, "文件过大（超过 16 MB），不是一份报告");
    const nianbao::Form& form = rq.form;
    nianbao::Report r;
    std::optional<nianbao::Signature> sig;
    std::istringstream in(bytes);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::size_t at_key = 0, at_value = 0;
      const std::string whole = trimmed(line, at_key);
      if (whole.empty() || whole[0] == '#') continue;
      const std::size_t eq = line.find('=');
      // Columns count characters, as the messages promise.
      auto column = [&](std::size_t byte) { return static_cast<int>(nianbao::count_chars(line.substr(0, byte))) + 1; };
      if (eq == std::string::npos) {
        r.problems.add(Error(ExitCode::data, "应为“键 = 值”", SourceLoc{rq.display_path, n, column(at_key)}));
        continue;
      }
      std::size_t unused = 0;
      const std::string key = trimmed(line.substr(0, eq), unused);
      std::string rest = line.substr(eq + 1);
      const std::string value = trimmed(rest, at_value);
      const SourceLoc at{rq.display_path, n, column(eq + 1 + at_value)};
      r.problems.attempt([&] {
        if (form.is_cell(key)) {
          r.set_cell(key, form.parse_cell(key, value, at), [&](const std::string& k) { return form.cell_label(k); });
          return;
        }
        bool known = nianbao::set_report_field(form, r, sig, key, value, at,
                                               [](const std::string& v, const SourceLoc& where) { return nianbao::Text{v, where}; });
        if (!known)
          throw Error(ExitCode::data, "没有名为“" + key + "”的单元格或字段" + nianbao::did_you_mean(key, form.cell_keys()),
                      SourceLoc{rq.display_path, n, column(at_key)});
      });
    }
    if (sig) r.signature = sig;
    return {r};
  }
};

}  // namespace

NIANBAO_INPUT_PLUGIN(Input, "@NAME@", "0.1.0", "A report as key = value lines", nullptr)
)";

// The test data. The output plugin writes a report read by nianbao's own yaml
// input; the input plugin reads report.txt and nianbao's json output records
// what it read, each cell with its place.
const char* const kOutputManifest = R"(# The test's manifest: this plugin, loaded from the project's build folder.
form: gov-info-disclosure-2021
plugin_dirs: ["@PLUGINS@"]
output_dir: out
outputs: [@NAME@]
reports:
  - id: test
    inputs: [{plugin: yaml, path: report.yaml}]
)";

const char* const kInputManifest = R"(# The test's manifest: this plugin, loaded from the project's build folder.
form: gov-info-disclosure-2021
plugin_dirs: ["@PLUGINS@"]
output_dir: out
outputs: [json]
reports:
  - id: test
    inputs: [{plugin: @NAME@, path: report.txt}]
)";

const char* const kReportYaml = R"(agency: 测试镇人民政府
year: 2023
kind: township
text:
  overview: |
    本镇认真贯彻落实《中华人民共和国政府信息公开条例》。
tables:
  applications:
    new_received:
      natural_person: 37
)";

const char* const kReportTxt = R"(# A report as key = value lines
agency = 测试镇人民政府
year = 2023
kind = township
text.overview = 本镇认真贯彻落实《中华人民共和国政府信息公开条例》。
applications.new_received.natural_person = 37
)";

// test/run.cmake: the build both kinds share, then what each checks. @DATA@
// is the test's data file; @EXT@ the extension of the one file expected.
const char* const kRunBuild = R"(# Builds test/@DATA@ with the plugin, loaded through the manifest's plugin_dirs,
# and checks what was written.
cmake_minimum_required(VERSION 3.25)  # @…@ below is text, not a variable
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(READ "${DATA}/manifest.yaml" manifest)
string(REPLACE "@PLUGINS@" "${PLUGINS}" manifest "${manifest}")
file(WRITE "${WORK}/manifest.yaml" "${manifest}")
file(COPY "${DATA}/@DATA@" DESTINATION "${WORK}")
# --write-invalid: the test report fills one cell; the rules' errors about the
# rest must not keep the file from being written.
execute_process(COMMAND "${NIANBAO}" build manifest.yaml --write-invalid --progress none
                WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 AND NOT rc EQUAL 65)
  message(FATAL_ERROR "nianbao build exited ${rc}:\n${err}")
endif()
file(GLOB written "${WORK}/out/*.@EXT@")
list(LENGTH written count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "expected one .@EXT@ file in out/, found ${count}:\n${err}")
endif()
)";

// The output plugin's Markdown has the title, a heading, a label and the number.
const char* const kOutputCheck = R"(file(READ "${written}" md)
foreach(expected "# 测试镇人民政府2023年政府信息公开工作年度报告" "## 一、总体情况" "自然人" "| 37 |")
  string(FIND "${md}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the file lacks \"${expected}\":\n${md}")
  endif()
endforeach()
)";

// The input plugin read the cell's value at its line (nianbao's json record says).
const char* const kInputCheck = R"(file(READ "${written}" record)
string(JSON value GET "${record}" cells "applications.new_received.natural_person" value)
string(JSON line GET "${record}" cells "applications.new_received.natural_person" source line)
string(JSON agency GET "${record}" agency)
if(NOT value STREQUAL "37" OR NOT line EQUAL 6 OR NOT agency STREQUAL "测试镇人民政府")
  message(FATAL_ERROR "read ${agency}: the cell is ${value} at line ${line}, expected 37 at line 6:\n${record}")
endif()
)";

const char* const kReadme = R"(# nianbao @KIND@ plugin `@NAME@`

Made by `nianbao new-plugin @NAME@ --kind @KIND@` (nianbao @VERSION@, plugin ABI @ABI@).

```sh
cmake -S . -B build -DCMAKE_PREFIX_PATH=/usr/local    # where nianbao is installed
cmake --build build
ctest --test-dir build --output-on-failure
```

The module is `build/plugins/nianbao-@KIND@-@NAME@.so`. A manifest loads it with
`plugin_dirs: [path/to/build/plugins]` (or `nianbao --plugin-dir …`); `cmake --install build
--prefix /usr/local` puts it beside nianbao's own plugins. `nianbao plugins` lists it with its
options.

It links only the plugin SDK (`nianbao::sdk`, headers in `include/nianbao/`, documented in
`share/doc/nianbao/plugins.md`). The C++ interface passes `std::string` and `std::vector` across the
boundary: build it with the same compiler family and standard library as nianbao (Debian 12's
GCC 12 and libstdc++), and rebuild it when nianbao's plugin ABI changes — nianbao refuses a
plugin built for another ABI by name.
)";

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [k, v] : values)
    for (std::size_t at = text.find(k); at != std::string::npos; at = text.find(k, at + v.size())) text.replace(at, k.size(), v);
  return text;
}

}  // namespace

std::string new_plugin(const std::string& name, const std::string& kind, const fs::path& dir) {
  if (kind != "output" && kind != "input")
    throw Error(ExitCode::usage, "--kind must be output or input, not '" + kind + "'");
  if (!std::regex_match(name, std::regex("[a-z][a-z0-9_]*")))
    throw Error(ExitCode::usage, "a plugin's name is lower-case letters, digits and _, starting with a letter (it is what "
                                 "manifests write): not '" + name + "'");
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec)))
    throw Error(ExitCode::cant_create, "already exists: nothing was written", {nianbao::display_path(dir)});
  const std::string version = NIANBAO_VERSION;
  const std::map<std::string, std::string> values = {
      {"@NAME@", name},
      {"@KIND@", kind},
      {"@VERSION@", version},
      {"@VERSION_MM@", version.substr(0, version.rfind('.'))},
      {"@ABI@", std::to_string(NIANBAO_PLUGIN_ABI_VERSION)}};
  const bool output = kind == "output";
  const std::string data = output ? "report.yaml" : "report.txt";
  // @PLUGINS@ stays for run.cmake to replace with the build folder.
  const std::vector<std::pair<std::string, std::string>> files = {
      {"CMakeLists.txt", fill(kCMake, values)},
      {kind + "_" + name + ".cpp", fill(output ? kOutputSource : kInputSource, values)},
      {"README.md", fill(kReadme, values)},
      {"test/manifest.yaml", fill(output ? kOutputManifest : kInputManifest, {{"@NAME@", name}})},
      {"test/" + data, output ? kReportYaml : kReportTxt},
      {"test/run.cmake", fill(kRunBuild, {{"@DATA@", data}, {"@EXT@", output ? "md" : "json"}}) + (output ? kOutputCheck : kInputCheck)},
  };
  // Written whole or not at all: into a hidden folder beside `dir`, renamed
  // into place when every file is there — a full disk leaves no half
  // project that the next try would then refuse as existing.
  std::string tmpl = (dir.parent_path() / (".nianbao-new-" + name + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data()))
    throw Error(nianbao::file_error_code(errno), std::string("cannot create the plugin's folder: ") + std::strerror(errno),
                {nianbao::display_path(dir.parent_path())});
  const fs::path staging = tmpl;
  std::string listing;
  try {
    for (const auto& [file, text] : files) {
      nianbao::create_parent_folders(staging / file);
      nianbao::write_file_atomically(staging / file, text);
      listing += nianbao::display_path(dir / file) + "\n";
    }
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, dir.c_str(), RENAME_NOREPLACE) != 0)
      throw Error(errno == EEXIST ? ExitCode::cant_create : nianbao::file_error_code(errno),
                  errno == EEXIST ? "already exists: nothing was written" : std::string("cannot create: ") + std::strerror(errno),
                  {nianbao::display_path(dir)});
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  return listing;
}

}  // namespace nianbao::cli
