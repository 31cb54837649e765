#include "TrayIcon.h"

#include "Format.h"
#include "Icons.h"
#include "MainWindow.h"

#include <QEvent>
#include <QMenu>
#include <QSystemTrayIcon>

namespace bt::ui {

TrayIcon::TrayIcon(MainWindow *window)
    : QObject(window), m_window(window), m_menu(new QMenu(window)),
      m_icon(new QSystemTrayIcon(this)), m_showHide(new QAction(this)), m_idleIcon(appIcon()),
      m_activeIcon(QIcon(QStringLiteral(":/icons/btfilestream-active.svg")))
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_showHide->setObjectName(QStringLiteral("showHide"));
    connect(m_showHide, &QAction::triggered, window, &MainWindow::toggleVisible);
    m_menu->addAction(m_showHide);
    m_menu->addSeparator();
    m_menu->addAction(window->action(QStringLiteral("add")));
    m_menu->addAction(window->action(QStringLiteral("pauseAll")));
    m_menu->addAction(window->action(QStringLiteral("resumeAll")));
    m_menu->addAction(window->action(QStringLiteral("altSpeed")));
    m_menu->addSeparator();
    m_menu->addAction(window->action(QStringLiteral("quit")));
    connect(m_menu, &QMenu::aboutToShow, this, &TrayIcon::updateShowHideText);
    updateShowHideText();

    m_icon->setIcon(m_idleIcon);
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger)
            m_window->toggleVisible();
    });
    setTotals({});
    if (QSystemTrayIcon::isSystemTrayAvailable())
        m_icon->show();
}

TrayIcon::~TrayIcon() = default;

bool TrayIcon::isVisible() const
{
    return QSystemTrayIcon::isSystemTrayAvailable() && m_icon->isVisible();
}

void TrayIcon::updateShowHideText()
{
    m_showHide->setText(m_window->isVisible() ? tr("&Hide Window") : tr("&Show Window"));
}

void TrayIcon::setTotals(const TransferModel::Totals &t)
{
    QString tip = tr("BTFileStream");
    if (t.active > 0 || t.queued > 0) {
        tip += QLatin1Char('\n') +
               tr("Down: %1  Up: %2")
                   .arg(formatSpeed(t.downloadSpeed).isEmpty() ? QStringLiteral("0")
                                                               : formatSpeed(t.downloadSpeed),
                        formatSpeed(t.uploadSpeed).isEmpty() ? QStringLiteral("0")
                                                             : formatSpeed(t.uploadSpeed));
        tip += QLatin1Char('\n') + tr("%n active", nullptr, t.active) + QStringLiteral(", ") +
               tr("%n queued", nullptr, t.queued);
    } else {
        tip += QLatin1Char('\n') + tr("Idle");
    }
    m_toolTip = tip;
    m_icon->setToolTip(tip);
    const bool active = t.active > 0;
    if (active != m_active) {
        m_active = active;
        m_icon->setIcon(active ? m_activeIcon : m_idleIcon);
    }
}

void TrayIcon::notify(const QString &title, const QString &text, bool error)
{
    Q_EMIT notified(title, text, error);
    if (isVisible() && QSystemTrayIcon::supportsMessages())
        m_icon->showMessage(title, text,
                            error ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information, 5000);
}

} // namespace bt::ui
