#pragma once

#include <QList>
#include <QObject>
#include <QStringList>

namespace bt {

class QueueManager;
struct BrowserRequest;

namespace ui {

class MainWindow;

// Downloads the browser extension hands over (through btfilestream-browser-host and the
// single-instance channel): with [browser] startAtOnce=true in the settings a download
// starts at once in the download folder, otherwise the add dialog opens prefilled; a list of
// links ("Download all links") always opens the dialog with a box to tick for each.
class BrowserCatcher : public QObject
{
    Q_OBJECT
public:
    BrowserCatcher(MainWindow *window, QueueManager *queue, QObject *parent = nullptr);

    // True when `arguments` came from the browser (handled, or refused with a warning);
    // false for anything else (URLs from `btfilestream URL...`).
    bool take(const QStringList &arguments);

Q_SIGNALS:
    // Downloads started at once (their queue ids).
    void started(const QList<qint64> &ids);

private:
    void startAtOnce(const BrowserRequest &request);

    MainWindow *m_window;
    QueueManager *m_queue;
};

} // namespace ui
} // namespace bt
