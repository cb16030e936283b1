// A text file a roster names (text.overview = 总体情况.txt), decoded as the
// CSV input decodes its own files: UTF-8 or GB18030. Shared by the csv and
// xlsx inputs, whose rosters name such files alike.
#pragma once
#include "csv_reader.hpp"

#include <nianbao/error.hpp>
#include <nianbao/plugin.hpp>

#include <string>

namespace csv {

inline std::string decode_roster_text(const nianbao::DataFile& f, const nianbao::SourceLoc&) {
  try {
    std::string detected;
    return decode(f.bytes, "auto", detected);
  } catch (const ParseError& e) {
    throw nianbao::Error(nianbao::ExitCode::data, e.what(), {f.display_path, e.line, e.column});
  }
}

}  // namespace csv
