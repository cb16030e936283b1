// The Document: a layout-neutral tree that output plugins render.
//
// Usage: an output plugin walks doc.blocks and handles each alternative:
//   for (const Block& b : doc.blocks)
//     std::visit(nianbao::overloaded{[&](const Heading& h) {…}, [&](const Table& t) {…}, [&](const auto&) {}}, b);
// A new export format maps these few block types and never needs to know the
// national format. Tables carry explicit row/column spans; validate() refuses
// overlapping or out-of-grid spans before any plugin writes a byte.
#pragma once
#include <nianbao/api.hpp>

#include <string>
#include <variant>
#include <vector>

namespace nianbao {

// Lambdas joined into one visitor for std::visit over a Block.
template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

enum class Align { left, center, right };

struct Heading {
  int level = 1;  // 1: 一、  2: （一）  3: 1.  4: （1）
  std::string text;
};

// A body paragraph. `lead` is a run-in heading such as "（一）主动公开：" that a
// typesetter may set in the heading face; text follows it on the same line.
struct Paragraph {
  std::string lead;
  std::string text;
};

struct TableCell {
  enum class Kind { header, band, label, number, blank, not_applicable };
  Kind kind = Kind::label;
  std::string text;  // what is printed: label text, "0", "59237.2449", "" or "/"
  std::string key;   // canonical cell key for values, empty for labels
  bool decimal = false;  // values: an amount with places (万元), not a count
  int row = 0, col = 0, rowspan = 1, colspan = 1;
  Align align = Align::left;
};

struct NIANBAO_API Table {
  std::string key;  // the form's table key (proactive, applications, appeals)
  int rows = 0, columns = 0;
  int header_rows = 0;  // leading rows to repeat after a page break
  std::vector<TableCell> cells;

  // Throws Error(ExitCode::software) naming the table and the clashing cells
  // when spans overlap, leave the grid, or leave a slot uncovered.
  void validate() const;
};

// 落款: agency name above the date, right-aligned in print.
struct SignatureBlock {
  std::string name;
  std::string date;  // as printed: 2024年1月20日
};

// Starts an attachment (附表) on a new page, after the 落款: the label
// ("附表1") at the top left in the level-1 heading face, the title centred.
// The table (or text) that follows belongs to it.
struct Attachment {
  std::string label;
  std::string title;
};

using Block = std::variant<Heading, Paragraph, Table, SignatureBlock, Attachment>;

// What the report says about itself, for outputs that show it apart from the
// text (a workbook's cover): 单位名称 官坡镇人民政府, 年度 2023, …
struct DocumentField {
  std::string key;    // agency, year, kind, region, preface, contact.phone, signature.name, signature.date
  std::string label;  // 单位名称
  std::string value;  // as written; a kind as its label
  std::vector<std::string> choices;  // the values it may take, when there is such a list (单位类型)
};

// A text section with its key, for outputs that let it be written (a
// fill-in workbook) rather than only printed.
struct DocumentText {
  std::string key;      // overview
  std::string heading;  // 一、总体情况
  std::string body;
};

// An arithmetic check on the tables' cells (勾稽关系, R1–R4): the sums of
// `lhs` and `rhs` must be equal. For outputs that recompute it as a user
// types (a fill-in workbook's formulas).
struct DocumentCheck {
  std::string rule;     // R1
  std::string subject;  // 三、收到和处理政府信息公开申请情况 · 自然人
  std::string message;  // with {lhs} and {rhs}: 一+二={lhs}，三（七）总计+四={rhs}
  std::vector<std::string> lhs, rhs;  // cell keys, as TableCell::key
};

// A cell of the form and its labels, for outputs that export every cell.
struct DocumentCellLabel {
  std::string key;    // applications.new_received.natural_person
  std::string label;  // 三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 自然人
};

struct Document {
  std::string form;        // the form's id (gov-info-disclosure-2021)
  std::string kind_label;  // the report's kind as the form names it (乡镇人民政府); empty for a kind it lacks
  std::string title;
  std::string author;      // the agency
  std::string date;        // the 落款 date, ISO 8601; may be empty
  std::string build_date;  // ISO 8601 date for file metadata: never the clock (see Pipeline)
  std::string file_stem;   // output file name without extension, already safe for a file system
  std::vector<Block> blocks;
  std::vector<DocumentField> fields;
  std::vector<DocumentText> texts;    // every text section of the form, in order, written or not
  std::vector<DocumentCheck> checks;
  std::vector<DocumentCellLabel> cell_labels;  // every cell of the form, in the form's order
};

}  // namespace nianbao
