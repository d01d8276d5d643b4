// The report library: escaping, embedded JSON, CSV, page structure, ids; and the profile report.
#include <nlohmann/json.hpp>

#include <hitscope/profile_report.hpp>
#include <hitscope/report.hpp>

#include "testing/fixtures.hpp"

namespace hitscope::report {
namespace {

Chart Bars(const std::string& id) {
  Chart chart;
  chart.id = id;
  chart.title = "Counts <b>";
  chart.kind = ChartKind::kBar;
  chart.data.columns = {"name", "n"};
  chart.data.AddRow({std::string("a,\"b\""), 3.0});
  chart.data.AddRow({std::string("</script><script>alert(1)</script>"), 4.5});
  return chart;
}

// The JSON inside <script type="application/json" id="...">.
nlohmann::json ScriptJson(const std::string& html, const std::string& id) {
  std::string open = "<script type=\"application/json\" id=\"" + id + "\">";
  size_t begin = html.find(open);
  EXPECT_NE(begin, std::string::npos) << id;
  begin += open.size();
  size_t end = html.find("</script>", begin);
  return nlohmann::json::parse(html.substr(begin, end - begin));
}

TEST(ReportTest, EscapesTextAndEmbedsJsonSafely) {
  EXPECT_EQ(EscapeHtml("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(EmbedJson(R"({"a":"</script>"})"), R"({"a":"\u003c/script>"})");
  EXPECT_EQ(EmbedJson("\"\xe2\x80\xa8\""), "\"\\u2028\"");
  EXPECT_EQ(nlohmann::json::parse(EmbedJson(R"({"a":"</script>"})"))["a"], "</script>");
}

TEST(ReportTest, PageHasSectionsChartsDataAndNoInjectedMarkup) {
  Report page;
  page.title = "T <i>";
  page.sections.push_back({"one", "First & only", "Answer.", {}});
  page.sections[0].blocks.push_back(Block::Paragraph("<script>x</script>"));
  page.sections[0].blocks.push_back(Block::Figure(Bars("bars")));
  page.result_json = R"({"evil":"</script><b>"})";
  std::string html = RenderHtml(page);
  EXPECT_NE(html.find("<section class=\"hs-section\" id=\"one\""), std::string::npos);
  EXPECT_NE(html.find("First &amp; only"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos) << "data never becomes markup";
  EXPECT_NE(html.find("data-chart=\"bars\""), std::string::npos);
  auto charts = ScriptJson(html, "hs-charts");
  EXPECT_EQ(charts["bars"]["kind"], "bar");
  EXPECT_EQ(charts["bars"]["data"]["rows"][1][0], "</script><script>alert(1)</script>");
  EXPECT_EQ(ScriptJson(html, "hs-result")["evil"], "</script><b>");
  EXPECT_NE(html.find("echarts"), std::string::npos);
  EXPECT_GT(html.size(), 1000000u) << "the chart library is inlined";
  EXPECT_NE(ChartLibraryVersion().find("5.6.0"), std::string::npos);
}

TEST(ReportTest, CsvQuotesAndRowsMustFit) {
  DataTable table = Bars("x").data;
  EXPECT_EQ(table.ToCsv(), "name,n\n\"a,\"\"b\"\"\",3\n</script><script>alert(1)</script>,4.5\n");
  testing::ExpectError([&] { table.AddRow({1.0}); }, ErrorKind::kInternal,
                       {"a row of 1 cells in a table of 2 columns"});
}

TEST(ReportTest, DuplicateOrBadIdsAreRefused) {
  Report page;
  page.sections.push_back({"s", "S", "", {Block::Figure(Bars("a")), Block::Figure(Bars("a"))}});
  testing::ExpectError([&] { RenderHtml(page); }, ErrorKind::kInternal, {"'a' is used twice"});
  page.sections[0].blocks.pop_back();
  page.sections[0].id = "bad id";
  testing::ExpectError([&] { RenderHtml(page); }, ErrorKind::kInternal, {"section id 'bad id'"});
}

TEST(ReportTest, WriteIsAtomic) {
  testing::TempDir dir;
  Report page;
  page.title = "x";
  WriteHtml(page, dir.File("r.html"));
  EXPECT_NE(testing::ReadText(dir.File("r.html")).find("<!DOCTYPE html>"), std::string::npos);
  testing::ExpectError([&] { WriteHtml(page, dir.File("no/such/r.html")); }, ErrorKind::kIo,
                       {"does not exist"});
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{"r.html"});
}

TEST(ProfileReportTest, EverySectionAndChartOfATinyProfile) {
  Table table(
      {"track_id", "artist", "release_date", "popularity", "energy", "duration_ms"},
      {MakeStringColumn({"a", "b", "c", "d", "e", "f"}),
       MakeStringColumn({"x", "x", "y", "y", "y", "<z>"}),
       MakeDateColumn(
           {"2019-01-02", "2019-06-01", "2020", "2020-03-03", "2021-09-09", "2021-12-12"}),
       MakeInt64Column({0, 5, 40, 70, 15, 90}), DenseFloat64Column({0.1, 0.9, 0.5, 0.4, 0.3, 0.35}),
       MakeInt64Column({200000, 180000, 240000, 210000, 200000, 260000})});
  ProfileOptions options;
  options.min_artist_tracks = 2;
  std::string html = RenderHtml(MakeProfileReport(Profile(table, options)));
  for (const auto& id : ProfileSectionIds()) {
    EXPECT_NE(html.find("id=\"" + id + "\" data-section"), std::string::npos) << id;
  }
  auto charts = ScriptJson(html, "hs-charts");
  for (const char* id :
       {"missing", "corr-pearson", "corr-spearman", "corr-ranking", "year-popularity",
        "year-tracks", "year-duration", "month-popularity", "season-popularity", "classes",
        "artists-count", "artists-mean", "hist-0-energy", "box-2-popularity", "scatter-0-energy"}) {
    EXPECT_TRUE(charts.contains(id)) << id;
  }
  EXPECT_EQ(html.find("<z>"), std::string::npos) << "an artist name never becomes markup";
  EXPECT_EQ(charts["artists-count"]["data"]["rows"].size(), 3u);
  EXPECT_EQ(ScriptJson(html, "hs-result")["overview"]["rows"], 6);
}

}  // namespace
}  // namespace hitscope::report
