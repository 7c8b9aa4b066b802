# Integration tests of the NLI engine through the real `empathic classify`, on the generated
# random-weight models (tests/fixtures/gen_models): parity with transformers.js, and each bad
# input with its message and exit status (2: the user's mistake, 3: an unusable model).
set(NLI_MODELS "${EMPATHIC_FIXTURES}/models")
set(NLI_EXPECT "${CMAKE_CURRENT_SOURCE_DIR}/nli/expect.sh")
set(NLI_HOME "${CMAKE_CURRENT_BINARY_DIR}/nli-home")

# nli_cli_case(NAME STATUS PATTERN [--stdin-printf FORMAT] -- ARGS...): runs
# `empathic classify ARGS...` and checks the exit status and that the output matches PATTERN.
function(nli_cli_case name status pattern)
  set(args ${ARGN})
  list(FIND args "--" split)
  list(SUBLIST args 0 ${split} before)
  math(EXPR after_start "${split} + 1")
  list(SUBLIST args ${after_start} -1 after)
  add_test(NAME nli_cli_${name}
           COMMAND ${NLI_EXPECT} ${status} ${pattern} ${before} -- $<TARGET_FILE:empathic>
                   classify ${after})
  set_tests_properties(nli_cli_${name} PROPERTIES LABELS integration
                       ENVIRONMENT "EMPATHIC_HOME=${NLI_HOME};EMPATHIC_LOG=warn")
endfunction()

set(bert --model ${NLI_MODELS}/bert --full-precision)

# Working calls: text as argument or on standard input, table or JSON, long entries.
nli_cli_case(table 0 "^label +score +evidence" -- "I won the race." --labels "joy,pride" ${bert})
nli_cli_case(json_shape 0 "\"mode\": \"single-label\"" --
             "I won. Then I cried." --labels "joy,grief" --single-label --json ${bert})
nli_cli_case(stdin 0 "\"sequence\": \"read from stdin\\\\n\""
             --stdin-printf "read from stdin\\n" -- --labels joy --json ${bert})
nli_cli_case(quantized 0 "model bert" -- "A calm day." --labels calm --model ${NLI_MODELS}/bert)

# Bad input: each names the problem; 2 = the user's mistake, 3 = an unusable model.
nli_cli_case(no_labels 2 "no labels given" -- "some text" ${bert})
nli_cli_case(only_empty_labels 2 "no labels given" --
             "some text" --labels " , ," ${bert})
nli_cli_case(duplicate_labels 0 "warning: duplicate label 'Joy' ignored" --
             "some text" --labels "joy,Joy" ${bert})
nli_cli_case(template_without_braces 2 "template has no \"\\{\\}\"" --
             "some text" --labels joy --template "This is it." ${bert})
nli_cli_case(template_with_two_braces 2 "more than one \"\\{\\}\"" --
             "some text" --labels joy --template "{} or {}" ${bert})
nli_cli_case(invalid_utf8 2 "not valid UTF-8 \\(first bad byte at offset 3\\)"
             --stdin-printf "abc\\377def" -- --labels joy ${bert})
nli_cli_case(empty_text 2 "the text is empty" -- "   " --labels joy ${bert})
nli_cli_case(empty_stdin 2 "the text is empty" -- --labels joy ${bert})
nli_cli_case(unknown_model 2 "neither a folder nor installed" --
             "some text" --labels joy --model no-such-org/no-such-model)
nli_cli_case(missing_tokenizer 3 "has no tokenizer.json" --
             "some text" --labels joy --model ${NLI_MODELS}/broken/no_tokenizer)
nli_cli_case(missing_config 3 "has no config.json" --
             "some text" --labels joy --model ${NLI_MODELS}/broken/no_config)
nli_cli_case(missing_onnx 3 "has no onnx/model.onnx" --
             "some text" --labels joy --model ${NLI_MODELS}/broken/no_onnx)
nli_cli_case(no_entailment_label 3 "has no entailment label" --
             "some text" --labels joy --model ${NLI_MODELS}/broken/no_entailment)
nli_cli_case(unreadable_onnx 3 "model.onnx is not a readable ONNX model" --
             "some text" --labels joy --model ${NLI_MODELS}/broken/garbage_onnx)

# Parity with transformers.js (Node) on the three model families.
find_program(NODE_EXECUTABLE node)
if(NODE_EXECUTABLE)
  add_test(NAME nli_zero_shot_parity
           COMMAND ${NODE_EXECUTABLE} zero_shot_parity.mjs $<TARGET_FILE:empathic> ${NLI_MODELS}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/node)
  set_tests_properties(nli_zero_shot_parity PROPERTIES LABELS integration TIMEOUT 600
                       ENVIRONMENT "EMPATHIC_HOME=${NLI_HOME};EMPATHIC_LOG=warn")
endif()
