#include <hitscope/matrix.hpp>

#include "testing/fixtures.hpp"

namespace hitscope {
namespace {

TEST(MatrixTest, RowMajorAccessAndTakes) {
  Matrix m(3, 2, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(m(1, 0), 3);
  EXPECT_EQ(m.Row(2)[1], 6);
  std::vector<int64_t> rows = {2, 0, 2};
  Matrix taken = m.TakeRows(rows);
  EXPECT_EQ(taken.data()[0], 5);
  EXPECT_EQ(taken.rows(), 3);
  std::vector<int64_t> cols = {1};
  EXPECT_EQ(m.TakeCols(cols).data()[2], 6);
  EXPECT_EQ(m.Col(0), (std::vector<double>{1, 3, 5}));
  Matrix stacked = Matrix::StackRows(m, taken);
  EXPECT_EQ(stacked.rows(), 6);
  EXPECT_THROW(Matrix(2, 2, {1, 2, 3}), Error);
}

TEST(MatrixTest, FromTableNamesTheBadCell) {
  Table table({"a", "b", "s"},
              std::vector<Column>{MakeInt64Column({1, 2}), MakeFloat64Column({0.5, std::nullopt}),
                                  MakeStringColumn({"x", "y"})});
  std::vector<std::string> good = {"a"};
  EXPECT_EQ(TableToMatrix(table, good).data()[1], 2);
  std::vector<std::string> with_null = {"a", "b"};
  testing::ExpectError([&] { TableToMatrix(table, with_null); }, ErrorKind::kInvalidInput,
                       {"column 'b' has a missing value at row 2"});
  std::vector<std::string> text = {"s"};
  testing::ExpectError([&] { TableToMatrix(table, text); }, ErrorKind::kInvalidInput,
                       {"column 's' is string, not numeric"});
}

}  // namespace
}  // namespace hitscope
