#pragma once

#include "FolderRules.h"
#include "ipc/BrowserRequest.h"
#include "model/DownloadRequest.h"

#include <QDialog>
#include <QList>
#include <QUrl>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QSpinBox;
class QToolButton;

namespace bt::ui {

struct AppSettings;

// Several URLs (one a line), destination folder (the last one that worked, else the
// settings' download folder), file name (one URL only),
// connections, expected checksum, start paused. Validates as a person types: OK stays
// disabled and a line says why. With auto-folder rules on, each file whose name is known from
// its URL (or the name box) goes into its type's sub-folder of the chosen folder.
class AddDownloadDialog : public QDialog
{
    Q_OBJECT
public:
    AddDownloadDialog(const AppSettings &settings, QWidget *parent = nullptr);

    // Fills the URL box (from a drop, the command line, or the clipboard).
    void setUrls(const QList<QUrl> &urls);
    // A download the browser handed over: its link (and suggested name), or for several
    // links a list to tick; each request carries the browser's cookies, agent and referrer.
    void setBrowserRequest(const BrowserRequest &request);
    // The clipboard's links, if it holds any (http, https, ftp).
    static QList<QUrl> linksFromText(const QString &text);

    QList<QUrl> urls() const;
    // Downloads go to a daemon's machine: `folder` is its default (its -d), the folder is not
    // looked at or browsed here (the daemon checks it) and no auto-folder rules apply.
    void setRemoteFolder(const QString &folder);
    QString folder() const;
    // The person chose another folder than the one the dialog opened with.
    bool folderChanged() const;
    // Why downloads cannot go to `path` (a part of it is a file, not writable); empty if ok.
    static QString folderProblem(const QString &path);
    bool startPaused() const;
    // The requests the person asked for, from `base` (the settings' defaults), each in its
    // folder (the chosen one, or a sub-folder by the auto-folder rules).
    QList<DownloadRequest> requests(const DownloadRequest &base) const;
    // The folder a URL's file goes to (the auto-folder rules applied).
    QString folderFor(const QUrl &url) const;
    // Empty when the input is acceptable, else the reason shown.
    QString problem() const;

    QPlainTextEdit *urlEdit() const { return m_urls; }
    QListWidget *linkList() const { return m_links; }
    QLineEdit *folderEdit() const { return m_folder; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *checksumEdit() const { return m_checksum; }
    QSpinBox *connectionsBox() const { return m_connections; }
    QCheckBox *pausedBox() const { return m_paused; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    QLabel *problemLabel() const { return m_problem; }
    QLabel *sortLabel() const { return m_sort; }
    // "N URLs:" and the first lines of what the patterns ([001-120], {a,b}) expand to.
    QLabel *previewLabel() const { return m_preview; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void validate();
    // Each line, its pattern expanded (curl's globbing, http::UrlPattern); empty and *error
    // set when a pattern is malformed or gives too many URLs.
    QStringList expandedLines(QString *error = nullptr) const;
    void browse();

    QFormLayout *m_form;
    QToolButton *m_browse = nullptr;
    bool m_remote = false;
    QPlainTextEdit *m_urls;
    QListWidget *m_links;
    QLineEdit *m_folder;
    QLineEdit *m_name;
    QSpinBox *m_connections;
    QLineEdit *m_checksum;
    QCheckBox *m_paused;
    QLabel *m_problem;
    QLabel *m_sort;
    QLabel *m_preview;
    QDialogButtonBox *m_buttons;
    QString m_initialFolder;
    bool m_autoFolders;
    QList<FolderRule> m_rules;
    std::optional<BrowserRequest> m_browser;
};

} // namespace bt::ui
