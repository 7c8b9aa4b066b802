# Integration tests of the lexical engine's quality report: the real `empathic eval` on a slice
# of the evaluation data kept with the tests (tests/unit/lexical/data), checked for the
# report's shape and for the seeded engine beating the label-word baseline.
add_test(NAME lexical_eval_slice
         COMMAND ${CMAKE_COMMAND}
                 -DEMPATHIC=$<TARGET_FILE:empathic>
                 -DDATA=${PROJECT_SOURCE_DIR}/tests/unit/lexical/data
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/lexical_eval
                 -P ${PROJECT_SOURCE_DIR}/tests/unit/lexical/eval_slice_check.cmake)
set_tests_properties(lexical_eval_slice PROPERTIES LABELS integration TIMEOUT 120)

# A data folder that does not exist is the user's mistake: exit status 2 and advice.
add_test(NAME lexical_eval_missing_data
         COMMAND $<TARGET_FILE:empathic> eval --data /nonexistent/empathic-data --splits 1)
set_tests_properties(lexical_eval_missing_data PROPERTIES LABELS integration
                     PASS_REGULAR_EXPRESSION "pass --data")
