#pragma once

#include <QIcon>
#include <QString>

namespace bt::ui {

// The desktop theme's icon when it has one, else ours from resources/icons (:/icons/NAME.svg).
QIcon themedIcon(const QString &themeName, const QString &ownName);
QIcon appIcon();
// Registers the icons compiled into this static library (once; before the first icon).
void initResources();

} // namespace bt::ui
