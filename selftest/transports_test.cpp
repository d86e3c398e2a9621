// Every transport moves bytes both ways between its two ends and reports EOF.
#include <gtest/gtest.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

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

INSTANTIATE_TEST_SUITE_P(All, TransportTest, testing::ValuesIn(transport_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sshtc
