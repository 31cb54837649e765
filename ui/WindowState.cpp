#include "WindowState.h"

#include <QSettings>

namespace bt::ui {

namespace {
QSettings settings()
{
    return QSettings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("BTFileStream"),
                     QStringLiteral("btfilestream"));
}
} // namespace

WindowState WindowState::load()
{
    const QSettings s = settings();
    WindowState w;
    w.geometry = s.value(QStringLiteral("windowState/geometry")).toByteArray();
    w.sideSplitter = s.value(QStringLiteral("windowState/sideSplitter")).toByteArray();
    w.header = s.value(QStringLiteral("windowState/header")).toByteArray();
    w.detailsHeight =
        qMax(80, s.value(QStringLiteral("windowState/detailsHeight"), w.detailsHeight).toInt());
    w.trayHintShown = s.value(QStringLiteral("windowState/trayHintShown"), false).toBool();
    return w;
}

void WindowState::save() const
{
    QSettings s = settings();
    s.setValue(QStringLiteral("windowState/geometry"), geometry);
    s.setValue(QStringLiteral("windowState/sideSplitter"), sideSplitter);
    s.setValue(QStringLiteral("windowState/header"), header);
    s.setValue(QStringLiteral("windowState/detailsHeight"), detailsHeight);
    s.setValue(QStringLiteral("windowState/trayHintShown"), trayHintShown);
    s.sync();
}

} // namespace bt::ui
