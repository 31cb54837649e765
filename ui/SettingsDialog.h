#pragma once

#include "AppSettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace bt::ui {

class UploadTargetsPage;

// Edits AppSettings; the window saves them and applies them to the queue on OK.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // `savedSecrets`: the upload targets whose secret is known (see UploadTargetsPage).
    SettingsDialog(const AppSettings &settings, QWidget *parent = nullptr,
                   const QSet<QString> &savedSecrets = {});

    AppSettings settings() const;

    // Speeds are edited in KiB/s (0 = unlimited).
    QSpinBox *maxActiveBox() const { return m_maxActive; }
    QSpinBox *maxPerHostBox() const { return m_maxPerHost; }
    QLabel *perHostHint() const { return m_perHostHint; }
    QSpinBox *downloadLimitBox() const { return m_downLimit; }
    QCheckBox *closeToTrayBox() const { return m_closeToTray; }
    QLineEdit *folderEdit() const { return m_folder; }
    QLineEdit *scheduleEdit() const { return m_schedule; }
    QCheckBox *scheduleBox() const { return m_scheduleOn; }
    QCheckBox *extractBox() const { return m_extract; }
    QCheckBox *openFolderBox() const { return m_openFolder; }
    QCheckBox *autoFoldersBox() const { return m_autoFolders; }
    // One row a category: name, extensions (editable), folder (editable).
    QTableWidget *rulesTable() const { return m_rules; }
    UploadTargetsPage *uploadsPage() const { return m_uploads; }
    // Shows the upload targets page with a message saying why (no target yet...).
    void showUploadPage(const QString &message = {});

private:
    QWidget *downloadsPage();
    QWidget *speedPage();
    QWidget *networkPage();
    QWidget *windowPage();
    QWidget *filesPage();
    QList<FolderRule> rules() const;
    void validate();

    AppSettings m_base;
    QLineEdit *m_folder;
    QSpinBox *m_maxActive;
    QSpinBox *m_maxPerHost;
    QSpinBox *m_connections;
    QCheckBox *m_sha256;
    QSpinBox *m_retries;
    QSpinBox *m_timeout;
    QSpinBox *m_downLimit;
    QSpinBox *m_upLimit;
    QSpinBox *m_altDownLimit;
    QSpinBox *m_altUpLimit;
    QCheckBox *m_scheduleOn;
    QLineEdit *m_schedule;
    QLineEdit *m_proxy;
    UploadTargetsPage *m_uploads;
    QTabWidget *m_tabs = nullptr;
    QCheckBox *m_closeToTray;
    QCheckBox *m_clipboard;
    QCheckBox *m_extract;
    QCheckBox *m_openFolder;
    QCheckBox *m_autoFolders;
    QTableWidget *m_rules;
    QDialogButtonBox *m_buttons;
    QLabel *m_problem;
    QLabel *m_perHostHint;
};

} // namespace bt::ui
