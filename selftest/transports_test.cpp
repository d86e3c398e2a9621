// Every transport moves bytes both ways between its two ends and reports EOF.
#include <gtest/gtest.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <thread>
#include <vector>

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>

#include "../transports/byte_pump.hpp"
#include "../transports/fault.hpp"
#include "../transports/shaping.hpp"
#include "../transports/transport.hpp"
#include "../transports/variant.hpp"

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


// Waits out EAGAIN: the nonblock variant hands over non-blocking descriptors.
void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EAGAIN) {
      pollfd writable{fd, POLLOUT, 0};
      ::poll(&writable, 1, 1000);
      continue;
    }
    ASSERT_GT(n, 0) << "write: " << strerror(errno);
    done += static_cast<size_t>(n);
  }
}

std::string read_all_waiting(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EAGAIN) {
      pollfd readable{fd, POLLIN, 0};
      ::poll(&readable, 1, 1000);
      continue;
    }
    if (n <= 0) return text;
    text.append(buffer, static_cast<size_t>(n));
  }
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
  // Shaped streams are slow by design (frag1 waits for every byte to be read): less for them.
  const bool shaped = GetParam().find('~') != std::string::npos;
  const std::string hello(shaped ? 3000 : 100000, 'c'), reply(shaped ? 2100 : 70000, 's');
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
  std::string at_server = read_all_waiting(server_in.get());
  std::string at_client = read_all_waiting(client_in.get());
  client_writer.join();
  server_writer.join();
  EXPECT_EQ(at_server.size(), hello.size()) << GetParam() << ": client → server";
  EXPECT_EQ(at_client.size(), reply.size()) << GetParam() << ": server → client";
  EXPECT_EQ(at_server, hello);
  EXPECT_EQ(at_client, reply);
}

// Every transport, and every variant over the two bases the matrix wraps.
std::vector<std::string> transport_names() {
  std::vector<std::string> names;
  for (const auto& transport : all_transports()) names.push_back(transport->name());
  for (const auto& variant : variants()) {
    for (const char* base : {"socketpair", "pipe"}) names.push_back(std::string(base) + "~" + variant.name);
  }
  return names;
}

// gtest names are alphanumeric: unix-abstract's test is .../unix_abstract, socketpair~frag1's
// .../socketpair_frag1.
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
                                       std::chrono::milliseconds* took = nullptr, uint64_t seed = 0) {
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
    BytePump pump(StreamEnds{in[1], in[1]}, far, shaping, {}, seed);
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

// Every byte is written alone once the one before has been read. The kernel may still hand a
// reader two: a stream socket's read goes on to the next queued bytes when the reader was
// preempted just after taking the first (seen under load). So: nearly every read is one byte.
TEST(Shaping, Frag1MakesEveryByteItsOwnReadOnSocketsAndPipes) {
  for (bool to_pipe : {false, true}) {
    auto sizes = read_sizes_through(find_variant("frag1").to_client, to_pipe, some_bytes(300));
    size_t single = std::count(sizes.begin(), sizes.end(), size_t{1});
    EXPECT_GE(single, 285u) << (to_pipe ? "pipe" : "socket") << ": " << sizes.size() << " reads";
  }
}

// The negative control of the test above: unshaped, the same slow reader gets bytes joined.
TEST(Shaping, UnshapedTheSameReaderGetsTheBytesJoined) {
  auto sizes = read_sizes_through(Shaping{}, false, some_bytes(300));
  EXPECT_LT(sizes.size(), 300u);
}

TEST(Shaping, DripSendsSmallChunksApart) {
  std::chrono::milliseconds took{0};
  auto sizes = read_sizes_through(find_variant("drip").to_client, false, some_bytes(8 * 512), &took);
  // At least eight chunks of at most 512 bytes, with a 2 ms pause after each.
  EXPECT_GE(took.count(), 16) << "drip took " << took.count() << " ms";
  EXPECT_GE(sizes.size(), 2u);
}

// The sizes of random chunks come from the seed alone: a case's seed gives its chunks again.
// (Each chunk waits to be read here, so that every read is one chunk.)
TEST(Shaping, TheSameSeedGivesTheSameChunks) {
  Shaping random_and_waiting = find_variant("drip").to_client;
  random_and_waiting.pause = std::chrono::microseconds(0);
  random_and_waiting.wait_until_read = true;
  auto first = read_sizes_through(random_and_waiting, false, some_bytes(3000), nullptr, 42);
  auto again = read_sizes_through(random_and_waiting, false, some_bytes(3000), nullptr, 42);
  auto other = read_sizes_through(random_and_waiting, false, some_bytes(3000), nullptr, 43);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  for (size_t size : first) EXPECT_LE(size, 512u);
}

// What a client's first read returns when the server writes its identification line and,
// 20 ms later, its KEXINIT, through a pump shaped for the server's direction. The reader waits
// on its own thread, ready to read as soon as anything arrives.
std::string first_read_of_banner_then_kexinit(const Shaping& to_client) {
  int client[2], server[2];
  check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, client), "socketpair");
  check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, server), "socketpair");
  UniqueFd client_end(client[0]), server_end(server[0]);
  BytePump pump(StreamEnds{client[1], client[1]}, StreamEnds{server[1], server[1]}, {}, to_client);
  std::string first;
  std::thread reader([&] {
    pollfd readable{client_end.get(), POLLIN, 0};
    if (::poll(&readable, 1, 3000) != 1) return;
    char buffer[65536];
    ssize_t n = ::read(client_end.get(), buffer, sizeof buffer);
    if (n > 0) first.assign(buffer, static_cast<size_t>(n));
  });
  write_all(server_end.get(), "SSH-2.0-OpenSSH_9.2p1\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write_all(server_end.get(), std::string(1000, 'K'));
  reader.join();
  return first;
}

TEST(Shaping, CoalesceDeliversTheBannerAndTheKexinitInOneRead) {
  std::string first = first_read_of_banner_then_kexinit(find_variant("coalesce").to_client);
  EXPECT_EQ(first, "SSH-2.0-OpenSSH_9.2p1\r\n" + std::string(1000, 'K'));
}

// A server whose line is all it says until the client speaks still has it delivered, once the
// hold is over.
TEST(Shaping, CoalesceDeliversALoneLineAfterItsHold) {
  int client[2], server[2];
  check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, client), "socketpair");
  check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, server), "socketpair");
  UniqueFd client_end(client[0]), server_end(server[0]);
  Shaping coalesce = find_variant("coalesce").to_client;
  BytePump pump(StreamEnds{client[1], client[1]}, StreamEnds{server[1], server[1]}, {}, coalesce);
  auto start = std::chrono::steady_clock::now();
  write_all(server_end.get(), "SSH-2.0-OpenSSH_9.2p1\r\n");
  pollfd readable{client_end.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&readable, 1, 3000), 1);
  auto held = std::chrono::steady_clock::now() - start;
  EXPECT_GE(held, coalesce.hold_first);
  EXPECT_LT(held, coalesce.hold_first + std::chrono::milliseconds(400));
}

// Its negative control: unshaped, the first read is the identification line alone.
TEST(Shaping, UnshapedTheBannerArrivesAlone) {
  EXPECT_EQ(first_read_of_banner_then_kexinit(Shaping{}), "SSH-2.0-OpenSSH_9.2p1\r\n");
}

// After the server's side has closed: what the client reads (EOF), and how much of 4 MiB its
// non-blocking writes still get rid of.
std::pair<std::string, size_t> after_server_closes(const std::string& transport) {
  // As in the harness (install_signal_cleanup): a write to a closed stream is an error, not death.
  ::signal(SIGPIPE, SIG_IGN);
  auto connection = find_transport(transport)->open();
  ClientEndpoint ends = connection->client();
  UniqueFd client_in(::dup(ends.fd_in)), client_out(::dup(ends.fd_out));
  connection->close_client_side();
  connection->accept_server(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  connection->close_server_side();  // the server is gone
  std::string read = read_all_waiting(client_in.get());
  ::fcntl(client_out.get(), F_SETFL, O_NONBLOCK);
  size_t written = 0;
  const std::string block(65536, 'w');
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (written < (4u << 20) && std::chrono::steady_clock::now() < until) {
    ssize_t n = ::write(client_out.get(), block.data(), block.size());
    if (n > 0) {
      written += static_cast<size_t>(n);
    } else if (errno == EAGAIN) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } else {
      break;  // EPIPE: the stream is closed both ways
    }
  }
  return {read, written};
}

TEST(Shaping, HalfcloseGivesEofWhileTheClientsWritesAreStillTaken) {
  for (const char* base : {"socketpair", "pipe"}) {
    auto [read, written] = after_server_closes(std::string(base) + "~halfclose");
    EXPECT_EQ(read, "") << base;
    EXPECT_GE(written, 4u << 20) << base << ": the writes stopped being taken";
  }
}

// Its negative control: on the plain stream the server's close ends the client's writes too.
TEST(Shaping, WithoutHalfcloseTheClientsWritesFail) {
  for (const char* base : {"socketpair", "pipe"}) {
    auto [read, written] = after_server_closes(base);
    EXPECT_EQ(read, "") << base;
    EXPECT_LT(written, 4u << 20) << base;
  }
}


// A server's side up to its NEWKEYS, as the wire has it: a line before the identification line,
// the line, a KEXINIT-sized packet and NEWKEYS (RFC 4253 6: uint32 length, then the padding
// length, the message number, padding).
std::string server_stream_to_newkeys() {
  auto packet = [](int type, size_t length) {
    std::string bytes = {0, 0, static_cast<char>(length >> 8), static_cast<char>(length & 0xff), 4,
                         static_cast<char>(type)};
    bytes.resize(4 + length, 'p');
    return bytes;
  };
  return "a banner line of the server's\r\nSSH-2.0-OpenSSH_9.2p1\r\n" + packet(20, 300) + packet(21, 12);
}

TEST(Fault, NewkeysIsFoundHoweverTheStreamIsCut) {
  const std::string head = server_stream_to_newkeys();
  const std::string stream = head + std::string(100, 'E');
  for (size_t piece : {size_t{1}, size_t{7}, size_t{64}, stream.size()}) {
    NewkeysFinder finder;
    size_t found = std::string::npos;
    for (size_t at = 0; at < stream.size() && found == std::string::npos; at += piece) {
      size_t in_piece = finder.feed(stream.data() + at, std::min(piece, stream.size() - at));
      if (in_piece != NewkeysFinder::npos) found = at + in_piece;
    }
    EXPECT_EQ(found, head.size()) << "pieces of " << piece;
    EXPECT_TRUE(finder.done());
  }
}

// Its control: a stream that never gets to NEWKEYS (a KEXINIT only) finds nothing.
TEST(Fault, NoNewkeysNoPlace) {
  std::string stream = server_stream_to_newkeys();
  stream.resize(stream.size() - 16);
  NewkeysFinder finder;
  EXPECT_EQ(finder.feed(stream.data(), stream.size()), NewkeysFinder::npos);
  EXPECT_FALSE(finder.done());
}

// The server's side through a pump with `variant`'s fault: what the client read before EOF (or
// before `patience_ms` without a byte), how long that took, and the pump's report.
struct Faulted {
  std::string read;
  std::chrono::milliseconds took;
  std::string report;
};
Faulted through_fault(const std::string& variant, const std::string& stream, uint64_t seed, int patience_ms = 5000) {
  int client[2], server[2];
  check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, client), "socketpair");
  check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, server), "socketpair");
  UniqueFd client_end(client[0]), server_end(server[0]);
  BytePump pump(StreamEnds{client[1], client[1]}, StreamEnds{server[1], server[1]}, {},
                find_variant(variant).to_client, seed);
  auto start = std::chrono::steady_clock::now();
  write_all(server_end.get(), stream);
  Faulted got;
  char buffer[4096];
  for (;;) {
    pollfd readable{client_end.get(), POLLIN, 0};
    if (::poll(&readable, 1, patience_ms) != 1) break;
    ssize_t n = ::read(client_end.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    got.read.append(buffer, static_cast<size_t>(n));
    if (variant == "garbage" && got.read.size() == stream.size()) break;  // a flip does not end the stream
  }
  got.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  got.report = pump.fault_report();
  return got;
}

TEST(Fault, GarbageFlipsOneByteOfTheFirstEncryptedPacket) {
  const std::string head = server_stream_to_newkeys(), stream = head + std::string(300, 'E');
  Faulted got = through_fault("garbage", stream, 42);
  ASSERT_EQ(got.read.size(), stream.size());
  std::vector<size_t> differ;
  for (size_t i = 0; i < stream.size(); ++i) {
    if (got.read[i] != stream[i]) differ.push_back(i);
  }
  ASSERT_EQ(differ.size(), 1u) << got.report;
  EXPECT_GE(differ[0], head.size() + 16);
  EXPECT_LE(differ[0], head.size() + 31);
  EXPECT_NE(got.report.find(std::to_string(differ[0] - head.size()) + " bytes after the server's NEWKEYS was flipped"),
            std::string::npos)
      << got.report;
  // The same seed, the same byte.
  EXPECT_EQ(through_fault("garbage", stream, 42).report, got.report);
}

TEST(Fault, TruncateCutsTheStreamAfterNewkeys) {
  const std::string head = server_stream_to_newkeys(), stream = head + std::string(1000, 'E');
  Faulted got = through_fault("truncate", stream, 7);
  EXPECT_GE(got.read.size(), head.size());
  EXPECT_LE(got.read.size(), head.size() + 255);
  EXPECT_EQ(got.read, stream.substr(0, got.read.size()));
  EXPECT_EQ(got.report, "the stream was cut " + std::to_string(got.read.size() - head.size()) +
                            " bytes after the server's NEWKEYS");
}

TEST(Fault, StallGoesSilentThenCuts) {
  const std::string head = server_stream_to_newkeys(), stream = head + std::string(1000, 'E');
  Faulted got = through_fault("stall", stream, 7);
  EXPECT_LE(got.read.size(), head.size() + 255);
  EXPECT_GE(got.took, find_variant("stall").to_client.fault.silence);
  EXPECT_NE(got.report.find("went silent"), std::string::npos);
}

// Their control: without NEWKEYS there is no place for a fault, and the stream goes through whole.
TEST(Fault, ABeforeNewkeysStreamIsLeftAlone) {
  std::string stream = "SSH-2.0-OpenSSH_9.2p1\r\n" + std::string(500, 'K');
  Faulted got = through_fault("truncate", stream, 7, 300);
  // The cut never comes: the read ends by the wait, with every byte.
  EXPECT_EQ(got.read, stream);
  EXPECT_EQ(got.report, "");
}

TEST(Variant, NonblockHandsOverNonBlockingDescriptorsAndOnePagePipes) {
  for (const char* base : {"socketpair", "pipe"}) {
    auto connection = find_transport(std::string(base) + "~nonblock")->open();
    ClientEndpoint ends = connection->client();
    for (int fd : {ends.fd_in, ends.fd_out}) {
      EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_NONBLOCK) << base << " fd " << fd;
      struct stat about {};
      ASSERT_EQ(::fstat(fd, &about), 0);
      if (S_ISFIFO(about.st_mode)) {
        EXPECT_EQ(::fcntl(fd, F_GETPIPE_SZ), 4096) << base;
      }
    }
    // Its control: the server's end is left as it was.
    ServerEndpoint server = connection->accept_server(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    EXPECT_FALSE(::fcntl(server.fd_in, F_GETFL) & O_NONBLOCK) << base;
  }
}

TEST(Variant, AnUnknownVariantIsAnErrorThatListsThem) {
  try {
    find_transport("socketpair~fragile");
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "no variant named 'fragile' (variants: frag1, drip, coalesce, halfclose, nonblock, truncate, garbage, stall)");
  }
}

}  // namespace
}  // namespace sshtc
