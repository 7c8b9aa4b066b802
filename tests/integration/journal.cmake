# Journal integration tests: the real `empathic` binary on a temporary journal, and the crash
# test (a worker killed with SIGKILL 100 times, the journal verified after each kill).
add_executable(journal_crash_worker ${CMAKE_CURRENT_LIST_DIR}/journal/crash_worker.cpp)
target_link_libraries(journal_crash_worker PRIVATE empathic_journal)
target_compile_definitions(journal_crash_worker PRIVATE EMPATHIC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
empathic_ship_onnxruntime(journal_crash_worker)

add_test(NAME journal_cli
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/journal/cli_test.sh $<TARGET_FILE:empathic>
                 ${PROJECT_SOURCE_DIR})
add_test(NAME journal_cli_input
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/journal/cli_input_test.sh $<TARGET_FILE:empathic>)
add_test(NAME journal_crash
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/journal/crash_test.py
                 $<TARGET_FILE:journal_crash_worker> 100)
set_tests_properties(journal_cli journal_cli_input journal_crash PROPERTIES LABELS integration TIMEOUT 900)
