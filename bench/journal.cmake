# Journal at scale: 20,000 generated entries; prints the time of a combined full-text + tag +
# date query, sorts, and monthly analytics. Run: build/bench/bench_journal [ENTRIES]
add_executable(bench_journal ${CMAKE_CURRENT_LIST_DIR}/bench_journal.cpp)
target_link_libraries(bench_journal PRIVATE empathic_journal)
target_compile_definitions(bench_journal PRIVATE EMPATHIC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
empathic_ship_onnxruntime(bench_journal)
