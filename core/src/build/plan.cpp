// The plan of a build: every report, in a stable order, a roster's agencies
// each an item of their own. An entry whose inputs are unchanged since its
// last good build is planned from its record, without reading anything;
// every other entry is read once, in workers, and its reports handed to the
// workers that build them through the spill.
#include "plan.hpp"

#include "previous.hpp"
#include "state.hpp"
#include "workers.hpp"

#include <nianbao/compose.hpp>
#include <nianbao/hash.hpp>
#include <nianbao/report_json.hpp>
#include <nianbao/text.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

namespace nianbao {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- the spill ----------------------------------------------------------------

Pipeline::Spill::Spill() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/nianbao-plan-XXXXXX";
  fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd_ < 0) throw Error(ExitCode::cant_create, std::string("cannot make a temporary file for the plan: ") + std::strerror(errno));
  ::unlink(tmpl.c_str());  // nameless: gone with the build, however it ends
}

Pipeline::Spill::~Spill() {
  if (fd_ >= 0) ::close(fd_);
}

std::pair<std::uint64_t, std::uint64_t> Pipeline::Spill::put(std::string_view bytes) {
  std::uint64_t at = end_;
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(file_error_code(errno), std::string("cannot keep the plan's data: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  end_ += bytes.size();
  return {at, bytes.size()};
}

std::string Pipeline::Spill::get(std::uint64_t offset, std::uint64_t length) const {
  std::string out(static_cast<std::size_t>(length), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(ExitCode::io, std::string("cannot read the plan's data back: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return out;
}

// ---- reading an entry -----------------------------------------------------------

namespace {

// What every report must have once its inputs are merged.
void require_identity(const Form& form, const Report& r, const std::string& where) {
  if (r.agency.empty()) throw Error(ExitCode::data, "缺少单位名称（agency）", {where});
  if (r.year == 0) throw Error(ExitCode::data, "缺少年度（year）", {where});
  if (r.kind.empty())
    throw Error(ExitCode::data, "缺少单位类型（kind），可选：" + join(form.kind_keys(), "、"), {where});
}

// Everything of a report that can reach its outputs, positions included
// (findings quote them), in a canonical order.
std::string report_fingerprint(const Report& r) {
  Sha256 h;
  h.add(r.id).add(r.agency).add(std::to_string(r.year)).add(r.kind).add(r.region);
  for (const SourceLoc* s : {&r.agency_source, &r.year_source, &r.kind_source, &r.region_source}) h.add(s->str());
  auto text = [&](const Text& t) { h.add(t.body).add(t.source.str()); };
  h.add(r.preface ? "preface" : "-");
  if (r.preface) text(*r.preface);
  for (const auto& [k, t] : r.texts) h.add(k), text(t);
  for (const auto& [k, t] : r.contact) h.add(k), text(t);
  h.add(r.signature ? r.signature->name + "\n" + r.signature->date + "\n" + r.signature->source.str() : "-");
  for (const auto& [k, c] : r.cells)
    h.add(k).add(std::to_string(static_cast<int>(c.state))).add(c.value.str()).add(c.source.str());
  return h.hex();
}

json error_json(const Error& e) { return {{"code", static_cast<int>(e.code())}, {"error", e.what()}}; }
Error error_from(const json& j) { return Error(static_cast<ExitCode>(j.value("code", 70)), j.value("error", "")); }

}  // namespace

std::vector<Pipeline::Item> Pipeline::plan_items(const std::vector<Planned>& plans, const RunOptions& options, Spill& spill,
                                                 int& interrupted) {
  const bool build = options.mode == Mode::build;
  // A whole-area report sums its members' data, so with one in the manifest
  // every entry is read (an unchanged report is still not built again).
  const bool rollups = std::any_of(manifest_.reports.begin(), manifest_.reports.end(), [](const ReportEntry& e) { return e.is_rollup; });
  const bool use_records = options.mode != Mode::check && !options.force && !options.fill_in && !rollups;
  detail::BuildState state(manifest_.state_dir);
  // Last year's data is part of what a report's checks are made from.
  const std::string last_key =
      manifest_.previous.empty() || options.mode == Mode::check ? "" : detail::last_year_key(Manifest::load(manifest_.previous));
  LastYear last_year;
  std::vector<std::vector<Item>> by_entry(plans.size());
  std::vector<std::string> entry_keys(plans.size());
  std::vector<std::size_t> to_read;

  for (std::size_t i = 0; i < plans.size(); ++i) {
    const ReportEntry& entry = manifest_.reports[i];
    if (plans[i].error) {
      Item it;
      it.entry = i;
      it.id = entry.id;
      it.error = *plans[i].error;
      by_entry[i].push_back(std::move(it));
      continue;
    }
    if (options.mode != Mode::check) entry_keys[i] = sha256_hex(entry_key(entry, plans[i]) + "\n" + last_key);
    if (!use_records) {
      to_read.push_back(i);
      continue;
    }
    // Unchanged inputs, and every report still as its last good build left
    // it: planned from the records, nothing read.
    bool damaged = false;
    auto stamp = state.read("entry", entry.id, &damaged);
    std::vector<Item> items;
    bool fresh = stamp && stamp->value("key", "") == entry_keys[i] && detail::files_unchanged(stamp->value("files_read", json::array()));
    if (fresh)
      for (const auto& r : stamp->value("reports", json::array())) {
        Item it;
        it.entry = i;
        it.id = r.value("id", "");
        it.agency = r.value("agency", "");
        it.kind = r.value("kind", "");
        it.year = r.value("year", 0);
        it.file_stem = r.value("stem", "");
        it.key = r.value("key", "");
        if (build || options.mode == Mode::plan) it.kept = detail::fresh_result(state, it.id, it.key, it.notices);
        if (it.id.empty() || (build && !it.kept)) {
          fresh = false;
          break;
        }
        items.push_back(std::move(it));
      }
    if (fresh && !items.empty()) {
      by_entry[i] = std::move(items);
      continue;
    }
    // To be read: what was learnt about its records waits here for its first report.
    Item waiting;
    if (damaged) waiting.notices.push_back("the record of its last build was damaged and is ignored: it is built again");
    for (const auto& it : items) waiting.notices.insert(waiting.notices.end(), it.notices.begin(), it.notices.end());
    if (!waiting.notices.empty()) by_entry[i].push_back(std::move(waiting));
    to_read.push_back(i);
  }

  // Reading is plugin code: in workers.
  auto read_entry = [&](std::size_t k) {
    const std::size_t i = to_read[k];
    const ReportEntry& entry = manifest_.reports[i];
    std::vector<std::pair<std::string, std::string>> files_read;
    try {
      // Last year's data this entry names itself; a failure to read it costs
      // the cross-year checks (a warning says why), not this year's report.
      std::vector<Report> last_inputs;
      std::string last_failed;
      if (!entry.previous.empty()) try {
          ReportEntry last;
          last.id = entry.id;
          last.source = entry.source;
          last.inputs = entry.previous;
          for (Report& r : read_reports(last, host_, form_, data_root_, &files_read))
            if (r.problems.empty()) last_inputs.push_back(std::move(r));
        } catch (const Error& e) {
          last_failed = std::string("上年数据（previous:）未能读取：") + e.what();
        }
      const bool wants_last = !entry.previous.empty() || !manifest_.previous.empty();
      json reports = json::array();
      // The reports' own records follow the summary as they are, after its
      // line: inside it they would be escaped here and unescaped by the
      // parent, a third of the handoff's cost.
      std::string attached;
      auto attach = [&](const std::string& record) {
        json at = {{"at", attached.size()}, {"length", record.size()}};
        attached += record;
        return at;
      };
      for (Report& r : read_reports(entry, host_, form_, data_root_, &files_read)) {
        json rj = {{"id", r.id}, {"agency", r.agency}, {"kind", r.kind}, {"year", r.year}, {"region", r.region}};
        std::optional<Report> last;
        std::string why = last_failed;
        if (wants_last && r.problems.empty() && last_failed.empty())
          last = match_last_year(entry, r, last_inputs, last_year.read ? &last_year : nullptr, spill, why);
        if (last) {
          rj["last"] = attach(report_to_json(*last));
        } else if (wants_last) {
          rj["last_missing"] = why;
        }
        if (!r.problems.empty()) {
          rj["problems"] = r.problems.text();
          rj["problems_code"] = static_cast<int>(r.problems.code());
        } else {
          try {
            require_identity(form_, r, entry.inputs.front().display_path);
            // `check` and `plan` compose the whole document, to report every
            // template a build would fail on; a build composes it when it writes.
            const DocumentSettings& settings = plans[i].config->document;
            rj["stem"] = build ? file_stem_of(form_, r, settings, document_date(r))
                               : compose(form_, r, settings, document_date(r)).file_stem;
            if (options.mode != Mode::check)
              rj["key"] = sha256_hex(*plans[i].config_key + "\n" + report_fingerprint(r) + "\n" +
                                     (last ? report_fingerprint(*last) : "no last year: " + why));
          } catch (const Error& e) {
            rj["failed"] = error_json(e);
          }
        }
        if (options.mode != Mode::plan) rj["data"] = attach(report_to_json(r));
        reports.push_back(std::move(rj));
      }
      return json{{"reports", reports}, {"files_read", files_read}}.dump() + '\n' + attached;
    } catch (const Error& e) {
      return json{{"failed", error_json(e)}}.dump();
    } catch (const std::exception& e) {
      return json{{"failed", error_json(Error(ExitCode::software, std::string("internal error: ") + e.what()))}}.dump();
    } catch (...) {
      return json{{"failed", error_json(Error(ExitCode::software, "an input plugin threw something that is not an exception"))}}
          .dump();
    }
  };
  auto take = [&](std::size_t k, const std::string& text, const detail::WorkerFailure* failure) {
    const std::size_t i = to_read[k];
    const ReportEntry& entry = manifest_.reports[i];
    std::vector<std::string> notices;
    for (const auto& it : by_entry[i]) notices.insert(notices.end(), it.notices.begin(), it.notices.end());
    by_entry[i].clear();
    auto fail_entry = [&](const Error& e) {
      Item it;
      it.entry = i;
      it.id = entry.id;
      it.error = e;
      it.notices = notices;
      by_entry[i].push_back(std::move(it));
    };
    if (failure) {
      std::string who = "the worker process reading it", what;
      if (auto tab = failure->phase.find('\t'); tab != std::string::npos) {
        who = failure->phase.substr(0, tab);
        what = failure->phase.substr(tab + 1);
      }
      fail_entry(Error(failure->interrupted ? ExitCode::temp_fail : ExitCode::software,
                       who + " " + detail::describe(*failure) + (what.empty() ? "" : " while " + what) +
                           (failure->timed_out ? " (the time limit is --timeout)" : "")));
      return true;
    }
    const std::size_t line = std::min(text.find('\n'), text.size());
    const std::string_view attached = std::string_view(text).substr(std::min(line + 1, text.size()));
    json j = json::parse(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(line), nullptr, false);
    if (!j.is_object()) {
      fail_entry(Error(ExitCode::software, "internal error: unreadable result from a worker"));
      return true;
    }
    auto whole = [&](const json& at) {
      if (!at.is_object()) return false;
      const std::uint64_t from = at.value("at", std::uint64_t{0}), length = at.value("length", std::uint64_t{0});
      return from <= attached.size() && length <= attached.size() - from;
    };
    auto record = [&](const json& at) { return attached.substr(at.value("at", std::size_t{0}), at.value("length", std::size_t{0})); };
    for (const auto& rj : j.value("reports", json::array()))
      for (const char* name : {"data", "last"})
        if (rj.contains(name) && !whole(rj[name])) {
          fail_entry(Error(ExitCode::software, "internal error: a worker's report record is cut short"));
          return true;
        }
    if (j.contains("failed")) {
      fail_entry(error_from(j["failed"]));
      return true;
    }
    bool all_good = true;
    json remembered = json::array();
    for (const auto& rj : j["reports"]) {
      Item it;
      it.entry = i;
      it.id = rj.value("id", entry.id);
      it.agency = rj.value("agency", "");
      it.kind = rj.value("kind", "");
      it.year = rj.value("year", 0);
      it.region = rj.value("region", "");
      it.file_stem = rj.value("stem", "");
      it.key = rj.value("key", "");
      if (by_entry[i].empty()) it.notices = notices;
      if (rj.contains("data")) std::tie(it.offset, it.length) = spill.put(record(rj["data"]));
      if (rj.contains("last")) std::tie(it.last_offset, it.last_length) = spill.put(record(rj["last"]));
      it.last_missing = rj.value("last_missing", "");
      if (rj.contains("problems")) {
        it.problems = rj["problems"].get<std::string>();
        it.problems_code = static_cast<ExitCode>(rj.value("problems_code", 65));
        all_good = false;
      } else if (rj.contains("failed")) {
        it.error = error_from(rj["failed"]);
        all_good = false;
      } else {
        if (build && !options.force && !options.fill_in) it.kept = detail::fresh_result(state, it.id, it.key, it.notices);
        remembered.push_back(
            {{"id", it.id}, {"agency", it.agency}, {"kind", it.kind}, {"year", it.year}, {"stem", it.file_stem}, {"key", it.key}});
      }
      by_entry[i].push_back(std::move(it));
    }
    // What reading this entry gave, for the next build to plan without reading.
    if (build && !options.fill_in) try {
        if (all_good && !remembered.empty())
          state.write("entry", entry.id, json{{"key", entry_keys[i]}, {"files_read", j["files_read"]}, {"reports", remembered}});
        else
          state.remove("entry", entry.id);
      } catch (const Error&) {
        // only the record is lost: the entry is read again next time
      }
    if (by_entry[i].empty()) fail_entry(Error(ExitCode::data, "没有读到任何单位的数据", {entry.inputs.front().display_path}));
    return true;
  };
  if (!to_read.empty() && !manifest_.previous.empty() && options.mode != Mode::plan) {
    read_last_year(options, spill, last_year, interrupted);
    if (interrupted) return {};
  }
  if (!to_read.empty()) {
    const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(to_read.size())));
    detail::WorkerRun run = detail::run_in_workers(to_read.size(), jobs, options.item_timeout, read_entry, take);
    interrupted = run.interrupted;
  }

  // Plan order: entries in manifest order, an entry's reports in its input's order.
  std::vector<Item> items;
  for (auto& v : by_entry)
    for (auto& it : v) {
      it.index = items.size();
      items.push_back(std::move(it));
    }
  if (rollups && options.mode != Mode::plan) roll_up(items, spill);

  // Two reports that would write one file, in any shard: the later one fails.
  std::map<std::string, std::size_t> first;  // stem → item
  std::map<std::string, std::size_t> id_first;
  for (auto& it : items) {
    if (it.error) continue;
    if (auto [at, fresh] = id_first.emplace(it.id, it.index); !fresh) {
      it.error = Error(ExitCode::config, "report id '" + it.id + "' is given twice (again by the entry '" +
                                             manifest_.reports[it.entry].id + "'): two agencies of one roster with the same name and year?");
      it.kept.reset();
      continue;
    }
    if (it.file_stem.empty()) continue;
    auto [at, fresh] = first.emplace(it.file_stem, it.index);
    if (fresh) continue;
    const Item& earlier = items[at->second];
    const auto& mine = plans[it.entry].config ? plans[it.entry].config->outputs : std::vector<ResolvedOutput>{};
    const auto& theirs = plans[earlier.entry].config ? plans[earlier.entry].config->outputs : std::vector<ResolvedOutput>{};
    bool shared = false;
    for (const auto& a : mine)
      for (const auto& b : theirs) shared = shared || a.use.plugin == b.use.plugin;
    if (!shared) continue;
    std::string shard = options.shard.count > 1 ? ", which shard " + std::to_string(earlier.index % static_cast<std::size_t>(options.shard.count)) + " builds" : "";
    it.error = Error(ExitCode::config, "report '" + it.id + "' would overwrite the files of report '" + earlier.id + "'" + shard +
                                           ": both are named “" + it.file_stem + "” (give one of them another file_name)");
    it.kept.reset();
  }
  return items;
}

std::vector<PlanItem> Pipeline::plan(const RunOptions& options_in) {
  RunOptions options = options_in;
  options.mode = Mode::plan;
  std::vector<Planned> plans = configure(options);
  Spill spill;
  int interrupted = 0;
  std::vector<Item> items = plan_items(plans, options, spill, interrupted);
  std::vector<PlanItem> out;
  for (const auto& it : items) {
    PlanItem p;
    p.index = it.index;
    p.shard = static_cast<int>(it.index % static_cast<std::size_t>(std::max(1, options.shard.count)));
    p.id = it.id;
    p.entry = manifest_.reports[it.entry].id;
    p.agency = it.agency;
    p.year = it.year;
    p.file_stem = it.file_stem;
    for (const auto& in : manifest_.reports[it.entry].inputs) p.inputs.push_back(in.display_path);
    if (it.error) p.error = it.error->what();
    else if (!it.problems.empty()) p.error = it.problems;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace nianbao
