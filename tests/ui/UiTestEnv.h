#pragma once

#include "QueueTestUtil.h"

#include <QApplication>
#include <QDirIterator>
#include <QDropEvent>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
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

// Some file under `dir` contains `needle` (a secret that must not be on disk).
inline bool anyFileContains(const QString &dir, const QByteArray &needle)
{
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            return true;
    }
    return false;
}

// Files dropped on `w` as a file manager drops them.
inline void drop(QWidget *w, const QStringList &paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &p : paths)
        urls.append(QUrl::fromLocalFile(p));
    mime.setUrls(urls);
    const QPoint pos = w->rect().center();
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w, &dropEvent);
    QVERIFY(dropEvent.isAccepted());
}

} // namespace bt::uitest
