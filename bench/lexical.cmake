# bench_lexical: the lexical engine's speed (WordNet load, a 300-word entry against 30 labels)
# and, when the evaluation data is present, its full quality report on GoEmotions and XED.
add_executable(bench_lexical ${CMAKE_CURRENT_LIST_DIR}/bench_lexical.cpp)
target_link_libraries(bench_lexical PRIVATE empathic_lexical)
empathic_ship_onnxruntime(bench_lexical)
