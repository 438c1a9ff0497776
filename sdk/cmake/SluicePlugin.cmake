# sluice_add_plugin(NAME VERSION x.y.z SOURCES ... [ENTRY file.cpp] [LIBRARIES ...]
#                   [DEFINITIONS ...] [OUTPUT_DIR dir] [NO_INSTALL])
#
# Builds a stage plugin the way the host expects it: a shared module named
# lib<NAME>.so.<VERSION> (so several versions can sit side by side in one plugin directory),
# C++20, hidden visibility, SLUICE_PLUGIN_VERSION defined to VERSION for the manifest.
# The built-in plugins and out-of-tree ones (after find_package(SluiceSDK)) use this same function.
#
# With ENTRY (the file holding SLUICE_PLUGIN), SOURCES also become an object library
# sluice_stage_<NAME> that unit tests link to test the stage without loading the module.
#
# OUTPUT_DIR defaults to SLUICE_PLUGIN_OUTPUT_DIR when set (the Sluice tree sets it), else to
# ${CMAKE_BINARY_DIR}/plugins. Unless NO_INSTALL, `cmake --install` puts the module in
# SLUICE_PLUGIN_INSTALL_DIR when set, else lib/sluice/plugins under the install prefix: the
# directory a host installed under the same prefix searches.
function(sluice_add_plugin NAME)
  cmake_parse_arguments(ARG "NO_INSTALL" "VERSION;ENTRY;OUTPUT_DIR" "SOURCES;LIBRARIES;DEFINITIONS" ${ARGN})
  if(NOT ARG_VERSION)
    message(FATAL_ERROR "sluice_add_plugin(${NAME}): VERSION x.y.z is required")
  endif()
  if(NOT ARG_OUTPUT_DIR)
    if(DEFINED SLUICE_PLUGIN_OUTPUT_DIR)
      set(ARG_OUTPUT_DIR ${SLUICE_PLUGIN_OUTPUT_DIR})
    else()
      set(ARG_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)
    endif()
  endif()

  set(target ${NAME})
  if(TARGET ${target})
    set(target ${NAME}_${ARG_VERSION})
    string(REPLACE "." "_" target ${target})
  endif()

  set(stage_lib "")
  if(ARG_ENTRY)
    set(stage_lib sluice_stage_${target})
    add_library(${stage_lib} OBJECT ${ARG_SOURCES})
    target_link_libraries(${stage_lib} PUBLIC sluice::sdk ${ARG_LIBRARIES})
    # The version stays private: a test or benchmark linking several stages' objects would get
    # one definition of it per stage.
    target_compile_definitions(${stage_lib} PRIVATE SLUICE_PLUGIN_VERSION="${ARG_VERSION}" PUBLIC ${ARG_DEFINITIONS})
    set_target_properties(${stage_lib} PROPERTIES POSITION_INDEPENDENT_CODE ON
      CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
    target_include_directories(${stage_lib} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
    add_library(${target} MODULE ${ARG_ENTRY})
    target_link_libraries(${target} PRIVATE ${stage_lib})
  else()
    add_library(${target} MODULE ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE sluice::sdk ${ARG_LIBRARIES})
  endif()
  target_compile_definitions(${target} PRIVATE SLUICE_PLUGIN_VERSION="${ARG_VERSION}" ${ARG_DEFINITIONS})
  set_target_properties(${target} PROPERTIES
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    PREFIX "lib" OUTPUT_NAME ${NAME} SUFFIX ".so.${ARG_VERSION}"
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR})
  # A module no stage uses any more must really unload after a hot swap; GNU unique symbols
  # (which GCC emits for some inline statics, Boost.System's categories for one) would pin it
  # in memory for the life of the process.
  foreach(t ${target} ${stage_lib})
    target_compile_options(${t} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
  endforeach()
  set_property(GLOBAL APPEND PROPERTY SLUICE_PLUGIN_TARGETS ${target})
  if(NOT ARG_NO_INSTALL)
    set(install_dir lib/sluice/plugins)
    if(DEFINED SLUICE_PLUGIN_INSTALL_DIR)
      set(install_dir ${SLUICE_PLUGIN_INSTALL_DIR})
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${install_dir})
  endif()
endfunction()
