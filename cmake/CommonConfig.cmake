# What the project's targets are built with, in one place (as qBittorrent's
# cmake/Modules/CommonConfig.cmake).
#
# bt_base_config, every target: no Qt keyword macros, warnings, the version.
add_library(bt_base_config INTERFACE)
target_compile_definitions(bt_base_config INTERFACE QT_NO_KEYWORDS BT_VERSION="${PROJECT_VERSION}")
target_compile_options(bt_base_config INTERFACE -Wall -Wextra)
link_libraries(bt_base_config)

# The strict Qt defines: no QString made from a char * or a QUrl from a QString without saying
# how, connections always with a context object (QT_NO_CONTEXTLESS_CONNECT takes effect from
# Qt 6.7 on; the code follows the rule already). core/, ui/ and app/ call bt_strict_defines()
# for every target of their directories (compile definitions only: nothing propagates to a
# target that links them); tests/ does not yet.
set(BT_STRICT_DEFINES
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_CONTEXTLESS_CONNECT)
macro(bt_strict_defines)
    add_compile_definitions(${BT_STRICT_DEFINES})
endmacro()
