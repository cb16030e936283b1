// Input plugin `csv`: the tables as offices keep them. With `table:` the file
// is one table in the official layout (or a simple grid by key); without it,
// a roster with one agency per row.
#include "csv_reader.hpp"
#include "roster_text.hpp"

#include <nianbao/grid_input.hpp>
#include <nianbao/input_file.hpp>
#include <nianbao/plugin.hpp>
#include <nianbao/text.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace {

using nianbao::Error;
using nianbao::ExitCode;
namespace fs = std::filesystem;

// Far above a county's roster (200 agencies: some 2 MB), low enough that a wrong file is refused unread.
constexpr std::uintmax_t kMaxBytes = 64u << 20;

std::string read_bytes(const fs::path& p, const std::string& display) {
  return nianbao::read_input_file(p, display, kMaxBytes, "文件过大（超过 64 MB），不是一份报表数据");
}

class CsvFile {
 public:
  CsvFile(const fs::path& path, std::string display, const std::string& encoding) : display_(std::move(display)) {
    std::string bytes = read_bytes(path, display_);
    try {
      std::string detected;
      records_ = csv::parse(csv::decode(bytes, encoding, detected));
    } catch (const csv::ParseError& e) {
      throw Error(ExitCode::data, e.what(), e.in_text ? nianbao::SourceLoc{display_, e.line, e.column} : at(e.line, e.column));
    }
  }
  const std::vector<csv::Record>& records() const { return records_; }
  nianbao::SourceLoc at(int line, int column) const {
    return {display_, line, column, column > 0 ? csv::column_name(column) : std::string{}};
  }
  nianbao::SourceLoc at(const csv::Field& f) const { return at(f.row, f.column); }
  const std::string& display() const { return display_; }

 private:
  std::string display_;
  std::vector<csv::Record> records_;
};

// The file as a grid of cells, named as Excel shows them (applications.csv:7:C).
nianbao::Grid grid_of(const CsvFile& file) {
  nianbao::Grid g;
  for (const auto& rec : file.records()) {
    nianbao::GridRow row;
    row.row = rec.row;
    for (const auto& f : rec.fields) row.fields.push_back({f.row, f.column, f.text});
    g.rows.push_back(std::move(row));
  }
  g.at = [&file](int row, int column) { return file.at(row, column); };
  return g;
}

class CsvInput : public nianbao::InputPlugin {
 public:
  std::vector<nianbao::Report> read(const nianbao::InputRequest& rq) override {
    const std::string& table = rq.options.string("table");
    const nianbao::TableDef* t = nullptr;
    if (!table.empty()) {
      t = rq.form.table(table);
      std::vector<std::string> keys;
      for (const auto& x : rq.form.tables) keys.push_back(x.key);
      if (!t)
        throw Error(ExitCode::config, "unknown table '" + table + "'" + nianbao::did_you_mean(table, keys) +
                                          " (tables: " + nianbao::join(keys, ", ") + ")",
                    rq.options.get("table").source);
    }
    CsvFile file(rq.path, rq.display_path, rq.options.string("encoding"));
    nianbao::Grid grid = grid_of(file);
    if (t) return {nianbao::read_official_table(rq.form, *t, grid)};
    return nianbao::read_roster(rq.form, grid, rq.files, csv::decode_roster_text);
  }
};

const nianbao_option_spec kOptions[] = {
    {"table", "string", "", nullptr,
     "the form table this file holds (proactive, applications, appeals); leave out for a roster of agencies"},
    {"encoding", "choice", "auto", "auto|utf-8|gb18030|gbk", "text encoding; auto tells UTF-8 from GB18030"},
};

}  // namespace

NIANBAO_INPUT_PLUGIN(CsvInput, "csv", "1.0.0", "Tables and rosters from CSV files as Excel or WPS export them", kOptions)
