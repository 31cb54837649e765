#pragma once

#include "QueueTestUtil.h"

#include <QApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTimer>
#include <functional>

namespace bt::uitest {

// Settings go to a temporary XDG config folder (before the first QSettings use; Qt caches the
// path), so that tests never read or write the person's configuration.
inline QTemporaryDir &configDir()
{
    static QTemporaryDir dir;
    return dir;
}

inline void isolateSettings()
{
    qputenv("XDG_CONFIG_HOME", configDir().path().toLocal8Bit());
    qputenv("XDG_DOWNLOAD_DIR", configDir().filePath(QStringLiteral("Downloads")).toLocal8Bit());
}

// Answers the next modal message box (opened by what the caller does next) with `button`;
// `seen` gets its text. The box runs its own event loop: a timer finds it there.
inline void answerMessageBox(QMessageBox::StandardButton button, QString *seen = nullptr)
{
    auto *timer = new QTimer;
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, button, seen] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        if (seen)
            *seen = box->text();
        timer->deleteLater();
        box->button(button)->click();
    });
    timer->start();
}

} // namespace bt::uitest
