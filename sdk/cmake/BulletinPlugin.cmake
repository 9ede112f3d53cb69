# bulletin_add_plugin(NAME SOURCES src... [LIBRARIES lib...] [OUTPUT_DIRECTORY dir]
#                     [DATA file...])
#
# DATA files are the plugin's own data (word lists, models): copied beside the module into
# data/NAME/ and installed there, where the plugin finds them as Params::data_dir().
#
# Builds a plugin module: a shared library loaded with dlopen, hidden visibility (only the
# `bulletin_module` entry point is exported), position-independent, linked to the SDK.
# The build key it embeds comes from bulletin/version.hpp, so it matches the host built with the
# same compiler, C++ library and Boost.
function(bulletin_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES;DATA" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "bulletin_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  if(TARGET Bulletin::sdk)
    target_link_libraries(${name} PRIVATE Bulletin::sdk ${ARG_LIBRARIES})
  else()
    target_link_libraries(${name} PRIVATE BulletinSDK::sdk ${ARG_LIBRARIES})
  endif()
  target_compile_features(${name} PRIVATE cxx_std_20)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED BULLETIN_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${BULLETIN_PLUGIN_OUTPUT_DIR})
  endif()
  if(DEFINED BULLETIN_WARNINGS)
    target_compile_options(${name} PRIVATE ${BULLETIN_WARNINGS})
  endif()
  # Undefined symbols are an error at link time, not a surprise at load time.
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  if(TARGET bulletin_builtin_plugins AND NOT ARG_OUTPUT_DIRECTORY)
    add_dependencies(bulletin_builtin_plugins ${name})
  endif()
  if(ARG_DATA)
    set(data_files)
    foreach(file IN LISTS ARG_DATA)
      get_filename_component(file "${file}" ABSOLUTE)
      list(APPEND data_files "${file}")
    endforeach()
    add_custom_command(TARGET ${name} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E make_directory "$<TARGET_FILE_DIR:${name}>/data/${name}"
      COMMAND ${CMAKE_COMMAND} -E copy_if_different ${data_files}
              "$<TARGET_FILE_DIR:${name}>/data/${name}"
      VERBATIM)
    if(DEFINED BULLETIN_PLUGIN_SUBDIR AND NOT ARG_OUTPUT_DIRECTORY)
      install(FILES ${data_files} DESTINATION ${BULLETIN_PLUGIN_SUBDIR}/data/${name})
    endif()
  endif()
  if(DEFINED BULLETIN_PLUGIN_SUBDIR AND NOT ARG_OUTPUT_DIRECTORY)
    # Built-in plugins live in <libdir>/bulletin/plugins and find libbulletin-sdk two levels up.
    set_target_properties(${name} PROPERTIES INSTALL_RPATH "$ORIGIN/../..")
    install(TARGETS ${name} LIBRARY DESTINATION ${BULLETIN_PLUGIN_SUBDIR})
  endif()
endfunction()
