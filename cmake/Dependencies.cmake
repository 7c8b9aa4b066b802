# Every third-party library Empathic links, each from the system (Debian packages, installed by
# scripts/bootstrap). ONNX Runtime alone has a fallback: the copy scripts/fetch-onnxruntime puts
# under third_party/ (see README.md, "ONNX Runtime").
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(CURL REQUIRED)
find_package(yaml-cpp REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)

# --- ONNX Runtime: system first, then the fetched copy ---------------------------------------
set(EMPATHIC_ORT_DIR "${PROJECT_SOURCE_DIR}/third_party/onnxruntime" CACHE PATH
    "Fallback ONNX Runtime folder (include/ and lib/), made by scripts/fetch-onnxruntime")
find_package(onnxruntime QUIET CONFIG)
if(TARGET onnxruntime::onnxruntime)
  message(STATUS "ONNX Runtime: system package (${onnxruntime_VERSION})")
  set(EMPATHIC_ORT_BUNDLED OFF)
else()
  pkg_check_modules(ORT QUIET IMPORTED_TARGET libonnxruntime)
  if(ORT_FOUND)
    message(STATUS "ONNX Runtime: system package via pkg-config (${ORT_VERSION})")
    add_library(onnxruntime::onnxruntime ALIAS PkgConfig::ORT)
    set(EMPATHIC_ORT_BUNDLED OFF)
  elseif(EXISTS "${EMPATHIC_ORT_DIR}/lib/libonnxruntime.so.1")
    message(STATUS "ONNX Runtime: fetched copy in ${EMPATHIC_ORT_DIR}")
    add_library(onnxruntime::onnxruntime SHARED IMPORTED)
    set_target_properties(onnxruntime::onnxruntime PROPERTIES
      IMPORTED_LOCATION "${EMPATHIC_ORT_DIR}/lib/libonnxruntime.so.1"
      IMPORTED_SONAME "libonnxruntime.so.1"
      INTERFACE_INCLUDE_DIRECTORIES "${EMPATHIC_ORT_DIR}/include")
    set(EMPATHIC_ORT_BUNDLED ON)
  else()
    message(FATAL_ERROR "ONNX Runtime not found. Run scripts/fetch-onnxruntime (or "
                        "scripts/bootstrap), or install libonnxruntime-dev.")
  endif()
endif()

# Copies the fetched ONNX Runtime next to a target's binary, where its $ORIGIN rpath finds it.
function(empathic_ship_onnxruntime target)
  if(EMPATHIC_ORT_BUNDLED)
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E copy_if_different
              "${EMPATHIC_ORT_DIR}/lib/libonnxruntime.so.1" "$<TARGET_FILE_DIR:${target}>/")
    set_target_properties(${target} PROPERTIES BUILD_RPATH "$ORIGIN")
  endif()
endfunction()
