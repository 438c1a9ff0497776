# Proves that sdk/abi_lock.cmake catches header changes, on a copy of the SDK in WORK_DIR (so
# that it does not depend on the real lock being current): a changed header fails the check
# with its message, UPDATE refuses without a version bump, a bump alone still fails the check,
# and UPDATE after the bump writes a lock that passes.
#   cmake -DSOURCE_SDK=<repo>/sdk -DWORK_DIR=<scratch> -P abi_lock_test.cmake
cmake_minimum_required(VERSION 3.25)

set(kMessage "the public SDK headers changed: bump SLUICE_SDK_ABI_MINOR (additions) or MAJOR (breaking changes) in abi.hpp and update sdk/abi.lock")

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
file(COPY ${SOURCE_SDK}/include ${SOURCE_SDK}/cmake DESTINATION ${WORK_DIR})

# Runs the real script on the copy; expect PASS or FAIL, and a text its output must contain.
function(lock step expect text)
  execute_process(COMMAND ${CMAKE_COMMAND} -DSDK_DIR=${WORK_DIR} ${ARGN} -P ${SOURCE_SDK}/abi_lock.cmake
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  string(REPLACE "\n" " " flat "${out}")
  string(REGEX REPLACE "  +" " " flat "${flat}")
  if((expect STREQUAL "PASS") AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${step}: expected success, got ${rc}:\n${out}")
  elseif((expect STREQUAL "FAIL") AND rc EQUAL 0)
    message(FATAL_ERROR "${step}: expected a failure, it passed:\n${out}")
  endif()
  string(FIND "${flat}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${step}: the output lacks '${text}':\n${out}")
  endif()
  message(STATUS "${step}: ok")
endfunction()

set(abi_hpp ${WORK_DIR}/include/sluice/sdk/abi.hpp)
file(STRINGS ${abi_hpp} minor_line REGEX "^#define SLUICE_SDK_ABI_MINOR [0-9]+")
string(REGEX MATCH "[0-9]+$" minor "${minor_line}")
file(STRINGS ${abi_hpp} major_line REGEX "^#define SLUICE_SDK_ABI_MAJOR [0-9]+")
string(REGEX MATCH "[0-9]+$" major "${major_line}")

lock("a fresh lock" PASS "sdk/abi.lock:" -DUPDATE=ON -DKEEP_VERSION=ON)
lock("unchanged headers" PASS "matches the public SDK headers")

file(APPEND ${WORK_DIR}/include/sluice/sdk/stage.hpp "// a change\n")
lock("a changed header" FAIL "${kMessage}")
lock("an update without a bump" FAIL "but the SDK ABI is still ${major}.${minor}" -DUPDATE=ON)

math(EXPR bumped "${minor} + 1")
file(READ ${abi_hpp} text)
string(REPLACE "${minor_line}" "#define SLUICE_SDK_ABI_MINOR ${bumped}" text "${text}")
file(WRITE ${abi_hpp} "${text}")
lock("a bump without an update" FAIL "${kMessage}")
lock("an update after the bump" PASS "sdk/abi.lock: ${major}.${bumped} " -DUPDATE=ON)
lock("the updated lock" PASS "(SDK ABI ${major}.${bumped})")
