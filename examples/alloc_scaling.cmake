# Runs an allocation-counting twin of an example (alloc_probe.cpp) on a small
# and a large input and fails unless both runs allocate the same number of
# times: then nothing on the per-packet path allocates.
#   cmake -DEXE=... -DSMALL="args;..." -DLARGE="args;..." -DPACKETS=small,large -P alloc_scaling.cmake
cmake_minimum_required(VERSION 3.20)
function(count_allocations out)
  execute_process(COMMAND ${EXE} ${ARGN} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${EXE} ${ARGN} failed (${rc}): ${err}")
  endif()
  if(NOT err MATCHES "strata-alloc-probe: ([0-9]+) allocations")
    message(FATAL_ERROR "no allocation count from ${EXE}: ${err}")
  endif()
  set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

count_allocations(small ${SMALL})
count_allocations(large ${LARGE})
message(STATUS "${EXE}: ${small} allocations for ${SMALL}, ${large} for ${LARGE} (${PACKETS} packets)")
if(NOT small EQUAL large)
  message(FATAL_ERROR "the per-packet path allocates: ${small} allocations (${SMALL}) vs ${large} (${LARGE})")
endif()
message(STATUS "0 allocations per packet")
