# sluice_read_abi_version(<header> <out_var>)
#
# Reads SLUICE_SDK_ABI_MAJOR and SLUICE_SDK_ABI_MINOR from abi.hpp and sets <out_var> to
# "MAJOR.MINOR", so that the header stays the one source of truth for the ABI version (the CMake
# package version and sdk/abi.lock both come from it). Usable from a project and from `cmake -P`.
function(sluice_read_abi_version header out_var)
  file(STRINGS "${header}" lines REGEX "^#[ \t]*define[ \t]+SLUICE_SDK_ABI_(MAJOR|MINOR)[ \t]+[0-9]+")
  foreach(part MAJOR MINOR)
    set(${part} "")
    foreach(line IN LISTS lines)
      if(line MATCHES "SLUICE_SDK_ABI_${part}[ \t]+([0-9]+)")
        set(${part} ${CMAKE_MATCH_1})
      endif()
    endforeach()
    if(${part} STREQUAL "")
      message(FATAL_ERROR "${header} defines no SLUICE_SDK_ABI_${part}")
    endif()
  endforeach()
  set(${out_var} "${MAJOR}.${MINOR}" PARENT_SCOPE)
endfunction()
