# Tests of `empathic serve` that start the real server on a free loopback port with a
# temporary --home: the JSON API (Python, standard library only) and the web app in a real
# browser (Node's test runner driving Debian's chromium through playwright-core).
add_test(NAME server_api
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/server/test_api.py
                 --binary $<TARGET_FILE:empathic> --fixtures ${EMPATHIC_FIXTURES})
set_tests_properties(server_api PROPERTIES LABELS integration TIMEOUT 300)

find_program(NODE_EXECUTABLE node)
file(GLOB EMPATHIC_E2E_TESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/node/e2e/*.test.mjs)
if(NODE_EXECUTABLE)
  foreach(test_file ${EMPATHIC_E2E_TESTS})
    get_filename_component(test_name ${test_file} NAME_WE)
    add_test(NAME e2e_${test_name}
             COMMAND ${NODE_EXECUTABLE} --test --test-reporter=spec ${test_file})
    set_tests_properties(e2e_${test_name} PROPERTIES
      LABELS integration TIMEOUT 300 RESOURCE_LOCK browser
      ENVIRONMENT "EMPATHIC_BINARY=$<TARGET_FILE:empathic>;EMPATHIC_TEST_OUTPUT=${PROJECT_SOURCE_DIR}/tests/output")
  endforeach()
endif()
