#include "variant.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "../base/registry.hpp"
#include "bridge.hpp"

namespace sshtc {

namespace {

// A shaping named `name` with what `set` gives it: the table below reads as one line a variant.
template <class Set>
Shaping shaped(const std::string& name, Set set) {
  Shaping shaping;
  shaping.name = name;
  set(shaping);
  return shaping;
}

Shaping fault_at(const std::string& name, Fault fault) {
  return shaped(name, [&](Shaping& s) { s.fault = fault; });
}

// The table, made once.
std::vector<Variant> make_variants() {
  using std::chrono::microseconds, std::chrono::milliseconds;
  const Shaping frag1 = shaped("frag1", [](Shaping& s) { s.chunk = 1, s.wait_until_read = true; });
  // A slow ProxyCommand (paramiko/paramiko#252): chunks of 1 to 512 bytes, 2 ms apart.
  const Shaping drip = shaped("drip", [](Shaping& s) { s.chunk = 512, s.random_chunks = true, s.pause = microseconds(2000); });
  return {
      // A reader loop that assumes a whole line or packet per read breaks (class G).
      {"frag1", "every byte its own read, both ways", frag1, frag1, false, false},
      {"drip", "chunks of 1 to 512 bytes, 2 ms apart, both ways", drip, drip},
      // paramiko/paramiko#673: the server's identification line and its KEXINIT in one read. sshd
      // sends its KEXINIT only once the client's line has reached it, so the hold lasts until the
      // client has started and sent it: 2 s, since a Python relay took over 500 ms on a loaded
      // machine and its control went uncaught. A client that waits for the server's line before
      // it sends its own (libssh, libssh2, ssh behind a ProxyCommand pipe) pays the whole hold:
      // 10 s ran into libssh's connect timeout.
      {"coalesce", "the server's writes held back and delivered together, its identification line with its KEXINIT",
       {}, shaped("coalesce", [](Shaping& s) { s.gather = milliseconds(20), s.hold_first = milliseconds(2000); })},
      // The server's side shut for writing while the client's writes are still taken: EOF on a
      // stream that is not closed (smallstep/cli#1641, gravitational/teleport#39387).
      {"halfclose", "the server's side shut for writing, the client's writes still taken",
       shaped("halfclose", [](Shaping& s) { s.drain_after_far_end_closes = true; }), {}},
      {"nonblock", "the client's descriptors handed over with O_NONBLOCK, pipes of one page", {}, {}, true},
      // The faults: a clean failure is right; anything else is a finding of the variant's rule.
      // Cut during authentication: the server's side ends 0 to 255 bytes after its NEWKEYS.
      {"truncate", "the stream cut in the middle of the session", {},
       fault_at("truncate", {Fault::Kind::Cut, 0, 255}), false, true, "truncation-not-noticed"},
      // Bytes 16 to 31 after NEWKEYS are in the first encrypted packet or its MAC, and never its
      // length field (clear with AES-GCM), whose corruption could leave both sides waiting.
      {"garbage", "one byte of the first encrypted packet flipped", {},
       fault_at("garbage", {Fault::Kind::Flip, 16, 31}), false, true, "corruption-not-noticed"},
      // Long enough for a client that gives up on a silent server to show it; short for the
      // default matrix's time budget.
      {"stall", "the server's side silent for 500 ms in the middle of the session, then cut", {},
       fault_at("stall", {Fault::Kind::Stall, 0, 255, milliseconds(500)}), false, true, "stall-not-noticed"},
  };
}

}  // namespace

const std::vector<Variant>& variants() {
  static const std::vector<Variant> all = make_variants();
  return all;
}

std::vector<std::string> fault_rules() {
  std::vector<std::string> rules;
  for (const auto& variant : variants()) {
    if (!variant.fault_rule.empty()) rules.push_back(variant.fault_rule);
  }
  return rules;
}

const Variant& find_variant(const std::string& name) { return find_named(variants(), name, "variant"); }

std::pair<std::string, std::string> split_variant(const std::string& transport) {
  auto tilde = transport.find('~');
  if (tilde == std::string::npos) return {transport, ""};
  return {transport.substr(0, tilde), transport.substr(tilde + 1)};
}

namespace {

bool is_pipe(int fd) {
  struct stat about {};
  return ::fstat(fd, &about) == 0 && S_ISFIFO(about.st_mode);
}

// The base's connection with the client's descriptors made non-blocking (their open file
// descriptions, which only the client holds once the harness has closed its copies).
class NonblockingConnection : public Connection {
 public:
  explicit NonblockingConnection(std::unique_ptr<Connection> base) : base_(std::move(base)) {
    ClientEndpoint ends = base_->client();
    if (ends.fd_in < 0) throw std::runtime_error("the variant nonblock needs a descriptor transport");
    for (int fd : {ends.fd_in, ends.fd_out}) {
      check_sys(::fcntl(fd, F_SETFL, check_sys(::fcntl(fd, F_GETFL), "F_GETFL") | O_NONBLOCK), "F_SETFL O_NONBLOCK");
      if (is_pipe(fd)) check_sys(::fcntl(fd, F_SETPIPE_SZ, 4096), "F_SETPIPE_SZ");
    }
  }
  ClientEndpoint client() const override { return base_->client(); }
  ServerEndpoint accept_server(std::chrono::steady_clock::time_point deadline, int give_up) override {
    return base_->accept_server(deadline, give_up);
  }
  void close_client_side() override { base_->close_client_side(); }
  void close_server_side() override { base_->close_server_side(); }

 private:
  std::unique_ptr<Connection> base_;
};

class VariantTransport : public Transport {
 public:
  VariantTransport(std::shared_ptr<Transport> base, Variant variant, uint64_t seed)
      : base_(std::move(base)), variant_(std::move(variant)), seed_(seed) {}
  std::string name() const override { return base_->name() + "~" + variant_.name; }
  std::optional<std::string> unavailable() const override { return base_->unavailable(); }
  std::unique_ptr<Connection> open() override {
    if (variant_.nonblocking_client) return std::make_unique<NonblockingConnection>(base_->open());
    // The client and the server each get the base's kind of stream; the pump between them is
    // the variant.
    return std::make_unique<BridgeConnection>(base_->open(), base_->open(),
                                              BridgeShape{variant_.to_server, variant_.to_client, seed_});
  }

 private:
  std::shared_ptr<Transport> base_;
  Variant variant_;
  uint64_t seed_;
};

}  // namespace

std::shared_ptr<Transport> make_variant_transport(std::shared_ptr<Transport> base, const Variant& variant,
                                                  uint64_t seed) {
  return std::make_shared<VariantTransport>(std::move(base), variant, seed);
}

}  // namespace sshtc
