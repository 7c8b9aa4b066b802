#include "core/error.h"

namespace empathic {

std::string_view error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidInput: return "invalid_input";
        case ErrorCode::NotFound: return "not_found";
        case ErrorCode::Conflict: return "conflict";
        case ErrorCode::TooLarge: return "too_large";
        case ErrorCode::Unavailable: return "unavailable";
        case ErrorCode::ModelError: return "model_error";
        case ErrorCode::Internal: return "internal";
    }
    return "internal";
}

}  // namespace empathic
