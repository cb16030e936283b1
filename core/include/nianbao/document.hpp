// The Document: a layout-neutral tree that output plugins render.
//
// Usage: an output plugin walks doc.blocks and handles each alternative:
//   for (const Block& b : doc.blocks) std::visit(overloaded{…}, b);
// A new export format maps these few block types and never needs to know the
// national format. Tables carry explicit row/column spans; validate() refuses
// overlapping or out-of-grid spans before any plugin writes a byte.
#pragma once
#include <nianbao/api.hpp>

#include <string>
#include <variant>
#include <vector>

namespace nianbao {

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

struct Document {
  std::string title;
  std::string author;      // the agency
  std::string date;        // the 落款 date, ISO 8601; may be empty
  std::string build_date;  // ISO 8601 date for file metadata: never the clock (see Pipeline)
  std::string file_stem;   // output file name without extension, already safe for a file system
  std::vector<Block> blocks;
};

}  // namespace nianbao
