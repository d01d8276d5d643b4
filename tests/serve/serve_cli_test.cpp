// `hitscope registry` and `hitscope serve` end to end: registering, listing, promoting and
// removing versions; a server process on a free port serving a registry, picking up a promotion
// without a restart, guarded by a token file, and finishing a request in flight on SIGTERM.
#include <chrono>
#include <filesystem>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve_fixtures.hpp"
#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

using nlohmann::json;
using testing::Http;
using testing::HttpAnswer;

using testing::CliRun;

CliRun Hitscope(const std::string& args, const testing::TempDir& dir) {
  return testing::RunCommand(std::string(HITSCOPE_CLI) + " " + args, dir);
}

// `hitscope serve ARGS --port 0` as a child process; the port is read from its first stdout line.
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const testing::TempDir& dir)
      : out_(dir.File("serve.out")), err_(dir.File("serve.err")) {
    std::vector<std::string> argv = {HITSCOPE_CLI, "serve", "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
      int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out, 1);
      dup2(err, 2);
      std::vector<char*> raw;
      for (auto& arg : argv) raw.push_back(arg.data());
      raw.push_back(nullptr);
      execv(raw[0], raw.data());
      _exit(127);
    }
    for (int i = 0; i < 600 && port_ == 0; ++i) {
      std::string text = testing::ReadText(out_);
      size_t colon = text.rfind(':'), end = text.find("/\n");
      if (end != std::string::npos && colon != std::string::npos && colon < end) {
        port_ = std::stoi(text.substr(colon + 1, end - colon - 1));
      } else {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string Stderr() const { return testing::ReadText(err_); }
  // Sends `signal` and returns the exit code (-1 if it did not exit in 30 s).
  int SignalAndWait(int signal) {
    kill(pid_, signal);
    for (int i = 0; i < 3000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class ServeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SaveModel(testing::TrainSmallModel("forest"), dir_.File("forest.hsm"));
    SaveModel(testing::TrainSmallModel("logreg"), dir_.File("logreg.hsm"));
    testing::WriteText(dir_.File("train.csv"),
                       testing::ReadText(testing::SourcePath("data/spotify_songs.csv")));
  }
  std::string Registry(const std::string& args) {
    return "registry --registry " + dir_.File("models.db") + " " + args;
  }
  testing::TempDir dir_;
};

TEST_F(ServeCliTest, RegistryAddListPromoteRemove) {
  CliRun add = Hitscope(Registry("add " + dir_.File("forest.hsm") + " --name popularity --data " +
                                 dir_.File("train.csv") + " --note first --promote"),
                        dir_);
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_NE(add.out.find("added popularity version 1"), std::string::npos) << add.out;
  CliRun add2 =
      Hitscope(Registry("add " + dir_.File("logreg.hsm") + " --name popularity --data-sha256 " +
                        std::string(64, 'b') + " --json"),
               dir_);
  ASSERT_EQ(add2.code, 0) << add2.err;
  json entry = json::parse(add2.out);
  EXPECT_EQ(entry["version"], 2);
  EXPECT_EQ(entry["promoted"], false);

  CliRun list = Hitscope(Registry("list"), dir_);
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("popularity"), std::string::npos);
  EXPECT_NE(list.out.find("first"), std::string::npos);
  json listed = json::parse(Hitscope(Registry("list popularity --json"), dir_).out);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["promoted"], true);
  EXPECT_EQ(listed[0]["data_sha256"].get<std::string>().size(), 64u);

  EXPECT_EQ(Hitscope(Registry("promote popularity 2"), dir_).code, 0);
  json shown = json::parse(Hitscope(Registry("show popularity 2"), dir_).out);
  EXPECT_EQ(shown["promoted"], true);
  EXPECT_TRUE(shown["config"].is_object());
  EXPECT_TRUE(shown["metrics"].is_object());

  CliRun exported = Hitscope(Registry("export popularity 1 --out " + dir_.File("back.hsm")), dir_);
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_EQ(testing::ReadText(dir_.File("back.hsm")), testing::ReadText(dir_.File("forest.hsm")));

  // Errors: the promoted version needs --force, unknown versions and names are named, bad
  // names and missing files are refused.
  CliRun promoted = Hitscope(Registry("remove popularity 2"), dir_);
  EXPECT_EQ(promoted.code, 2);
  EXPECT_NE(promoted.err.find("--force"), std::string::npos) << promoted.err;
  EXPECT_EQ(Hitscope(Registry("remove popularity 1"), dir_).code, 0);
  CliRun unknown = Hitscope(Registry("promote popularity 1"), dir_);
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("2"), std::string::npos) << "lists the known versions";
  EXPECT_EQ(Hitscope(Registry("add " + dir_.File("forest.hsm") + " --name ../x"), dir_).code, 2);
  EXPECT_EQ(Hitscope(Registry("add " + dir_.File("nope.hsm") + " --name x"), dir_).code, 2);
  testing::WriteText(dir_.File("bad.hsm"), "not a model");
  EXPECT_EQ(Hitscope(Registry("add " + dir_.File("bad.hsm") + " --name x"), dir_).code, 1);
  EXPECT_EQ(Hitscope("registry --registry " + dir_.File("none.db") + " list", dir_).code, 1);
  EXPECT_EQ(Hitscope(Registry("remove popularity 2 --force"), dir_).code, 0);
  EXPECT_EQ(json::parse(Hitscope(Registry("list --json"), dir_).out).size(), 0u);
}

TEST_F(ServeCliTest, ServesARegistryAndPicksUpPromotions) {
  ASSERT_EQ(Hitscope(Registry("add " + dir_.File("forest.hsm") + " --name popularity --data " +
                              dir_.File("train.csv") + " --promote"),
                     dir_)
                .code,
            0);
  ASSERT_EQ(Hitscope(Registry("add " + dir_.File("logreg.hsm") + " --name popularity --data " +
                              dir_.File("train.csv")),
                     dir_)
                .code,
            0);
  ServeProcess serve({"--registry", dir_.File("models.db"), "--reload-interval-ms", "0"}, dir_);
  ASSERT_GT(serve.port(), 0) << serve.Stderr();
  const std::string body = json{{"track", testing::ValidTrack()}}.dump();
  auto version = [&] {
    return Http(serve.port(), "POST", "/models/popularity/predict", body, "application/json")
        .Json()["version"];
  };
  EXPECT_EQ(version(), "1");
  ASSERT_EQ(Hitscope(Registry("promote popularity 2"), dir_).code, 0);
  EXPECT_EQ(version(), "2") << "served without a restart";
  EXPECT_EQ(serve.SignalAndWait(SIGTERM), 0);
  EXPECT_NE(serve.Stderr().find("SIGTERM"), std::string::npos) << serve.Stderr();
}

TEST_F(ServeCliTest, TokenFileAndSigtermFinishesTheRequestInFlight) {
  std::filesystem::create_directory(dir_.File("models"));
  std::filesystem::copy_file(dir_.File("forest.hsm"), dir_.File("models/popularity.hsm"));
  testing::WriteText(dir_.File("token.txt"), "  abc123  \n");
  ServeProcess serve({"--models", dir_.File("models"), "--token-file", dir_.File("token.txt"),
                      "--max-batch", "50000", "--max-body-bytes", "33554432"},
                     dir_);
  ASSERT_GT(serve.port(), 0) << serve.Stderr();
  EXPECT_EQ(Http(serve.port(), "GET", "/models").status, 401);
  const std::map<std::string, std::string> token = {{"Authorization", "Bearer abc123"}};
  EXPECT_EQ(Http(serve.port(), "GET", "/models", "", "", token).status, 200);

  const std::string csv = testing::TracksCsv(40000);
  HttpAnswer answer;
  std::thread client([&] {
    answer = Http(serve.port(), "POST", "/models/popularity/predict.csv", csv, "text/csv", token);
  });
  // The request is under way once its metrics show it in flight; then SIGTERM.
  for (int i = 0; i < 2000; ++i) {
    std::string metrics = Http(serve.port(), "GET", "/metrics", "", "", token).body;
    if (metrics.find("hitscope_http_requests_in_flight 2") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const int code = serve.SignalAndWait(SIGTERM);
  client.join();
  EXPECT_EQ(code, 0) << serve.Stderr();
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(std::count(answer.body.begin(), answer.body.end(), '\n'), 40001);
  EXPECT_NE(serve.Stderr().find("stopped"), std::string::npos) << serve.Stderr();
}

TEST_F(ServeCliTest, BadOptions) {
  CliRun none = Hitscope("serve", dir_);
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("--models"), std::string::npos) << none.err;
  EXPECT_EQ(Hitscope("serve --models a --registry b", dir_).code, 2);
  CliRun missing = Hitscope("serve --models " + dir_.File("nope"), dir_);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("nope"), std::string::npos) << missing.err;
  testing::WriteText(dir_.File("empty.txt"), "\n");
  std::filesystem::create_directory(dir_.File("models"));
  std::filesystem::copy_file(dir_.File("forest.hsm"), dir_.File("models/popularity.hsm"));
  CliRun empty_token = Hitscope(
      "serve --models " + dir_.File("models") + " --token-file " + dir_.File("empty.txt"), dir_);
  EXPECT_EQ(empty_token.code, 1);
  EXPECT_NE(empty_token.err.find("empty"), std::string::npos) << empty_token.err;
  EXPECT_EQ(Hitscope("serve --models " + dir_.File("models") + " --port 70000", dir_).code, 2);
}

}  // namespace
}  // namespace hitscope
