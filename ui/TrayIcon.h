#pragma once

#include "TransferModel.h"

#include <QIcon>
#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace bt::ui {

class MainWindow;

// The tray icon: a menu (show/hide, add URL, pause all, resume all, alternative speed limit,
// quit), a tooltip with the totals, an icon that shows activity, and notifications.
// The menu exists (and its actions work) even where no tray is available.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    explicit TrayIcon(MainWindow *window);
    ~TrayIcon() override;

    QMenu *menu() const { return m_menu; }
    QSystemTrayIcon *icon() const { return m_icon; }
    // A tray is there and the icon is shown (close-to-tray makes sense).
    bool isVisible() const;
    void setTotals(const TransferModel::Totals &totals);
    QString toolTip() const { return m_toolTip; }
    void notify(const QString &title, const QString &text, bool error);

Q_SIGNALS:
    // Every notification, shown or not (no tray, no notification service).
    void notified(const QString &title, const QString &text, bool error);

private:
    void updateShowHideText();

    MainWindow *m_window;
    QMenu *m_menu;
    QSystemTrayIcon *m_icon;
    QAction *m_showHide;
    QIcon m_idleIcon;
    QIcon m_activeIcon;
    QString m_toolTip;
    bool m_active = false;
};

} // namespace bt::ui
