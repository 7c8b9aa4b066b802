// The one place where an empathic::Error becomes an HTTP status and a JSON error body.
//
// Statuses: 4xx when the caller can fix the request (bad input, unknown id, a conflict, a body
// over the limit, an unusable model the caller named), 5xx only when Empathic itself failed
// (503 for an outside resource that is busy or down, 500 for a bug).
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.h"

namespace empathic::server {

/// HTTP status for an error code.
int http_status(ErrorCode code);

/// {"error": {"code": "<code name>", "message": "<message>"}}
nlohmann::json error_body(std::string_view code_name, const std::string& message);

/// A JSON error and its status, built from whatever a handler threw: empathic::Error keeps its
/// code; nlohmann::json errors become invalid_input (the body had the wrong shape); anything
/// else is an internal error whose details go to the log, not to the caller.
struct HttpError {
    int status = 500;
    nlohmann::json body;
};
HttpError error_from_exception(std::exception_ptr error);

}  // namespace empathic::server
