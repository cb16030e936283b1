// A build's plan: one item per report — an agency of a roster is an item of
// its own — in a stable order, and the report data handed from the workers
// that read the inputs to those that write the outputs.
#pragma once
#include <nianbao/pipeline.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nianbao {

// Report data in an unnamed temporary file, by offset: the build process
// holds none of it in memory, and forked workers read their report back.
class Pipeline::Spill {
 public:
  Spill();
  ~Spill();
  Spill(const Spill&) = delete;
  Spill& operator=(const Spill&) = delete;
  std::pair<std::uint64_t, std::uint64_t> put(std::string_view bytes);  // offset, length
  std::string get(std::uint64_t offset, std::uint64_t length) const;

 private:
  int fd_ = -1;
  std::uint64_t end_ = 0;
};

struct Pipeline::Item {
  std::size_t index = 0;  // in the whole plan (every shard)
  std::size_t entry = 0;  // manifest entry
  std::string id, agency, kind, region, file_stem;
  int year = 0;
  std::string key;                        // what its outputs are made from (build mode)
  std::uint64_t offset = 0, length = 0;   // its report in the spill; length 0: not read this run
  std::uint64_t last_offset = 0, last_length = 0;  // last year's report in the spill; length 0: none
  std::string last_missing;               // why last year's report was wanted and not found
  std::optional<ReportResult> kept;       // unchanged since its last good build: this is that build's result
  std::optional<Error> error;             // it cannot be built, and why
  std::string problems;                   // what was wrong reading it (a roster row's cells), one a line
  ExitCode problems_code = ExitCode::ok;
  std::vector<std::string> notices;
};

}  // namespace nianbao
