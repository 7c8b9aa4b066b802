# bench_nli: pairs per second of the NLI engine on a BERT-base-sized random model, batched and
# one pair at a time (see bench/bench_nli.cpp). The model is generated under the build folder.
if(NOT DEFINED EMPATHIC_FIXTURES)
  set(EMPATHIC_FIXTURES "${PROJECT_SOURCE_DIR}/tests/fixtures/generated")
endif()
add_executable(bench_nli ${CMAKE_CURRENT_SOURCE_DIR}/bench_nli.cpp)
target_link_libraries(bench_nli PRIVATE empathic_nlp)
target_compile_definitions(bench_nli PRIVATE
  EMPATHIC_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  EMPATHIC_FIXTURES="${EMPATHIC_FIXTURES}"
  EMPATHIC_BENCH_DIR="${CMAKE_BINARY_DIR}/bench-models")
empathic_ship_onnxruntime(bench_nli)
