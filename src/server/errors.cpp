#include "server/errors.h"

#include "core/log.h"

namespace empathic::server {

int http_status(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidInput: return 400;
        case ErrorCode::NotFound: return 404;
        case ErrorCode::Conflict: return 409;
        case ErrorCode::TooLarge: return 413;
        case ErrorCode::ModelError: return 422;
        case ErrorCode::Unavailable: return 503;
        case ErrorCode::Internal: return 500;
    }
    return 500;
}

nlohmann::json error_body(std::string_view code_name, const std::string& message) {
    return {{"error", {{"code", std::string(code_name)}, {"message", message}}}};
}

HttpError error_from_exception(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::Internal) {
            EMP_LOG_ERROR("server", "internal error: {}", e.what());
        }
        return {http_status(e.code()), error_body(error_code_name(e.code()), e.what())};
    } catch (const nlohmann::json::exception& e) {
        // A field of the body had the wrong type (a number where text was expected, ...).
        // The library's message names the expected type, never the value sent.
        std::string message = "the request body has the wrong shape: ";
        message += e.what();
        return {400, error_body(error_code_name(ErrorCode::InvalidInput), message)};
    } catch (const std::exception& e) {
        EMP_LOG_ERROR("server", "internal error: {}", e.what());
        return {500, error_body(error_code_name(ErrorCode::Internal),
                                "internal error in Empathic; the server log has details")};
    } catch (...) {
        EMP_LOG_ERROR("server", "internal error: unknown exception");
        return {500, error_body(error_code_name(ErrorCode::Internal),
                                "internal error in Empathic; the server log has details")};
    }
}

}  // namespace empathic::server
