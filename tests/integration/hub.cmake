# Integration tests of `empathic model ...` (src/hub): the real binary against a fake hub on a
# loopback port (tests/integration/hub/fake_hub.py) that serves a generated model in the hub's
# URL layout. Each case is one test; exit 77 marks a case skipped for a missing prerequisite.
set(EMPATHIC_HUB_CASES full_pull resume_after_break resume_after_kill variant_change_after_kill
    server_ignores_range
    corrupt_rejected not_found missing_answered_401 gated no_network default_pull add_folder
    add_refuses_unusable
    use_switches_model)
foreach(hub_case ${EMPATHIC_HUB_CASES})
  add_test(NAME hub_${hub_case}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/hub/run_case.py
                   --binary $<TARGET_FILE:empathic> --fixtures ${EMPATHIC_FIXTURES} ${hub_case})
  set_tests_properties(hub_${hub_case} PROPERTIES LABELS integration SKIP_RETURN_CODE 77
                       TIMEOUT 120)
endforeach()
