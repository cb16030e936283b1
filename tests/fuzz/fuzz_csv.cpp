// libFuzzer target: any bytes through the CSV decoder and parser. Bad input
// must end in csv::ParseError, never a crash, a hang or a sanitizer report;
// good input must parse into records whose fields cover the text.
#include "csv_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const char* encoding : {"auto", "utf-8", "gb18030"}) {
    try {
      std::string detected;
      std::string text = csv::decode(bytes, encoding, detected);
      std::vector<csv::Record> records = csv::parse(text);
      std::size_t chars = 0;
      int last_row = 0;
      for (const auto& r : records) {
        if (r.row != last_row + 1 || r.fields.empty()) std::abort();  // rows are numbered without gaps
        last_row = r.row;
        for (const auto& f : r.fields) {
          if (f.row != r.row || f.column < 1) std::abort();
          chars += f.text.size();
        }
      }
      if (chars > text.size()) std::abort();  // fields never hold more than the text
    } catch (const csv::ParseError&) {
    }
  }
  return 0;
}
