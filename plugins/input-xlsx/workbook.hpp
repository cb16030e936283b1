// A spreadsheet file (.xlsx, .ods) as the xlsx input reads it: each sheet's
// cells as the user sees them and its merged ranges, read with liborcus
// (LibreOffice's import library). Formulas are not cells to it: what the
// clerk typed is data, what a template computes is not.
#pragma once
#include <nianbao/error.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace xlsx_input {

struct Value {
  std::string text;     // numbers in plain decimal notation, as stored
  bool number = false;  // stored as a number (not text)
};

struct Sheet {
  std::string name;
  std::map<std::pair<int, int>, Value> cells;  // (row, column), 1-based
  std::map<std::pair<int, int>, int> merged_to;  // a merged range's top-left cell → its last column
};

struct Workbook {
  std::vector<Sheet> sheets;  // in tab order
};

// Throws nianbao::Error(data) at `display` for a file that is no workbook,
// is too large, or holds more cells than any report does.
Workbook read_workbook(const std::filesystem::path& file, const std::string& display);
// The same for a file's bytes already in memory (what the fuzz target feeds).
Workbook read_workbook_bytes(const std::string& bytes, const std::string& display);

// Whether the bytes are an .xlsx (a zip package) or .ods; for messages.
std::string kind_of(const std::filesystem::path& file);

}  // namespace xlsx_input
