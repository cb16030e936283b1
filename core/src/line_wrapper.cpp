#include "line_wrapper.hpp"

#include <unicode/brkiter.h>

#include <memory>
#include <stdexcept>

namespace nianbao::detail {

std::string utf8_of(const icu::UnicodeString& u, int32_t from, int32_t to) {
  std::string s;
  u.tempSubStringBetween(from, to).toUTF8String(s);
  return s;
}

static bool is_space16(char16_t c) { return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r' || c == 0x3000; }

int32_t LineWrapper::trimmed_end(int32_t from, int32_t to) const {
  while (to > from && is_space16(u_[to - 1])) --to;
  return to;
}

LineWrapper::LineWrapper(std::string_view text, const Measure& m)
    : u_(icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())))),
      measure_(m) {
  // Building a line break iterator from ICU's rule data costs more than
  // wrapping a paragraph: one per thread, reused.
  thread_local std::unique_ptr<icu::BreakIterator> cached;
  if (!cached) {
    UErrorCode status = U_ZERO_ERROR;
    cached.reset(icu::BreakIterator::createLineInstance(icu::Locale("zh", "CN"), status));
    if (U_FAILURE(status)) {
      cached.reset();
      throw std::runtime_error("ICU line breaker unavailable");
    }
  }
  icu::BreakIterator* bi = cached.get();
  bi->setText(u_);
  int32_t from = 0;
  for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; b = bi->next()) {
    bool hard = bi->getRuleStatus() >= UBRK_LINE_HARD && b < u_.length();
    pieces_.push_back({b, hard, measure(from, b), measure(from, trimmed_end(from, b))});
    from = b;
  }
}

std::vector<std::string> LineWrapper::lines(double width) const {
  std::vector<std::string> out;
  wrap(width, &out);
  return out;
}

std::size_t LineWrapper::count(double width) const { return wrap(width, nullptr); }

// Greedy and linear: widths add up (no kerning across a break), so a line's
// width is that of its pieces so far plus the next one's without its
// trailing spaces. Each piece was measured once; only a piece cut inside
// (wider than a line) is measured again, from where the cut left it.
std::size_t LineWrapper::wrap(double width, std::vector<std::string>* out) const {
  std::size_t n = 0;
  auto push = [&](int32_t from, int32_t to) {
    ++n;
    if (out) out->push_back(utf8_of(u_, from, to));
  };
  auto emit = [&](int32_t from, int32_t to) { push(from, trimmed_end(from, to)); };
  // A piece wider than a line on its own: cut between code points.
  auto emit_forced = [&](int32_t from, int32_t to) -> int32_t {
    int32_t i = from;
    while (i < to) {
      int32_t j = i, last = i;
      while (j < to) {
        int32_t k = u_.moveIndex32(j, 1);
        if (last > i && measure(i, k) > width) break;
        last = j = k;
      }
      if (j >= to) {
        if (measure(i, to) <= width) return i;  // the rest fits: it starts the next line
        push(i, to);                            // one character wider than a line: it stands alone
        return to;
      }
      push(i, last);
      i = last;
    }
    return i;
  };

  int32_t start = 0, last_fit = -1, prev = 0;  // [start, prev) measured: `done` wide
  double done = 0;
  auto restart = [&](int32_t at) {
    start = prev = at;
    done = 0;
    last_fit = -1;
  };
  for (std::size_t p = 0; p < pieces_.size();) {
    const Piece& piece = pieces_[p];
    const int32_t b = piece.end;
    // The piece's own widths hold while it is measured from its start.
    const bool whole_piece = prev == (p == 0 ? 0 : pieces_[p - 1].end);
    int32_t end = trimmed_end(start, b);
    double w = end <= start ? 0
               : end >= prev ? done + (whole_piece ? piece.trimmed : measure(prev, end))
                             : measure(start, end);
    if (end == start || w <= width) {
      last_fit = b;
      done += whole_piece ? piece.whole : measure(prev, b);
      prev = b;
      if (piece.hard) {
        emit(start, b);
        restart(b);
      }
      ++p;
      continue;
    }
    if (last_fit > start) {
      emit(start, last_fit);
      restart(last_fit);
      continue;  // measure the same piece again from the new start
    }
    restart(emit_forced(start, end));
  }
  if (start < u_.length() || n == 0) {
    int32_t end = trimmed_end(start, u_.length());
    if (end > start || n == 0) push(start, end);
  }
  return n;
}

}  // namespace nianbao::detail
