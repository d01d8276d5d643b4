// serve/request_error.hpp: what is wrong with a request, as the JSON error body says it, and the
// one place where hitscope::Error kinds become HTTP statuses.
#pragma once

#include <string>
#include <vector>

#include <hitscope/error.hpp>

namespace hitscope::serve {

struct FieldError {
  std::string code;     // machine-readable: "out_of_range", "missing_feature", ...
  std::string field;    // "tracks[2].danceability", "body", "contributions"; "" for none
  std::string message;  // what is wrong and how to fix it
};

// Thrown by request handlers; the server answers `status` with every error in the body.
struct RequestError {
  int status = 400;
  std::vector<FieldError> errors;  // at least one; the first is the headline

  RequestError(int status_code, std::string code, std::string field, std::string message)
      : status(status_code), errors{{std::move(code), std::move(field), std::move(message)}} {}
  RequestError(int status_code, std::vector<FieldError> all)
      : status(status_code), errors(std::move(all)) {}
};

// kInvalidInput 422 (the data cannot be used), kInvalidArgument 400 (the request is malformed),
// kIo 503 (the server's storage failed: retry later), kInternal 500.
inline int HttpStatusFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return 422;
    case ErrorKind::kInvalidArgument:
      return 400;
    case ErrorKind::kIo:
      return 503;
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

inline const char* ErrorCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return "invalid_input";
    case ErrorKind::kInvalidArgument:
      return "invalid_argument";
    case ErrorKind::kIo:
      return "unavailable";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace hitscope::serve
