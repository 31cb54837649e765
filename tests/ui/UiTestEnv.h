#pragma once

#include "MainWindow.h"
#include "QueueTestUtil.h"
#include "SettingsDialog.h"
#include "TestData.h"
#include "UploadTargetsPage.h"

#include <QApplication>
#include <QDropEvent>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <functional>
#include <memory>

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

// isolateSettings() and no session bus: QtKeychain finds no keyring, as on a server or in a
// container (CredentialStore::setTestKeyring stands in where a test needs one).
inline void isolateSettingsWithoutKeyring()
{
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    isolateSettings();
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

using test::anyFileContains;

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

// The window on a fresh queue (fake jobs) with its settings open on the Uploads page and a new
// target added: where the tests of an upload target's fields start.
struct UploadSettings
{
    queuetest::QueueEnv env;
    std::unique_ptr<ui::MainWindow> window; // closed before the queue
    ui::SettingsDialog *dialog = nullptr;
    ui::UploadTargetsPage *page = nullptr;

    bool open()
    {
        if (!env.open())
            return false;
        window = std::make_unique<ui::MainWindow>(env.queue.get());
        dialog = window->openSettings();
        page = dialog->uploadsPage();
        page->addButton()->click();
        return true;
    }
};

} // namespace bt::uitest
