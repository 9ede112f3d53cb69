# Helpers shared by the built-in taggers (plugins/taggers/*): compiling data files into a plugin.
include_guard(GLOBAL)

# bulletin_tagger_data(TARGET NAME <kName> FILES f... [DEPENDS d...])
# Generates ${CMAKE_CURRENT_BINARY_DIR}/<kName>.inc holding the files as raw string
# chunks (see embed-data.cmake), re-generated when a file changes, and lets the target include it.
function(bulletin_tagger_data target)
  cmake_parse_arguments(ARG "" "NAME" "FILES;DEPENDS" ${ARGN})
  set(common ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.inc)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${out} -DNAME=${ARG_NAME} "-DINPUTS=${ARG_FILES}"
            -P ${common}/embed-data.cmake
    DEPENDS ${ARG_FILES} ${ARG_DEPENDS} ${common}/embed-data.cmake
    COMMENT "Embedding ${ARG_NAME} into ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}
                                               ${common})
endfunction()
