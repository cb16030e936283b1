// docs/operations.md as an operator uses it: every recipe on that page is read
// out of the page and run against a small county — the first command, the cron
// line, the systemd units (systemd-analyze verify, where it is installed), the
// shard commands, the Kubernetes Job as its containers run it, the Slurm
// script — and the exit-code order the page documents is the order builds use.
// A block on the page that no test here runs fails the first test, so a new
// recipe cannot go untested and an edited one cannot rot.
#include "cli_fixture.hpp"

#include <nianbao/error.hpp>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/wait.h>

#include <functional>
#include <map>
#include <regex>
#include <set>

using namespace e2e;
using nlohmann::json;

namespace {

struct Block {
  std::string lang, label, body;
  int line = 0;  // of the opening fence, for messages
};

std::vector<Block> blocks_of(const std::string& markdown) {
  std::vector<Block> out;
  std::istringstream in(markdown);
  std::string line;
  Block* open = nullptr;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.rfind("```", 0) == 0) {
      if (open) {
        open = nullptr;
        continue;
      }
      Block b;
      b.line = n;
      std::istringstream info(line.substr(3));
      info >> b.lang >> b.label;
      out.push_back(b);
      open = &out.back();
    } else if (open) {
      open->body += line + "\n";
    }
  }
  return out;
}

const std::string kCountyWorkbook = "政府信息公开工作年度报告汇总.xlsx";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::set<int> numbers_in(const std::string& s) {
  std::set<int> out;
  std::istringstream in(s);
  for (int v; in >> v;) out.insert(v);
  return out;
}

// "[Section]" → key → values (a key may repeat).
using Unit = std::map<std::string, std::map<std::string, std::vector<std::string>>>;
Unit parse_unit(const std::string& text) {
  Unit u;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      section = line.substr(1, line.find(']') - 1);
      continue;
    }
    auto eq = line.find('=');
    if (eq != std::string::npos) u[section][line.substr(0, eq)].push_back(line.substr(eq + 1));
  }
  return u;
}

class Operations : public Cli {
 protected:
  // The agencies listed on the county workbook's first sheet (汇总), read with openpyxl.
  int county_rows(const fs::path& workbook) {
    if (!fs::exists(workbook)) return -1;
    return std::stoi(tool("/usr/bin/python3 -c \"import openpyxl, sys; print(openpyxl.load_workbook(sys.argv[1]).worksheets[0].max_row - 1)\" '" +
                          workbook.string() + "'"));
  }

  void SetUp() override {
    Cli::SetUp();
    page = slurp(fs::path(NIANBAO_SOURCE_DIR) / "docs/operations.md");
    all = blocks_of(page);
    // The operator's machine, in the test folder: the paths the recipes name.
    data = dir / "srv/nianbao/2023";
    logs = dir / "var/log/nianbao";  // not made: --summary makes its folder, the cron log is the operator's
    bin = dir / "usr/local/bin";
    fs::create_directories(bin);
    fs::create_symlink(NIANBAO_EXE, bin / "nianbao");
    county();
  }

  // Five townships; the fifth breaks R1, as some agency always does (65).
  void county() {
    fs::create_directories(data);
    std::string sample = slurp(dir / "report.yaml");
    std::string manifest = "form: gov-info-disclosure-2021\noutput_dir: out\noutputs: [text]\nsummary: [xlsx]\nreports:\n";
    for (int i = 0; i < 5; ++i) {
      std::string text = replace_all(sample, "agency: 官坡镇人民政府", "agency: 第" + std::to_string(i) + "镇人民政府");
      if (i == 4) text = replace_all(text, "new_received: {natural_person: 0", "new_received: {natural_person: 5");
      spit(data / ("a" + std::to_string(i) + ".yaml"), text);
      manifest += "  - id: a" + std::to_string(i) + "\n    inputs: [{plugin: yaml, path: a" + std::to_string(i) + ".yaml}]\n";
    }
    spit(data / "manifest.yaml", manifest);
  }

  // The recipe with this machine's paths in place of the page's.
  std::string localize(std::string s) const {
    s = replace_all(s, "/usr/local/bin/nianbao", (bin / "nianbao").string());
    s = replace_all(s, "/srv/nianbao/2023", data.string());
    s = replace_all(s, "/var/log/nianbao", logs.string());
    return s;
  }

  // Runs argv in `cwd` with `env` added to a PATH that finds nianbao; returns
  // the exit status (128 + signal when killed), output in out.txt/err.txt.
  int exec(const std::vector<std::string>& argv, const fs::path& cwd, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::pair<std::string, std::string>> vars(env.begin(), env.end());
    vars.emplace_back("PATH", bin.string() + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"));
    int rc = finish(start(argv, cwd, vars, dir / "out.txt", dir / "err.txt"));
    err = slurp(dir / "err.txt");
    return rc;
  }
  int shell(const std::string& script, const fs::path& cwd, const std::map<std::string, std::string>& env = {}) {
    return exec({"/bin/sh", "-c", script}, cwd, env);
  }

  // The one block of this kind; `what` says which for a failure.
  const Block& block(const std::function<bool(const Block&)>& is, const std::string& what) {
    const Block* found = nullptr;
    for (const auto& b : all)
      if (is(b)) {
        EXPECT_EQ(found, nullptr) << "two blocks are " << what << " (lines " << found->line << " and " << b.line << ")";
        found = &b;
      }
    if (!found) {
      ADD_FAILURE() << "docs/operations.md has no block that is " << what;
      static const Block none;
      return none;
    }
    return *found;
  }

  // The exit codes whose row in the page's table says not to retry.
  std::set<int> never_retried() const {
    std::set<int> out;
    std::regex row(R"(^\| (\d+) \|.*\| no\b)");
    std::istringstream in(page);
    std::smatch m;
    for (std::string line; std::getline(in, line);)
      if (std::regex_search(line, m, row)) out.insert(std::stoi(m[1]));
    return out;
  }

  json summary_at(const fs::path& p) {
    EXPECT_TRUE(fs::exists(p)) << p;
    return fs::exists(p) ? json::parse(slurp(p)) : json::object();
  }

  std::string page, err;
  std::vector<Block> all;
  fs::path data, logs, bin;
};

// The kinds of block the tests below run, by what the page writes.
bool is_first_command(const Block& b) { return b.lang == "sh" && b.label.empty() && b.body.find("build /srv/") != std::string::npos; }
bool is_shard_command(const Block& b) { return b.lang == "sh" && b.label.empty() && b.body.find("--shard-index") != std::string::npos; }
bool is_merge(const Block& b) { return b.lang == "sh" && b.label.empty() && b.body.find("summarize summary-") != std::string::npos; }
bool is_job_merge(const Block& b) { return b.lang == "sh" && b.label.empty() && b.body.find("summarize summaries/") != std::string::npos; }
bool is_cron(const Block& b) { return b.lang == "cron"; }
bool is_service(const Block& b) { return b.lang == "ini" && b.label.ends_with(".service"); }
bool is_timer(const Block& b) { return b.lang == "ini" && b.label.ends_with(".timer"); }
bool is_job(const Block& b) { return b.lang == "yaml" && b.body.find("kind: Job") != std::string::npos; }
bool is_sbatch(const Block& b) { return b.lang == "sh" && b.label.ends_with(".sbatch"); }

TEST_F(Operations, EveryBlockOnThePageIsARecipeTheseTestsRun) {
  std::vector<bool (*)(const Block&)> kinds = {is_first_command, is_shard_command, is_merge, is_job_merge, is_cron,
                                               is_service, is_timer, is_job, is_sbatch};
  ASSERT_FALSE(all.empty());
  for (const auto& b : all) {
    int claimed = 0;
    for (auto k : kinds) claimed += k(b);
    EXPECT_EQ(claimed, 1) << "docs/operations.md:" << b.line << ": a ```" << b.lang << " block that "
                          << (claimed ? "several tests claim" : "no test runs") << ":\n"
                          << b.body;
  }
}

TEST_F(Operations, TheFirstCommandBuildsTheCountyAndWritesItsSummaryIntoAFolderItMakes) {
  const Block& b = block(is_first_command, "the first build command");
  ASSERT_FALSE(fs::exists(logs));
  EXPECT_EQ(shell(localize(b.body), dir), 65) << err;  // the fifth agency's data breaks R1
  json s = summary_at(logs / "summary.json");
  EXPECT_EQ(s["totals"]["ok"], 5);  // four townships and the county workbook
  EXPECT_EQ(s["totals"]["failed"], 1);
  EXPECT_TRUE(fs::exists(data / "out" / "第0镇人民政府2023年政府信息公开工作年度报告.txt"));
}

TEST_F(Operations, TheCronLineRunsAsCronRunsIt) {
  const Block& b = block(is_cron, "the cron line");
  std::istringstream in(b.body);
  std::string line, command;
  int entries = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++entries;
    // /etc/cron.d: five time fields, the user, then the command.
    std::istringstream fields(line);
    std::string f;
    for (int i = 0; i < 5; ++i) {
      fields >> f;
      EXPECT_TRUE(std::regex_match(f, std::regex(R"([0-9*,/-]+)"))) << "time field '" << f << "'";
    }
    fields >> f;
    EXPECT_EQ(f, "nianbao") << "the user field";
    std::getline(fields >> std::ws, command);
  }
  ASSERT_EQ(entries, 1);
  // cron turns an unescaped % into a newline: every % must be written \%.
  EXPECT_EQ(std::regex_replace(command, std::regex(R"(\\%)"), "").find('%'), std::string::npos) << command;
  command = replace_all(command, "\\%", "%");
  fs::create_directories(logs);  // the page asks the operator for a writable log folder
  EXPECT_EQ(shell(localize(command), fs::path("/")), 65) << err;  // the redirect takes nianbao's code
  EXPECT_NE(slurp(logs / "build.log").find("a4: error R1"), std::string::npos) << slurp(logs / "build.log");
  int summaries = 0;
  for (const auto& e : fs::directory_iterator(logs))
    summaries += std::regex_match(e.path().filename().string(), std::regex(R"(summary-\d{4}-\d\d-\d\d\.json)"));
  EXPECT_EQ(summaries, 1);
}

TEST_F(Operations, TheSystemdUnitsVerifyAndRetryOnlyWhatTheTableSaysToRetry) {
  const Block& service = block(is_service, "the systemd service");
  const Block& timer = block(is_timer, "the systemd timer");
  Unit u = parse_unit(service.body);
  ASSERT_EQ(u["Service"]["ExecStart"].size(), 1u);
  ASSERT_EQ(u["Service"]["WorkingDirectory"].size(), 1u);

  // What is not retried = what counts as success + what prevents a restart:
  // exactly the codes whose row says "no".
  EXPECT_EQ(u["Service"]["Restart"], std::vector<std::string>{"on-failure"});
  std::set<int> not_retried = numbers_in(u["Service"]["SuccessExitStatus"].at(0));
  for (int c : numbers_in(u["Service"]["RestartPreventExitStatus"].at(0))) not_retried.insert(c);
  EXPECT_EQ(not_retried, never_retried());
  EXPECT_EQ(numbers_in(u["Service"]["SuccessExitStatus"].at(0)), (std::set<int>{65, 66}));  // the agencies'
  EXPECT_FALSE(u["Service"]["RestartSec"].empty()) << "restarts come in bursts without RestartSec";
  EXPECT_FALSE(u["Unit"]["StartLimitBurst"].empty()) << "retries must be bounded";
  EXPECT_FALSE(u["Unit"]["StartLimitIntervalSec"].empty()) << "retries must be bounded";

  // ExecStart as systemd runs it: in WorkingDirectory, no shell.
  std::istringstream words(localize(u["Service"]["ExecStart"][0]));
  std::vector<std::string> argv;
  for (std::string w; words >> w;) argv.push_back(w);
  int rc = exec(argv, localize(u["Service"]["WorkingDirectory"][0]));
  EXPECT_EQ(rc, 65) << err;
  EXPECT_TRUE(numbers_in(u["Service"]["SuccessExitStatus"][0]).count(rc)) << "the service would count tonight as failed";
  EXPECT_EQ(summary_at(logs / "summary.json")["totals"]["reports"], 6);  // five and the county workbook

  if (std::system("command -v systemd-analyze >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "systemd-analyze is not installed: the units were checked by the rules above only";
  fs::path units = dir / "units";
  fs::create_directories(units);
  spit(units / fs::path(service.label).filename(), localize(service.body));
  spit(units / fs::path(timer.label).filename(), localize(timer.body));
  std::string cmd = "systemd-analyze verify '" + (units / fs::path(service.label).filename()).string() + "' '" +
                    (units / fs::path(timer.label).filename()).string() + "'";
  EXPECT_EQ(shell(cmd, units), 0) << err;
  // verify exits 0 on a misspelt value ("…, ignoring"): anything it says is a fault.
  EXPECT_EQ(err, "") << "systemd-analyze verify found fault with the units";
}

TEST_F(Operations, AShardAsWrittenThenTheMergeWhichWaitsForTheOtherShards) {
  const Block& shard = block(is_shard_command, "the shard command");
  const Block& merge = block(is_merge, "the merge of shard summaries");
  EXPECT_EQ(shell(localize(shard.body), data), 0) << err;  // shard 2 of 8 holds a2 only
  EXPECT_EQ(summary_at(data / "summary-2.json")["totals"]["ok"], 1);

  EXPECT_EQ(shell(localize(merge.body), data), 75) << err;  // seven shards missing: run them
  EXPECT_EQ(summary_at(data / "summary.json")["shard"]["missing"], json({0, 1, 3, 4, 5, 6, 7}));
  EXPECT_FALSE(fs::exists(data / "out" / kCountyWorkbook)) << "a county workbook without seven shards' agencies";

  for (int i = 0; i < 8; ++i) {
    if (i == 2) continue;
    std::string other = replace_all(replace_all(shard.body, "--shard-index 2", "--shard-index " + std::to_string(i)),
                                    "summary-2.json", "summary-" + std::to_string(i) + ".json");
    EXPECT_EQ(shell(localize(other), data), i == 4 ? 65 : 0) << err;
  }
  EXPECT_EQ(shell(localize(merge.body), data), 65) << err;  // the night's worst: the fifth agency
  json all_shards = summary_at(data / "summary.json");
  EXPECT_EQ(all_shards["totals"]["reports"], 5);
  EXPECT_TRUE(all_shards["shard"]["missing"].empty());
  EXPECT_EQ(county_rows(data / "out" / kCountyWorkbook), 5) << "every shard's agencies in the county workbook";
}

TEST_F(Operations, TheKubernetesJobRunsAsItsContainersRunIt) {
  const Block& b = block(is_job, "the Kubernetes Job");
  YAML::Node job = YAML::Load(b.body);
  const YAML::Node spec = job["spec"];
  ASSERT_EQ(spec["completionMode"].as<std::string>(), "Indexed");
  int completions = spec["completions"].as<int>();
  const YAML::Node c = spec["template"]["spec"]["containers"][0];
  std::vector<std::string> argv = c["command"].as<std::vector<std::string>>();
  for (const auto& a : c["args"]) argv.push_back(a.as<std::string>());
  ASSERT_EQ(argv.size(), 3u);
  EXPECT_NE(argv[2].find("--shard-count " + std::to_string(completions)), std::string::npos)
      << "the shard count must equal completions";
  EXPECT_EQ(spec["template"]["spec"]["restartPolicy"].as<std::string>(), "Never");  // podFailurePolicy needs it
  // FailJob on what neither a retry nor the agencies fix; 65/66 the wrapper turns into success.
  std::set<int> fail_job;
  for (const auto& rule : spec["podFailurePolicy"]["rules"])
    if (rule["action"].as<std::string>() == "FailJob")
      for (const auto& v : rule["onExitCodes"]["values"]) fail_job.insert(v.as<int>());
  std::set<int> expected = never_retried();
  expected.erase(65);
  expected.erase(66);
  EXPECT_EQ(fail_job, expected);

  std::map<std::string, std::string> env;
  for (const auto& e : c["env"]) env[e["name"].as<std::string>()] = e["value"].as<std::string>();
  std::string mount = c["volumeMounts"][0]["mountPath"].as<std::string>();
  std::string work = c["workingDir"].as<std::string>();
  ASSERT_EQ(work.rfind(mount + "/", 0), 0u) << "the working folder is on the shared volume";
  fs::path cwd = data.parent_path() / work.substr(mount.size() + 1);
  ASSERT_TRUE(fs::exists(cwd / "manifest.yaml")) << cwd;
  ASSERT_FALSE(fs::exists(cwd / "summaries"));  // a fresh volume: --summary makes the folder
  for (int i = 0; i < completions; ++i) {
    env["JOB_COMPLETION_INDEX"] = std::to_string(i);
    EXPECT_EQ(exec(argv, cwd, env), 0) << "pod " << i << ": " << err;  // the fifth agency's 65 is not the pod's failure
    EXPECT_TRUE(fs::exists(cwd / "summaries" / ("summary-" + std::to_string(i) + ".json"))) << i;
  }
  const Block& merge = block(is_job_merge, "the merge of the Job's summaries");
  EXPECT_EQ(shell(localize(merge.body), cwd), 65) << err;
  json s = summary_at(cwd / "summary.json");
  EXPECT_EQ(s["totals"]["reports"], 5);
  EXPECT_EQ(s["totals"]["failed"], 1);
  EXPECT_TRUE(s["shard"]["missing"].empty());
  EXPECT_EQ(county_rows(cwd / "out" / kCountyWorkbook), 5);
}

TEST_F(Operations, TheSlurmScriptRunsAsItsArrayTasksRunIt) {
  const Block& b = block(is_sbatch, "the Slurm script");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(b.body, m, std::regex(R"(--array=(\d+)-(\d+))"))) << b.body;
  int lo = std::stoi(m[1]), hi = std::stoi(m[2]);
  fs::path script = data / fs::path(b.label).filename();
  spit(script, localize(b.body));
  for (int i = lo; i <= hi; ++i) {
    std::map<std::string, std::string> env = {{"SLURM_ARRAY_TASK_ID", std::to_string(i)},
                                              {"SLURM_ARRAY_TASK_MIN", std::to_string(lo)},
                                              {"SLURM_ARRAY_TASK_COUNT", std::to_string(hi - lo + 1)}};
    EXPECT_EQ(exec({"/bin/sh", script.string()}, data, env), 0) << "task " << i << ": " << err;
  }
  const Block& merge = block(is_job_merge, "the merge of the array's summaries");
  EXPECT_EQ(shell(localize(merge.body), data), 65) << err;
  json s = summary_at(data / "summary.json");
  EXPECT_EQ(s["totals"]["reports"], 5);
  EXPECT_TRUE(s["shard"]["missing"].empty());
}

// "it exits with the first of this order: **78, 69, …**" is what worse() does.
TEST_F(Operations, TheDocumentedOrderOfExitCodesIsTheOneBuildsUse) {
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page, m, std::regex(R"(first of this order:\s*\*\*([0-9, ]+)\*\*)"))) << "no order on the page";
  std::vector<int> order;
  std::istringstream in(std::regex_replace(std::string(m[1]), std::regex(","), " "));
  for (int v; in >> v;) order.push_back(v);
  std::set<int> codes(order.begin(), order.end());
  EXPECT_EQ(codes, (std::set<int>{64, 65, 66, 69, 70, 73, 74, 75, 78})) << "every failing code, once";
  for (std::size_t i = 0; i < order.size(); ++i)
    for (std::size_t j = i + 1; j < order.size(); ++j) {
      auto a = static_cast<nianbao::ExitCode>(order[i]), b = static_cast<nianbao::ExitCode>(order[j]);
      EXPECT_EQ(nianbao::worse(a, b), a) << order[i] << " before " << order[j];
      EXPECT_EQ(nianbao::worse(b, a), a) << order[i] << " before " << order[j];
      EXPECT_EQ(nianbao::worse(nianbao::ExitCode::ok, a), a);
    }
}

}  // namespace
