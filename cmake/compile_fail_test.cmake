# Compiles one snippet that must NOT compile, and checks that the compiler's
# message contains the expected sentence (the snippet's "// expect: " line).
# -DCXX -DSOURCE -DINCLUDE_DIR
file(STRINGS ${SOURCE} expect_lines REGEX "^// expect: ")
if(NOT expect_lines)
  message(FATAL_ERROR "${SOURCE} has no '// expect: ' line")
endif()
execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -I${INCLUDE_DIR} ${SOURCE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
foreach(line IN LISTS expect_lines)
  string(REPLACE "// expect: " "" expected "${line}")
  string(FIND "${err}${out}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${SOURCE}: the compiler failed without saying '${expected}':\n${err}")
  endif()
endforeach()
# One readable message, not a page of template noise: the first error the
# compiler prints is the sentence (clang adds a second one: "decode<Stack>:
# Stack must be a layer", since the failed class is no layer), at most two.
string(REPLACE ";" "," messages "${err}${out}") # a ';' would split the CMake list
string(REGEX MATCHALL "error:[^\n]*" error_lines "${messages}")
list(LENGTH error_lines error_count)
list(GET error_lines 0 first_error)
string(FIND "${first_error}" "${expected}" first_at)
if(first_at EQUAL -1 OR error_count GREATER 2)
  message(FATAL_ERROR "${SOURCE}: expected one readable error first, got ${error_count}:\n${err}")
endif()
message(STATUS "${SOURCE}: rejected with the expected message")
