// Reading audit directories: the line format the preload writes, and errors that point at the
// offending file and line.
#include <gtest/gtest.h>

#include <fstream>

#include "audit_record.hpp"

namespace sshtc {
namespace {

constexpr const char* kLine =
    R"({"pid":4242,"fd":3,"kind":"socket","family":"AF_UNIX","type":"SOCK_STREAM",)"
    R"("protocol":"0","transport":true,"call":"setsockopt","level":"IPPROTO_TCP",)"
    R"("option":"TCP_NODELAY","ret":-1,"errno":"EOPNOTSUPP",)"
    R"("caller":"lib\"odd\\name\u00e9\ud83d\ude00.so","emulated":false})";

class AuditDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sshtc-record-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(directory_ / name) << text;
  }

  std::string error_reading() {
    try {
      read_audit_dir(directory_);
    } catch (const std::runtime_error& error) {
      return error.what();
    }
    return "no error";
  }

  std::filesystem::path directory_;
};

TEST_F(AuditDirectory, ReadsEveryField) {
  write("audit.4242.jsonl", std::string(kLine) + "\n");
  const std::vector<AuditRecord> records = read_audit_dir(directory_);
  ASSERT_EQ(records.size(), 1u);
  const AuditRecord& record = records[0];
  EXPECT_EQ(record.pid, 4242);
  EXPECT_EQ(record.fd, 3);
  EXPECT_EQ(record.kind, "socket");
  EXPECT_EQ(record.family, "AF_UNIX");
  EXPECT_EQ(record.type, "SOCK_STREAM");
  EXPECT_EQ(record.protocol, "0");
  EXPECT_TRUE(record.transport);
  EXPECT_EQ(record.call, "setsockopt");
  EXPECT_EQ(record.level, "IPPROTO_TCP");
  EXPECT_EQ(record.option, "TCP_NODELAY");
  EXPECT_EQ(record.ret, -1);
  EXPECT_EQ(record.error, "EOPNOTSUPP");
  EXPECT_EQ(record.caller, "lib\"odd\\name\xc3\xa9\xf0\x9f\x98\x80.so");
  EXPECT_FALSE(record.emulated);
}

TEST_F(AuditDirectory, ReadsAllAuditFilesAndNothingElse) {
  write("audit.1.jsonl", std::string(kLine) + "\n" + kLine + "\n");
  write("audit.2.jsonl", std::string(kLine) + "\n");
  write("sshd.log", "not json\n");
  EXPECT_EQ(read_audit_dir(directory_).size(), 3u);
}

TEST_F(AuditDirectory, MalformedLineNamesFileAndLine) {
  write("audit.42.jsonl", std::string(kLine) + "\n{\"pid\":42,\n");
  const std::string error = error_reading();
  EXPECT_NE(error.find("audit.42.jsonl:2: malformed audit record"), std::string::npos) << error;
}

TEST_F(AuditDirectory, MissingFieldIsNamed) {
  write("audit.7.jsonl", "{\"pid\":7}\n");
  const std::string error = error_reading();
  EXPECT_NE(error.find("audit.7.jsonl:1:"), std::string::npos) << error;
  EXPECT_NE(error.find("missing \"fd\""), std::string::npos) << error;
}

TEST_F(AuditDirectory, WrongTypeIsNamed) {
  std::string line = kLine;
  line.replace(line.find("\"fd\":3"), 6, "\"fd\":\"3\"");
  write("audit.8.jsonl", line + "\n");
  EXPECT_NE(error_reading().find("\"fd\" is not an integer"), std::string::npos);
}

TEST_F(AuditDirectory, BadEscapeIsRejected) {
  std::string line = kLine;
  line.replace(line.find("\\u00e9"), 6, "\\x");
  write("audit.9.jsonl", line + "\n");
  EXPECT_NE(error_reading().find("audit.9.jsonl:1:"), std::string::npos);
}

}  // namespace
}  // namespace sshtc
