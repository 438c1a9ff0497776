# Checks sdk/abi.lock, or rewrites it after an ABI version bump. The lock holds one line,
# "MAJOR.MINOR <sha256>": the SDK ABI version from abi.hpp and a SHA-256 over the public headers.
#
#   cmake -P sdk/abi_lock.cmake                  fails when the headers or the version changed
#   cmake -DUPDATE=ON -P sdk/abi_lock.cmake      writes the lock, after you bumped the version
#   cmake -DUPDATE=ON -DKEEP_VERSION=ON -P ...   writes it without a bump, for changes no built
#                                                plugin can notice (comments, formatting)
#
# SDK_DIR (default: this file's folder) lets a test run it on a copy of the SDK.
#
# The hash covers every include/sluice/**/*.hpp, in sorted order of its path relative to
# include/: the path, a newline, then the file's bytes. The same in a shell:
#   cd sdk/include && find sluice -name '*.hpp' | LC_ALL=C sort |
#     while read -r f; do printf '%s\n' "$f"; cat "$f"; done | sha256sum
cmake_minimum_required(VERSION 3.25)

if(NOT SDK_DIR)
  set(SDK_DIR ${CMAKE_CURRENT_LIST_DIR})
endif()
include(${SDK_DIR}/cmake/SluiceAbiVersion.cmake)

set(include_dir ${SDK_DIR}/include)
file(GLOB_RECURSE headers RELATIVE ${include_dir} ${include_dir}/sluice/*.hpp)
list(SORT headers)
set(hashed "")
foreach(header IN LISTS headers)
  file(READ ${include_dir}/${header} text)
  string(APPEND hashed "${header}\n${text}")
endforeach()
string(SHA256 hash "${hashed}")
sluice_read_abi_version(${include_dir}/sluice/sdk/abi.hpp version)
set(current "${version} ${hash}")

set(lock_file ${SDK_DIR}/abi.lock)
set(locked "")
if(EXISTS ${lock_file})
  file(STRINGS ${lock_file} locked LIMIT_COUNT 1)
endif()
string(REGEX MATCH "^[0-9]+\\.[0-9]+" locked_version "${locked}")

if(UPDATE)
  if(locked AND locked_version STREQUAL version AND NOT locked STREQUAL current AND NOT KEEP_VERSION)
    message(FATAL_ERROR "the public SDK headers changed but the SDK ABI is still ${version}: bump "
      "SLUICE_SDK_ABI_MINOR (additions) or MAJOR (breaking changes) in abi.hpp first, or pass "
      "-DKEEP_VERSION=ON when no built plugin can notice the change (comments, formatting)")
  endif()
  file(WRITE ${lock_file} "${current}\n")
  message(STATUS "sdk/abi.lock: ${current}")
  return()
endif()

if(NOT locked STREQUAL current)
  message(FATAL_ERROR "the public SDK headers changed: bump SLUICE_SDK_ABI_MINOR (additions) or MAJOR "
    "(breaking changes) in abi.hpp and update sdk/abi.lock\n"
    "  locked:  ${locked}\n"
    "  headers: ${current}\n"
    "  (after the bump: cmake -DUPDATE=ON -P sdk/abi_lock.cmake)")
endif()
message(STATUS "sdk/abi.lock matches the public SDK headers (SDK ABI ${version})")
