# Tokenizer parity with transformers.js (the oracle, run offline by Node) on the tokenizer
# folders that tests/fixtures/gen_vocab makes from real vocabularies.
add_executable(tokenizer_dump ${CMAKE_CURRENT_LIST_DIR}/tokenizer_dump.cpp)
target_link_libraries(tokenizer_dump PRIVATE empathic_nlp)
empathic_ship_onnxruntime(tokenizer_dump)

find_program(EMPATHIC_NODE node)
if(EMPATHIC_NODE)
  add_test(NAME tokenizer_parity
           COMMAND ${EMPATHIC_NODE} ${PROJECT_SOURCE_DIR}/tests/node/tokenizer_parity.mjs
                   --dump $<TARGET_FILE:tokenizer_dump>
                   --fixtures ${EMPATHIC_FIXTURES}/tokenizers
                   --strings ${PROJECT_SOURCE_DIR}/tests/fixtures/tokenizer_strings.json
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/node)
  set_tests_properties(tokenizer_parity PROPERTIES LABELS integration TIMEOUT 600)
endif()
