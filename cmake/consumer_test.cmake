# Builds and runs an outside project that uses strata, as a user would:
#   MODE=find_package      installs the build tree into a scratch prefix and
#                          builds tests/consumer against it (find_package);
#   MODE=add_subdirectory  builds tests/consumer_subdir, which adds strata's
#                          source tree with add_subdirectory.
# The consumer is configured with the parent build's generator and make
# program, so it needs no build tool the parent did not use.
# -DMODE -DSTRATA_BUILD_DIR -DSTRATA_SOURCE_DIR -DWORK_DIR -DCXX -DGENERATOR -DMAKE_PROGRAM
file(REMOVE_RECURSE ${WORK_DIR})
set(generator_args)
if(GENERATOR)
  list(APPEND generator_args -G ${GENERATOR})
endif()
if(MAKE_PROGRAM)
  list(APPEND generator_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()

if(MODE STREQUAL "find_package")
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${STRATA_BUILD_DIR} --prefix ${WORK_DIR}/prefix
                  RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "install failed: ${rc}")
  endif()
  set(source ${STRATA_SOURCE_DIR}/tests/consumer)
  set(project_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
elseif(MODE STREQUAL "add_subdirectory")
  set(source ${STRATA_SOURCE_DIR}/tests/consumer_subdir)
  set(project_args -DSTRATA_SOURCE_DIR=${STRATA_SOURCE_DIR})
else()
  message(FATAL_ERROR "MODE must be find_package or add_subdirectory, not '${MODE}'")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -S ${source} -B ${WORK_DIR}/build ${generator_args}
                        -DCMAKE_CXX_COMPILER=${CXX} ${project_args}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure of the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "build of the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/consumer RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the consumer failed: ${rc}")
endif()
