#include "WhenDoneControl.h"

#include <QAction>
#include <QActionGroup>
#include <QDBusConnection>
#include <QDBusInterface>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>

namespace bt::ui {

WhenDoneControl::WhenDoneControl(QueueManager *queue, QWidget *window)
    : QObject(window), m_window(window), m_menu(new QMenu(tr("When All Is &Done"), window)),
      m_group(new QActionGroup(this))
{
    m_decision.watch(queue);
    const std::pair<WhenAllDone::Action, QString> choices[] = {
        {WhenAllDone::Action::Nothing, tr("Do &Nothing")},
        {WhenAllDone::Action::Quit, tr("&Quit")},
        {WhenAllDone::Action::Suspend, tr("&Suspend")},
        {WhenAllDone::Action::PowerOff, tr("&Power Off")},
        {WhenAllDone::Action::RunCommand, tr("Run a &Command…")},
    };
    for (const auto &[action, text] : choices) {
        QAction *a = m_menu->addAction(text);
        a->setCheckable(true);
        a->setChecked(action == WhenAllDone::Action::Nothing);
        a->setObjectName(QStringLiteral("whenDone%1").arg(int(action)));
        m_group->addAction(a);
        connect(a, &QAction::triggered, this, [this, action = action] { choose(action); });
    }
    connect(&m_decision, &WhenAllDone::noticeStarted, this, &WhenDoneControl::showNotice);
    connect(&m_decision, &WhenAllDone::noticeCancelled, this, [this] {
        if (m_notice)
            m_notice->close();
    });
    connect(&m_decision, &WhenAllDone::due, this, &WhenDoneControl::carryOut);
    connect(&m_decision, &WhenAllDone::commandFailed, this, [this](const QString &error) {
        if (m_notice)
            m_notice->close();
        Q_EMIT message(tr("When all is done: %1").arg(error));
    });
}

void WhenDoneControl::choose(WhenAllDone::Action action)
{
    QString command;
    if (action == WhenAllDone::Action::RunCommand) {
        bool ok = false;
        command = QInputDialog::getText(m_window, tr("When All Is Done"),
                                        tr("Command to run (no shell; double quotes group words):"),
                                        QLineEdit::Normal, m_decision.command(), &ok);
        if (!ok || command.trimmed().isEmpty()) {
            m_group->actions().at(int(m_decision.action()))->setChecked(true);
            return;
        }
    }
    m_decision.setAction(action, command.trimmed());
}

QString WhenDoneControl::describe(WhenAllDone::Action action) const
{
    switch (action) {
    case WhenAllDone::Action::Quit:
        return tr("BTFileStream quits");
    case WhenAllDone::Action::Suspend:
        return tr("the computer suspends");
    case WhenAllDone::Action::PowerOff:
        return tr("the computer powers off");
    case WhenAllDone::Action::RunCommand:
        return tr("\"%1\" runs").arg(m_decision.command());
    case WhenAllDone::Action::Nothing:
        break;
    }
    return {};
}

void WhenDoneControl::showNotice(WhenAllDone::Action)
{
    if (!m_notice) {
        m_notice = new QMessageBox(QMessageBox::Information, tr("All Transfers Are Done"), {},
                                   QMessageBox::Cancel, m_window);
        m_notice->setObjectName(QStringLiteral("whenDoneNotice"));
        m_notice->setAttribute(Qt::WA_DeleteOnClose);
        m_notice->setModal(false);
        connect(m_notice, &QMessageBox::rejected, &m_decision, &WhenAllDone::cancel);
        auto *timer = new QTimer(m_notice);
        connect(timer, &QTimer::timeout, this, &WhenDoneControl::updateNotice);
        timer->start(500);
    }
    updateNotice();
    m_notice->show();
    m_notice->raise();
}

void WhenDoneControl::updateNotice()
{
    if (!m_notice)
        return;
    const qint64 seconds = (m_decision.remainingMs() + 999) / 1000;
    m_notice->setText(tr("All transfers are done: in %n second(s) %1.", nullptr, int(seconds))
                          .arg(describe(m_decision.action())));
}

void WhenDoneControl::carryOut(WhenAllDone::Action action)
{
    if (m_notice) {
        m_notice->disconnect(&m_decision); // closing it now is no cancel
        m_notice->close();
    }
    const char *method = nullptr;
    switch (action) {
    case WhenAllDone::Action::Quit:
        Q_EMIT quitRequested();
        return;
    case WhenAllDone::Action::Suspend:
        method = "Suspend";
        break;
    case WhenAllDone::Action::PowerOff:
        method = "PowerOff";
        break;
    case WhenAllDone::Action::RunCommand:
    case WhenAllDone::Action::Nothing:
        return;
    }
    // logind decides with polkit; `false`: no interactive authentication prompt.
    QDBusInterface login1(
        QStringLiteral("org.freedesktop.login1"), QStringLiteral("/org/freedesktop/login1"),
        QStringLiteral("org.freedesktop.login1.Manager"), QDBusConnection::systemBus());
    if (!login1.isValid()) {
        Q_EMIT message(
            tr("Cannot reach logind on the system bus: %1").arg(login1.lastError().message()));
        return;
    }
    auto *watcher =
        new QDBusPendingCallWatcher(login1.asyncCall(QLatin1String(method), false), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        const QDBusPendingReply<> reply = *w;
        if (reply.isError())
            Q_EMIT message(tr("logind refused: %1").arg(reply.error().message()));
        w->deleteLater();
    });
}

} // namespace bt::ui
