#include <fmt/format.h>

#include <hitscope/compute.hpp>
#include <hitscope/error.hpp>

#include "core/parallel.hpp"
#include "table/key_rows.hpp"

namespace hitscope {

Table HashJoin(const Table& left, const Table& right, const JoinOptions& options) {
  const auto& left_keys = options.left_keys;
  const auto& right_keys = options.right_keys.empty() ? options.left_keys : options.right_keys;
  std::vector<bool> as_float = CompatibleKeyTypes(left, left_keys, right, right_keys);
  KeyRows build(right, right_keys, as_float);
  KeyRows probe(left, left_keys, as_float);
  KeyIndex index(build);

  // Probe in parallel blocks, each collecting its (left, right) pairs; then stitch in order.
  constexpr size_t kBlock = 1 << 15;
  size_t blocks = (static_cast<size_t>(left.num_rows()) + kBlock - 1) / kBlock;
  std::vector<std::vector<int64_t>> left_rows(blocks), right_rows(blocks);
  ParallelTasks(blocks, [&](size_t block) {
    int64_t begin = static_cast<int64_t>(block * kBlock);
    int64_t end = std::min<int64_t>(left.num_rows(), begin + static_cast<int64_t>(kBlock));
    auto& lefts = left_rows[block];
    auto& rights = right_rows[block];
    for (int64_t row = begin; row < end; ++row) {
      bool matched = false;
      index.ForEachMatch(probe, row, [&](int64_t match) {
        lefts.push_back(row);
        rights.push_back(match);
        matched = true;
      });
      if (!matched && options.kind == JoinKind::kLeft) {
        lefts.push_back(row);
        rights.push_back(-1);
      }
    }
  });
  std::vector<int64_t> all_left, all_right;
  for (size_t block = 0; block < blocks; ++block) {
    all_left.insert(all_left.end(), left_rows[block].begin(), left_rows[block].end());
    all_right.insert(all_right.end(), right_rows[block].begin(), right_rows[block].end());
    std::vector<int64_t>().swap(left_rows[block]);
    std::vector<int64_t>().swap(right_rows[block]);
  }

  std::vector<std::string> right_names;
  for (const auto& name : right.names()) {
    if (std::find(right_keys.begin(), right_keys.end(), name) == right_keys.end()) {
      right_names.push_back(name);
    }
  }
  Table out = left.Take(all_left);
  Table right_part = right.Select(right_names).Take(all_right);
  for (int column_idx = 0; column_idx < right_part.num_columns(); ++column_idx) {
    std::string name = right_part.names()[column_idx];
    if (out.HasColumn(name)) name += options.right_suffix;
    if (out.HasColumn(name)) {
      throw InvalidInput(
          fmt::format("join output would have column '{}' twice; rename it first", name));
    }
    out = out.SetColumn(name, right_part.column_ptr(column_idx));
  }
  return out;
}

std::vector<uint8_t> SemiJoinMask(const Table& probe, std::span<const std::string> probe_keys,
                                  const Table& build, std::span<const std::string> build_keys) {
  std::vector<bool> as_float = CompatibleKeyTypes(probe, probe_keys, build, build_keys);
  KeyRows build_rows(build, build_keys, as_float);
  KeyRows probe_rows(probe, probe_keys, as_float);
  KeyIndex index(build_rows);
  std::vector<uint8_t> mask(static_cast<size_t>(probe.num_rows()), 0);
  ParallelFor(mask.size(), 1 << 15, [&](size_t begin, size_t end) {
    for (size_t row = begin; row < end; ++row) {
      mask[row] = index.Contains(probe_rows, static_cast<int64_t>(row));
    }
  });
  return mask;
}

struct KeySet::Impl {
  Table build;
  std::vector<std::string> keys;
  std::unique_ptr<KeyRows> rows;  // as the build table's own types
  std::unique_ptr<KeyIndex> index;
};

KeySet::KeySet(const Table& build, std::vector<std::string> keys)
    : impl_(std::make_unique<Impl>()) {
  impl_->build = build.Select(keys);
  impl_->keys = std::move(keys);
  impl_->rows = std::make_unique<KeyRows>(impl_->build, impl_->keys);
  impl_->index = std::make_unique<KeyIndex>(*impl_->rows);
}

KeySet::~KeySet() = default;
KeySet::KeySet(KeySet&&) noexcept = default;

int64_t KeySet::size() const {
  return impl_->build.num_rows();
}

std::vector<uint8_t> KeySet::Contains(const Table& probe,
                                      std::span<const std::string> probe_keys) const {
  std::vector<bool> as_float = CompatibleKeyTypes(probe, probe_keys, impl_->build, impl_->keys);
  if (std::find(as_float.begin(), as_float.end(), true) != as_float.end()) {
    // Mixed int64 / float64 keys: hash both sides as numbers.
    return SemiJoinMask(probe, probe_keys, impl_->build, impl_->keys);
  }
  KeyRows probe_rows(probe, probe_keys);
  std::vector<uint8_t> mask(static_cast<size_t>(probe.num_rows()), 0);
  ParallelFor(mask.size(), 1 << 15, [&](size_t begin, size_t end) {
    for (size_t row = begin; row < end; ++row) {
      mask[row] = impl_->index->Contains(probe_rows, static_cast<int64_t>(row));
    }
  });
  return mask;
}

Table KeySet::Keep(const Table& probe, std::span<const std::string> probe_keys) const {
  return probe.Filter(Contains(probe, probe_keys));
}

}  // namespace hitscope
