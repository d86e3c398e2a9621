// Every transport moves bytes both ways between its two ends and reports EOF.
#include <gtest/gtest.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <string>
#include <thread>
#include <vector>

#include "../transports/byte_pump.hpp"
#include "../transports/shaping.hpp"
#include "../transports/transport.hpp"

namespace sshtc {
namespace {

// The client dials tcp itself; a plain connect stands in for it.
UniqueFd dial(const ClientEndpoint& endpoint) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* found = nullptr;
  EXPECT_EQ(getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found), 0);
  UniqueFd fd(check_sys(::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
  check_sys(::connect(fd.get(), found->ai_addr, found->ai_addrlen), "connect");
  freeaddrinfo(found);
  return fd;
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  return text;
}

void write_all(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

class TransportTest : public testing::TestWithParam<std::string> {};

TEST_P(TransportTest, MovesBytesBothWaysAndReportsEof) {
  auto transport = find_transport(GetParam());
  if (auto reason = transport->unavailable()) GTEST_SKIP() << *reason;
  auto connection = transport->open();
  ClientEndpoint client = connection->client();
  UniqueFd dialled;
  if (client.fd_in < 0) {
    dialled = dial(client);
    client.fd_in = client.fd_out = dialled.get();
  }
  ServerEndpoint server =
      connection->accept_server(std::chrono::steady_clock::now() + std::chrono::seconds(5));

  // Each side writes, then closes its writing end; each side must read the other's bytes
  // and then EOF. Duplicates stand in for the processes that would hold the ends.
  UniqueFd client_in(::dup(client.fd_in)), client_out(::dup(client.fd_out));
  UniqueFd server_in(::dup(server.fd_in)), server_out(::dup(server.fd_out));
  dialled.reset();
  connection->close_client_side();
  connection->close_server_side();
  const std::string hello(100000, 'c'), reply(70000, 's');
  std::thread client_writer([&] {
    write_all(client_out.get(), hello);
    if (client_out.get() != client_in.get()) client_out.reset();
    ::shutdown(client_in.get(), SHUT_WR);
  });
  std::thread server_writer([&] {
    write_all(server_out.get(), reply);
    server_out.reset();
    ::shutdown(server_in.get(), SHUT_WR);
  });
  std::string at_server = read_all(server_in.get());
  std::string at_client = read_all(client_in.get());
  client_writer.join();
  server_writer.join();
  EXPECT_EQ(at_server.size(), hello.size()) << GetParam() << ": client → server";
  EXPECT_EQ(at_client.size(), reply.size()) << GetParam() << ": server → client";
  EXPECT_EQ(at_server, hello);
  EXPECT_EQ(at_client, reply);
}

std::vector<std::string> transport_names() {
  std::vector<std::string> names;
  for (const auto& transport : all_transports()) names.push_back(transport->name());
  return names;
}

// gtest names are alphanumeric: unix-abstract's test is .../unix_abstract.
INSTANTIATE_TEST_SUITE_P(All, TransportTest, testing::ValuesIn(transport_names()), [](const auto& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
});

// A shaped pump from a socketpair to `to` (a socket, or a pipe's write end): `sent` goes in at
// once; a reader that takes its time reads it from `from`. The sizes of its reads, in order.
std::vector<size_t> read_sizes_through(const Shaping& shaping, bool to_pipe, const std::string& sent,
                                       std::chrono::milliseconds* took = nullptr) {
  int in[2], out[2];
  check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in), "socketpair");
  if (to_pipe) {
    check_sys(::pipe2(out, O_CLOEXEC), "pipe");  // out[0] is read here, out[1] written by the pump
  } else {
    check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out), "socketpair");
  }
  UniqueFd writer(in[0]), reader(out[0]);
  // Back from the far side, nothing: a pipe that is closed at once.
  int back[2];
  check_sys(::pipe2(back, O_CLOEXEC), "pipe");
  ::close(back[1]);
  StreamEnds far = to_pipe ? StreamEnds{back[0], out[1]} : StreamEnds{out[1], out[1]};
  if (!to_pipe) ::close(back[0]);
  auto start = std::chrono::steady_clock::now();
  std::vector<size_t> sizes;
  {
    BytePump pump(StreamEnds{in[1], in[1]}, far, shaping);
    std::string got;
    std::thread feed([&] { write_all(writer.get(), sent); });
    char buffer[4096];
    while (got.size() < sent.size()) {
      std::this_thread::sleep_for(std::chrono::microseconds(300));  // a reader slower than the pump
      ssize_t n = ::read(reader.get(), buffer, sizeof buffer);
      if (n <= 0) break;
      sizes.push_back(static_cast<size_t>(n));
      got.append(buffer, static_cast<size_t>(n));
    }
    feed.join();
    EXPECT_EQ(got, sent) << shaping.name;
  }
  if (took) *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return sizes;
}

std::string some_bytes(size_t size) {
  std::string text;
  for (size_t i = 0; i < size; ++i) text.push_back(static_cast<char>('a' + i % 26));
  return text;
}

TEST(Shaping, Frag1MakesEveryByteItsOwnReadOnSocketsAndPipes) {
  for (bool to_pipe : {false, true}) {
    auto sizes = read_sizes_through(*shaping_named("frag1"), to_pipe, some_bytes(300));
    EXPECT_EQ(sizes.size(), 300u) << (to_pipe ? "pipe" : "socket");
    for (size_t size : sizes) ASSERT_EQ(size, 1u) << (to_pipe ? "pipe" : "socket");
  }
}

// The negative control of the test above: unshaped, the same slow reader gets bytes joined.
TEST(Shaping, UnshapedTheSameReaderGetsTheBytesJoined) {
  auto sizes = read_sizes_through(Shaping{}, false, some_bytes(300));
  EXPECT_LT(sizes.size(), 300u);
}

TEST(Shaping, DripSendsChunksOf512BytesApart) {
  std::chrono::milliseconds took{0};
  auto sizes = read_sizes_through(*shaping_named("drip"), false, some_bytes(8 * 512), &took);
  // Eight chunks with a 2 ms pause after each.
  EXPECT_GE(took.count(), 16) << "drip took " << took.count() << " ms";
  EXPECT_GE(sizes.size(), 2u);
}

}  // namespace
}  // namespace sshtc
