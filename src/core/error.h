// Errors that cross component boundaries.
//
// Two kinds are kept apart:
//  - the user's mistake or an expected failure of the outside world (bad input, a missing model
//    file, no network): an empathic::Error whose code is not Internal, with a message that says
//    what to do;
//  - the program's bug: an empathic::Error with ErrorCode::Internal, or any other exception.
// The CLI maps codes to exit statuses and the server to HTTP statuses, each in one place
// (src/cli/main.cpp, src/server/errors.cpp); nothing else does.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace empathic {

enum class ErrorCode {
    InvalidInput,  // the caller's input is wrong; the message says how to fix it
    NotFound,      // an entry, label set, model or file does not exist
    Conflict,      // the operation clashes with the current state (already exists, ...)
    TooLarge,      // input over a documented size limit
    Unavailable,   // something outside us failed: network, a download, a busy resource
    ModelError,    // a model folder is unusable (missing file, no entailment label, bad ONNX)
    Internal,      // a bug in Empathic
};

/// Stable lower-case name of a code ("invalid_input", ...), used in JSON error bodies.
std::string_view error_code_name(ErrorCode code);

/// An error that aborts the current operation. `what()` is a complete, one-line message meant
/// for the person using Empathic; it never contains journal text.
class Error : public std::runtime_error {
  public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

    ErrorCode code() const { return code_; }

  private:
    ErrorCode code_;
};

}  // namespace empathic
