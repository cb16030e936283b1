# nianbao_add_plugin(<target> KIND input|output NAME <name> SOURCES <file>...
#                    [LIBRARIES <lib>...] [OUTPUT_DIR <dir>] [NO_INSTALL])
#
# Builds the loadable plugin module nianbao-<kind>-<name>.so, linked to the
# plugin SDK (nianbao::sdk) alone, exporting only its descriptor symbol and
# refusing undefined symbols at link time rather than at load time.
#
# In nianbao's own tree the module goes to the build tree's plugin folder. In
# a plugin's own project (find_package(nianbao CONFIG)) it goes to
# ${CMAKE_BINARY_DIR}/plugins — name that folder in a manifest's plugin_dirs,
# or in --plugin-dir, to try it — and installs to <prefix>/lib/nianbao/plugins.
function(nianbao_add_plugin target)
  cmake_parse_arguments(P "NO_INSTALL;ALLOW_UNDEFINED" "KIND;NAME;OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT P_KIND MATCHES "^(input|output)$")
    message(FATAL_ERROR "nianbao_add_plugin(${target}): KIND must be input or output, not '${P_KIND}'")
  endif()
  if(NOT P_NAME MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "nianbao_add_plugin(${target}): NAME '${P_NAME}' must be lower-case letters, digits and _ (it is what manifests write)")
  endif()
  if(NOT P_SOURCES)
    message(FATAL_ERROR "nianbao_add_plugin(${target}): SOURCES are missing")
  endif()
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE nianbao::sdk ${P_LIBRARIES})
  if(NOT P_OUTPUT_DIR)
    if(DEFINED NIANBAO_PLUGIN_OUTPUT_DIR)
      set(P_OUTPUT_DIR "${NIANBAO_PLUGIN_OUTPUT_DIR}")
    else()
      set(P_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins")
    endif()
  endif()
  # Installed next to nianbao's own plugins finds the SDK relative to itself;
  # elsewhere, where the package said the SDK lies.
  if(DEFINED NIANBAO_REL_LIB_FROM_PLUGINS)
    set(rpath "$ORIGIN/${NIANBAO_REL_LIB_FROM_PLUGINS}")
  else()
    set(rpath "${NIANBAO_LIBRARY_DIR}")
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "nianbao-${P_KIND}-${P_NAME}"
    LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIR}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "${rpath}")
  # Sanitizer builds leave the runtime to the executable (clang links it there only).
  if(NOT P_ALLOW_UNDEFINED AND NOT NIANBAO_SANITIZE AND NOT NIANBAO_FUZZ)
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  if(NOT P_NO_INSTALL)
    if(DEFINED NIANBAO_PLUGIN_SUBDIR)
      set(destination "${NIANBAO_PLUGIN_SUBDIR}")
    else()
      include(GNUInstallDirs)
      set(destination "${CMAKE_INSTALL_LIBDIR}/nianbao/plugins")
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION "${destination}")
  endif()
endfunction()
