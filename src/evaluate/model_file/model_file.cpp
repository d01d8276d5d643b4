// Model files: encoding, decoding, checks, atomic saving.
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/model_file.hpp>

#include "evaluate/model_file/byte_io.hpp"

namespace hitscope {

namespace {

constexpr std::string_view kMagic = "HITSCOPE";
constexpr size_t kHeaderBytes = 8 + 4 + 8;
constexpr size_t kTrailerBytes = 4;
constexpr const char* kHitscopeVersion = "hitscope 0.1.0";

void WriteRoles(const ColumnRoles& roles, model_file::ByteWriter* out) {
  out->String(roles.target);
  out->String(roles.artist);
  out->String(roles.isrc);
  out->String(roles.date);
  out->String(roles.id);
}

ColumnRoles ReadRoles(model_file::ByteReader* in) {
  ColumnRoles roles;
  roles.target = in->String();
  roles.artist = in->String();
  roles.isrc = in->String();
  roles.date = in->String();
  roles.id = in->String();
  return roles;
}

void WriteState(const EstimatorState& state, model_file::ByteWriter* out) {
  out->U32(static_cast<uint32_t>(state.numbers.size()));
  for (const auto& [key, values] : state.numbers) {
    out->String(key);
    out->Doubles(values);
  }
  out->U32(static_cast<uint32_t>(state.texts.size()));
  for (const auto& [key, text] : state.texts) {
    out->String(key);
    out->String(text);
  }
}

EstimatorState ReadState(model_file::ByteReader* in) {
  EstimatorState state;
  uint32_t numbers = in->U32();
  for (uint32_t i = 0; i < numbers; ++i) {
    std::string key = in->String();
    state.numbers[key] = in->Doubles();
  }
  uint32_t texts = in->U32();
  for (uint32_t i = 0; i < texts; ++i) {
    std::string key = in->String();
    state.texts[key] = in->String();
  }
  return state;
}

}  // namespace

TrainedModel MakeTrainedModel(Pipeline pipeline, const Dataset& data, const Table& table,
                              std::string summary) {
  TrainedModel model{std::move(pipeline), data.roles,         {},
                     data.classes,        std::move(summary), kHitscopeVersion};
  model.roles.features = data.feature_names;
  for (const auto& name : data.feature_names) {
    model.feature_types.push_back(table.column(name).type());
  }
  return model;
}

std::string EncodeModel(const TrainedModel& model) {
  model_file::ByteWriter payload;
  payload.String(model.hitscope_version);
  payload.U8(model.pipeline.target() == TargetKind::kClass ? 0 : 1);
  WriteRoles(model.roles, &payload);
  payload.U32(static_cast<uint32_t>(model.roles.features.size()));
  for (size_t i = 0; i < model.roles.features.size(); ++i) {
    payload.String(model.roles.features[i]);
    payload.U8(static_cast<uint8_t>(model.feature_types[i]));
  }
  payload.String(model.classes.spec);
  payload.U32(static_cast<uint32_t>(model.classes.names.size()));
  for (const auto& name : model.classes.names) payload.String(name);
  payload.Doubles(model.classes.upper_edges);
  ParamMap params = model.pipeline.spec().ToParams();
  payload.U32(static_cast<uint32_t>(params.size()));
  for (const auto& [key, value] : params) {
    payload.String(key);
    payload.String(value);
  }
  std::vector<EstimatorState> states = model.pipeline.SaveStates();
  payload.U32(static_cast<uint32_t>(states.size()));
  for (const auto& state : states) WriteState(state, &payload);
  payload.String(model.summary);

  model_file::ByteWriter file;
  std::string out(kMagic);
  file.U32(kModelFormatVersion);
  file.U64(payload.bytes().size());
  out += file.bytes();
  out += payload.bytes();
  model_file::ByteWriter trailer;
  trailer.U32(model_file::Crc32(payload.bytes()));
  out += trailer.bytes();
  return out;
}

TrainedModel DecodeModel(std::string_view bytes, const std::string& name) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    throw InvalidInput(fmt::format(
        "'{}' is not a hitscope model file (it does not start with HITSCOPE); give a file "
        "written by 'hitscope train --out'",
        name));
  }
  if (bytes.size() < kHeaderBytes) {
    throw InvalidInput(fmt::format(
        "model file '{}' is truncated: {} bytes, shorter than its header; retrain or restore it",
        name, bytes.size()));
  }
  model_file::ByteReader header(bytes.substr(kMagic.size(), kHeaderBytes - kMagic.size()), name);
  uint32_t version = header.U32();
  uint64_t payload_size = header.U64();
  if (version != kModelFormatVersion) {
    throw InvalidInput(fmt::format(
        "model file '{}' was written in model format version {}; this hitscope reads version "
        "{}. Retrain the model with this hitscope, or use the hitscope that wrote it",
        name, version, kModelFormatVersion));
  }
  if (bytes.size() - kHeaderBytes < kTrailerBytes ||
      payload_size != bytes.size() - kHeaderBytes - kTrailerBytes) {
    throw InvalidInput(fmt::format(
        "model file '{}' is truncated or has extra bytes: {} bytes where {} were written; "
        "retrain the model or restore the file",
        name, bytes.size(), kHeaderBytes + payload_size + kTrailerBytes));
  }
  std::string_view payload_bytes = bytes.substr(kHeaderBytes, payload_size);
  model_file::ByteReader trailer(bytes.substr(kHeaderBytes + payload_size), name);
  uint32_t stored = trailer.U32();
  uint32_t actual = model_file::Crc32(payload_bytes);
  if (stored != actual) {
    throw InvalidInput(fmt::format(
        "model file '{}' is corrupt: its checksum is {:08x} but its content sums to {:08x}; "
        "retrain the model or restore the file",
        name, stored, actual));
  }
  model_file::ByteReader in(payload_bytes, name);
  std::string hitscope_version = in.String();
  uint8_t target_code = in.U8();
  if (target_code > 1) in.Fail("an unknown target kind");
  TargetKind target = target_code == 0 ? TargetKind::kClass : TargetKind::kPopularity;
  ColumnRoles roles = ReadRoles(&in);
  uint32_t features = in.U32();
  std::vector<DataType> types;
  for (uint32_t i = 0; i < features; ++i) {
    roles.features.push_back(in.String());
    uint8_t type = in.U8();
    if (type > static_cast<uint8_t>(DataType::kString)) in.Fail("an unknown column type");
    types.push_back(static_cast<DataType>(type));
  }
  PopularityClasses classes;
  classes.spec = in.String();
  uint32_t names = in.U32();
  for (uint32_t i = 0; i < names; ++i) classes.names.push_back(in.String());
  classes.upper_edges = in.Doubles();
  if (target == TargetKind::kClass && classes.names.size() != classes.upper_edges.size() + 1) {
    in.Fail("classes and edges that do not match");
  }
  ParamMap params;
  uint32_t param_count = in.U32();
  for (uint32_t i = 0; i < param_count; ++i) {
    std::string key = in.String();
    params[key] = in.String();
  }
  uint32_t state_count = in.U32();
  std::vector<EstimatorState> states;
  for (uint32_t i = 0; i < state_count; ++i) states.push_back(ReadState(&in));
  std::string summary = in.String();
  if (!in.done()) in.Fail("bytes after the end of the model");
  PipelineSpec spec;
  try {
    spec = PipelineSpec::FromParams(params);
  } catch (const Error& e) {
    throw InvalidInput(
        fmt::format("model file '{}' names a pipeline this hitscope cannot build "
                    "({}); retrain the model with this hitscope",
                    name, e.what()));
  }
  Pipeline pipeline(spec, target, roles.features,
                    target == TargetKind::kClass ? classes.names : std::vector<std::string>{});
  pipeline.LoadStates(states);
  return TrainedModel{std::move(pipeline), std::move(roles),   std::move(types),
                      std::move(classes),  std::move(summary), std::move(hitscope_version)};
}

void SaveModel(const TrainedModel& model, const std::string& path, FileSystem& fs) {
  WriteFileAtomically(path, EncodeModel(model), fs);
}

TrainedModel LoadModel(const std::string& path, FileSystem& fs) {
  return DecodeModel(ReadFileToString(path, fs), path);
}

}  // namespace hitscope
