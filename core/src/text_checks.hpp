// What a report's text says (R10): the counts it quotes — 新收…申请18件 —
// found by the form's phrase patterns, with the sentence and its place, for
// the checks to hold against the tables.
#pragma once
#include <nianbao/form.hpp>
#include <nianbao/report.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace nianbao {

struct QuotedCount {
  std::string sentence;  // the sentence (cut around the phrase when long)
  std::string said;      // the phrase itself: 新收政府信息公开申请18件
  std::int64_t count = 0;
  SourceLoc at;          // where the sentence is: the line in a text file, the cell in a spreadsheet
};

// Every place the text quotes a count by one of the pattern's words: the
// word, then within its clause (and past one of `near`, when given) a
// number — Arabic, full-width or Chinese (十八) — and 件.
std::vector<QuotedCount> quoted_counts(const Text& text, const TextCount& pattern);

}  // namespace nianbao
