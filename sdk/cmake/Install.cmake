# `cmake --install`: the bulletin program, built-in plugins and pipelines (installed by their own
# CMakeLists), and the SDK for third parties: headers, libbulletin-sdk, a CMake package
# (find_package(BulletinSDK 2.0 CONFIG)), bulletin_add_plugin(), and a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS bulletin_sdk EXPORT BulletinSDKTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/include/bulletin
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/sdk/include/bulletin/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/bulletin)

set(BULLETIN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/BulletinSDK)
install(EXPORT BulletinSDKTargets NAMESPACE BulletinSDK:: DESTINATION ${BULLETIN_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/sdk/cmake/BulletinSDKConfig.cmake.in
  ${PROJECT_BINARY_DIR}/BulletinSDKConfig.cmake
  INSTALL_DESTINATION ${BULLETIN_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR BULLETIN_PLUGIN_SUBDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/BulletinSDKConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/BulletinSDKConfig.cmake
  ${PROJECT_BINARY_DIR}/BulletinSDKConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/sdk/cmake/BulletinPlugin.cmake
  DESTINATION ${BULLETIN_CMAKE_DIR})

file(RELATIVE_PATH BULLETIN_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" BULLETIN_PC_TO_PREFIX "${BULLETIN_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/sdk/cmake/bulletin-sdk.pc.in
  ${PROJECT_BINARY_DIR}/bulletin-sdk.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/bulletin-sdk.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
