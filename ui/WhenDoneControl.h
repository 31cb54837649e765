#pragma once

#include "queue/WhenAllDone.h"

#include <QObject>
#include <QPointer>

class QActionGroup;
class QMenu;
class QMessageBox;
class QWidget;

namespace bt {
class QueueManager;
}

namespace bt::ui {

// Queue > When All Is Done: the choice (nothing, quit, suspend, power off, run a command), the
// 30-second notice with a Cancel button, and carrying it out: quit through quitRequested(),
// suspend and power off through logind's D-Bus API (org.freedesktop.login1.Manager), a
// command through WhenAllDone (no shell). The choice lasts until the program quits.
class WhenDoneControl : public QObject
{
    Q_OBJECT
public:
    WhenDoneControl(QueueManager *queue, QWidget *window);
    QMenu *menu() const { return m_menu; }
    WhenAllDone *decision() { return &m_decision; }

Q_SIGNALS:
    void quitRequested();
    void message(const QString &text); // for the status bar

private:
    void choose(WhenAllDone::Action action);
    void showNotice(WhenAllDone::Action action);
    void updateNotice();
    void carryOut(WhenAllDone::Action action);
    QString describe(WhenAllDone::Action action) const;

    QWidget *m_window;
    WhenAllDone m_decision;
    QMenu *m_menu;
    QActionGroup *m_group;
    QPointer<QMessageBox> m_notice;
};

} // namespace bt::ui
