#include "compliance.hpp"

#include <functional>

#include "printable.hpp"
#include "../base/process.hpp"
#include "../base/scratch_dir.hpp"
#include "server.hpp"
#include "session.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

// A client that complied is remembered as "ok": an empty answer would read as none.
const std::string kComplied = "ok";
constexpr auto kProbeTimeout = std::chrono::seconds(10);
// An adapter refuses a scenario before it dials; one still running this long after it started
// has dialled, so it does the scenario. A slow refusal misread so costs nothing: its sessions
// exit 89 and are SKIP all the same. (paramiko's ProxyCommand can spin on nc's EOF for ever
// once it has dialled nowhere, paramiko#1277: the probe must not wait for that.)
constexpr auto kScenarioAnswerTimeout = std::chrono::seconds(3);

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// A whole contract environment, so that an adapter has no excuse to fail before it reads the
// scenario. A client's port is one nothing listens on, in case it dials regardless; a server's
// stdin and stdout are empty, and a daemon's port is free.
ProcessSpec probe_spec(const Implementation& adapter, const RunDirectory& run, const fs::path& scratch,
                       const std::string& scenario = kProbeScenario) {
  ProcessSpec spec;
  if (adapter.is_server()) {
    spec = server_spec(run, adapter, {{"SSHTC_SCENARIO", scenario}}, scratch);
    if (adapter.mode == "daemon") {
      spec.env["SSHTC_LISTEN_HOST"] = "127.0.0.1";
      spec.env["SSHTC_LISTEN_PORT"] = std::to_string(free_loopback_port());
    }
  } else {
    ClientEndpoint nowhere;
    nowhere.host = "127.0.0.1";
    nowhere.port = 1;
    spec.argv = adapter.command;
    spec.env = adapter_environment(run, adapter, nowhere, "tcp4", {scenario, "true"});
    spec.env["TMPDIR"] = scratch.string();
  }
  spec.what = adapter.name + " adapter (" + (scenario == kProbeScenario ? "compliance probe" : "scenario " + scenario) + ")";
  spec.stdout_path = scratch / "stdout";
  spec.stderr_path = scratch / "stderr";
  return spec;
}

std::string probe_answer(const ExitStatus& status, const fs::path& scratch) {
  std::string said = printable(first_line(read_file(scratch / "stderr")));
  if (status.code == kCannotDo && !said.empty()) return kComplied;
  std::string answer = "asked for the unknown scenario '" + kProbeScenario + "', it answered " +
                       status.describe() + ", not exit " + std::to_string(kCannotDo) + " with a reason";
  if (status.code == kCannotDo) return answer + ": it gave none on stderr";
  std::string printed = said.empty() ? printable(first_line(read_file(scratch / "stdout"))) : said;
  return printed.empty() ? answer : answer + ": " + printed;
}

// A client's answer to a scenario it may not implement: kCannotDo with a reason that names
// the scenario ("scenario 'stdin' is not implemented", as the contract's helpers say it), or
// anything else: it dialled port 1 and failed, or it cannot do the probe's tcp4 (a transport
// refusal, which its sessions give per transport): it does the scenario.
const std::string kCannot = "cannot: ";
std::string scenario_answer(const ExitStatus& status, const fs::path& scratch, const std::string& scenario) {
  std::string said = printable(first_line(read_file(scratch / "stderr")));
  bool refused = status.code == kCannotDo && said.find("scenario '" + scenario + "'") != std::string::npos;
  return refused ? kCannot + said : "can";
}

// One question to one adapter: started now, answered later. Spawned from this one thread:
// forking from several threads at once can leave a child stuck on a lock before it execs.
struct Question {
  std::string kind;  // "versions", "compliance" or "scenario-NAME", as the run directory keeps the answers
  ScratchDir scratch{"sshtc-ask"};
  std::optional<Process> process;
  std::string answer;  // set at once when the adapter cannot even start
  std::function<std::string(const ExitStatus&, const fs::path&)> read;
  std::chrono::seconds timeout = kProbeTimeout;  // from when every question has been asked
};

}  // namespace

std::optional<std::string> compliance_failure(const Implementation& adapter, const RunDirectory& run) {
  std::string answer = run.remembered("compliance", adapter.answer_key(), [&] {
    ScratchDir scratch("sshtc-probe");
    try {
      auto status = Process::spawn(probe_spec(adapter, run, scratch.path())).wait_until(Clock::now() + kProbeTimeout);
      return probe_answer(status, scratch.path());
    } catch (const SpawnError& error) {
      return std::string(error.what());
    }
  });
  if (answer == kComplied) return std::nullopt;
  return answer;
}

std::optional<std::string> cannot_do_scenario(const Implementation& client, const RunDirectory& run,
                                              const std::string& scenario) {
  if (client.is_server() || scenario == "exec") return std::nullopt;
  std::string answer = run.remembered("scenario-" + scenario, client.answer_key(), [&] {
    ScratchDir scratch("sshtc-probe");
    try {
      auto status = Process::spawn(probe_spec(client, run, scratch.path(), scenario))
                        .wait_until(Clock::now() + kScenarioAnswerTimeout);
      return scenario_answer(status, scratch.path(), scenario);
    } catch (const SpawnError& error) {
      return std::string("can");  // the session will say what is wrong with it
    }
  });
  if (answer.rfind(kCannot, 0) != 0) return std::nullopt;
  return answer.substr(kCannot.size());
}

void ask_every_adapter(const std::vector<Implementation>& adapters, const RunDirectory& run,
                       const std::vector<std::string>& scenarios) {
  std::vector<std::pair<const Implementation*, std::unique_ptr<Question>>> questions;
  for (const auto& adapter : adapters) {
    std::vector<std::string> kinds = {"versions", "compliance"};
    if (!adapter.is_server()) {
      // exec is every adapter's (contract v1): it is not asked, as its sessions will show.
      for (const auto& scenario : scenarios) {
        if (scenario != "exec") kinds.push_back("scenario-" + scenario);
      }
    }
    for (const auto& kind : kinds) {
      auto question = std::make_unique<Question>();
      question->kind = kind;
      bool version = kind == "versions";
      std::string scenario = kind.rfind("scenario-", 0) == 0 ? kind.substr(9) : "";
      if (version) {
        question->read = version_answer;
      } else if (scenario.empty()) {
        question->read = probe_answer;
      } else {
        question->read = [scenario](const ExitStatus& status, const fs::path& scratch) {
          return scenario_answer(status, scratch, scenario);
        };
        question->timeout = kScenarioAnswerTimeout;
      }
      try {
        question->process = Process::spawn(version ? version_spec(adapter, run, question->scratch.path())
                                                   : probe_spec(adapter, run, question->scratch.path(),
                                                                scenario.empty() ? kProbeScenario : scenario));
      } catch (const SpawnError& error) {
        question->answer = version ? std::string("unknown (") + error.what() + ")" : scenario.empty() ? error.what() : "can";
      }
      questions.emplace_back(&adapter, std::move(question));
    }
  }
  auto asked = Clock::now();
  for (auto& [adapter, question] : questions) {
    if (question->process) {
      question->answer = question->read(question->process->wait_until(asked + question->timeout), question->scratch.path());
    }
    run.remembered(question->kind, adapter->answer_key(), [&] { return question->answer; });
  }
}

}  // namespace sshtc
