#include "Icons.h"

static void initBtResources()
{
    Q_INIT_RESOURCE(btfilestream);
}

namespace bt::ui {

void initResources()
{
    static const bool once = (initBtResources(), true);
    Q_UNUSED(once)
}

QIcon themedIcon(const QString &themeName, const QString &ownName)
{
    initResources();
    const QIcon own(QStringLiteral(":/icons/%1.svg").arg(ownName));
    return QIcon::fromTheme(themeName, own);
}

QIcon appIcon()
{
    initResources();
    return QIcon::fromTheme(QStringLiteral("btfilestream"),
                            QIcon(QStringLiteral(":/icons/btfilestream.svg")));
}

} // namespace bt::ui
