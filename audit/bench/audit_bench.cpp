// What the sshtc_audit preload costs per call.
//
// LD_PRELOAD cannot be switched on and off inside one process, so this loads the preload with
// dlopen(RTLD_LOCAL) and calls its exported setsockopt and send directly, next to libc's own.
// That is the same code a preloaded process runs (the interposer, its RTLD_NEXT forward to libc
// and, for recorded calls, the record) minus one PLT hop, so "audited" minus "libc" is the
// audit's cost. The audit writes to a fresh temporary directory, removed at exit.
//
//   audit_bench [benchmark flags]        SSHTC_AUDIT_LIBRARY=<path> overrides the built one
//
// The syscall backend cannot be switched on inside a process either: run the libc variants under
// it, and "libc" under it minus "libc" alone is its cost per call.
//
//   SSHTC_AUDIT_DIR=$(mktemp -d) sshtc-syscall-audit audit_bench --benchmark_filter=/libc
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

struct SocketCalls {
  decltype(&::setsockopt) setsockopt;
  decltype(&::send) send;
};

const SocketCalls libc_calls{&::setsockopt, &::send};

// Sends are drained by libc recv in batches, the same in both variants, so the socket buffer
// never fills and every send succeeds: the hot path of a live connection.
constexpr int kBatch = 64;

class SocketPair {
 public:
  SocketPair() {
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, ends_) != 0) std::abort();
  }
  ~SocketPair() {
    close(ends_[0]);
    close(ends_[1]);
  }
  int near() const { return ends_[0]; }
  int far() const { return ends_[1]; }

 private:
  int ends_[2];
};

void setsockopt_keepalive(benchmark::State& state, const SocketCalls* calls) {
  SocketPair pair;
  const int on = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calls->setsockopt(pair.near(), SOL_SOCKET, SO_KEEPALIVE, &on,
                                               sizeof on));
  }
}

void send_one_byte(benchmark::State& state, const SocketCalls* calls) {
  SocketPair pair;
  char buffer[kBatch];
  int pending = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calls->send(pair.near(), "x", 1, 0));
    if (++pending == kBatch) {
      pending -= static_cast<int>(recv(pair.far(), buffer, sizeof buffer, MSG_WAITALL));
    }
  }
}

template <typename Function>
Function* exported(void* library, const char* name) {
  auto* function = reinterpret_cast<Function*>(dlsym(library, name));
  if (function == nullptr) {
    std::fprintf(stderr, "audit_bench: %s\n", dlerror());
    std::exit(1);
  }
  return function;
}

}  // namespace

int main(int argc, char** argv) {
  std::string directory = (std::filesystem::temp_directory_path() / "sshtc-bench-XXXXXX").string();
  if (mkdtemp(directory.data()) == nullptr) return 1;
  // Read by the preload once, when it is loaded.
  setenv("SSHTC_AUDIT_DIR", directory.c_str(), 1);
  const char* path = std::getenv("SSHTC_AUDIT_LIBRARY");
  void* library = dlopen(path != nullptr ? path : SSHTC_AUDIT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    std::fprintf(stderr, "audit_bench: %s\n", dlerror());
    return 1;
  }
  const SocketCalls audited_calls{exported<decltype(::setsockopt)>(library, "setsockopt"),
                                  exported<decltype(::send)>(library, "send")};

  benchmark::RegisterBenchmark("setsockopt_SO_KEEPALIVE/libc", setsockopt_keepalive, &libc_calls);
  benchmark::RegisterBenchmark("setsockopt_SO_KEEPALIVE/audited", setsockopt_keepalive,
                               &audited_calls);
  benchmark::RegisterBenchmark("send_1_byte/libc", send_one_byte, &libc_calls);
  benchmark::RegisterBenchmark("send_1_byte/audited", send_one_byte, &audited_calls);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(directory);
  return 0;
}
