# Compiles every public SDK header on its own, as the first include of a file, with one compiler:
# each must bring what it uses, and must not lean on one compiler's leniency (GCC, for one, lets a
# member function in a class body use a nested type defined only after the class; Clang does not).
#   cmake -DCOMPILER=<c++ compiler> -DINCLUDE_DIRS="<boost include>;..." -DWORK_DIR=<scratch>
#         -P headers_alone_test.cmake
# The SDK's headers are taken from this checkout; INCLUDE_DIRS names only where their
# dependencies (Boost, yaml-cpp) lie, when that is outside the compiler's default folders.
cmake_minimum_required(VERSION 3.25)

get_filename_component(sdk_include ${CMAKE_CURRENT_LIST_DIR}/../../sdk/include ABSOLUTE)
file(GLOB_RECURSE headers RELATIVE ${sdk_include} ${sdk_include}/sluice/*.hpp)
list(SORT headers)
if(NOT headers)
  message(FATAL_ERROR "no SDK headers under ${sdk_include}")
endif()

set(flags -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I${sdk_include})
foreach(dir IN LISTS INCLUDE_DIRS)
  list(APPEND flags -isystem ${dir})
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(failed "")
foreach(header IN LISTS headers)
  string(MAKE_C_IDENTIFIER ${header} name)
  set(source ${WORK_DIR}/${name}.cpp)
  file(WRITE ${source} "#include <${header}>\n")
  execute_process(COMMAND ${COMPILER} ${flags} ${source} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc EQUAL 0)
    message(STATUS "ok: ${header}")
  else()
    message("${out}")
    list(APPEND failed ${header})
  endif()
endforeach()
if(failed)
  list(JOIN failed ", " failed)
  message(FATAL_ERROR "${COMPILER} does not compile these SDK headers on their own: ${failed}")
endif()
