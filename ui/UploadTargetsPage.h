#pragma once

#include "UploadTarget.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace bt::ui {

// The settings page of upload targets: a list, and the selected target's name, URL, method
// (+ POST field), folder mode and credentials. Secrets typed here go to the window's
// CredentialStore (secrets()), never to AppSettings.
class UploadTargetsPage : public QWidget
{
    Q_OBJECT
public:
    // `savedSecrets`: the keys whose secret is known (shown as "saved" rather than empty).
    UploadTargetsPage(const QList<UploadTarget> &targets, const QSet<QString> &savedSecrets,
                      QWidget *parent = nullptr);

    QList<UploadTarget> targets() const { return m_targets; }
    QHash<QString, QString> secrets() const { return m_secrets; } // key -> typed secret
    QStringList removedKeys() const { return m_removed; }
    QString problem() const;                  // empty when every target is usable
    void setMessage(const QString &text);     // why the page was opened
    void setKeyringNote(const QString &text); // where secrets are kept

    QListWidget *list() const { return m_list; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *removeButton() const { return m_remove; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *urlEdit() const { return m_url; }
    QComboBox *methodBox() const { return m_method; }
    QLineEdit *fieldEdit() const { return m_field; }
    QComboBox *foldersBox() const { return m_folders; }
    QComboBox *authBox() const { return m_auth; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *secretEdit() const { return m_secret; }
    QLabel *messageLabel() const { return m_message; }

Q_SIGNALS:
    void changed();

private:
    void addTarget();
    void removeTarget();
    void showTarget(int row);
    void storeFields();
    void updateEnabled();

    QList<UploadTarget> m_targets;
    QHash<QString, QString> m_secrets;
    QSet<QString> m_saved;
    QStringList m_removed;
    int m_current = -1;
    bool m_loading = false;
    QListWidget *m_list;
    QPushButton *m_add;
    QPushButton *m_remove;
    QLineEdit *m_name;
    QLineEdit *m_url;
    QComboBox *m_method;
    QLineEdit *m_field;
    QComboBox *m_folders;
    QComboBox *m_auth;
    QLineEdit *m_user;
    QLineEdit *m_secret;
    QLabel *m_message;
    QLabel *m_keyring;
};

} // namespace bt::ui
