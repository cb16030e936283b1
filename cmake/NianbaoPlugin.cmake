# nianbao_add_plugin(<target> KIND input|output NAME <name> SOURCES ...)
# Builds a loadable plugin module named nianbao-<kind>-<name>.so in the plugin
# directory, exporting only its descriptor symbol and refusing undefined symbols.
function(nianbao_add_plugin target)
  cmake_parse_arguments(P "NO_INSTALL;ALLOW_UNDEFINED" "KIND;NAME;OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE nianbao::sdk ${P_LIBRARIES})
  if(NOT P_OUTPUT_DIR)
    set(P_OUTPUT_DIR "${NIANBAO_PLUGIN_OUTPUT_DIR}")
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "nianbao-${P_KIND}-${P_NAME}"
    LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIR}"
    INSTALL_RPATH "$ORIGIN/${NIANBAO_REL_LIB_FROM_PLUGINS}")
  # Sanitizer builds leave the runtime to the executable (clang links it there only).
  if(NOT P_ALLOW_UNDEFINED AND NOT NIANBAO_SANITIZE AND NOT NIANBAO_FUZZ)
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  if(NOT P_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${NIANBAO_PLUGIN_SUBDIR}")
  endif()
endfunction()
