#pragma once

#include "UploadTarget.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace bt::ui {

// The settings page of upload targets: a list, and the selected target's name, URL, method
// (+ POST field), folder mode and credentials; for an S3 target its endpoint, region, bucket,
// key prefix, addressing, part size and access key. Secrets typed here go to the window's
// CredentialStore (secrets(); S3: the secret access key and session token packed as one),
// never to AppSettings.
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
    QLineEdit *s3EndpointEdit() const { return m_s3Endpoint; }
    QLineEdit *s3RegionEdit() const { return m_s3Region; }
    QLineEdit *s3BucketEdit() const { return m_s3Bucket; }
    QLineEdit *s3PrefixEdit() const { return m_s3Prefix; }
    QComboBox *s3AddressingBox() const { return m_s3Addressing; }
    QSpinBox *s3PartSizeBox() const { return m_s3PartSize; } // MiB, 0: automatic
    QLineEdit *s3KeyIdEdit() const { return m_s3KeyId; }
    QLineEdit *s3SecretEdit() const { return m_s3Secret; }
    QLineEdit *s3TokenEdit() const { return m_s3Token; }

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
    QSet<QString> m_tokenWithoutSecret; // S3: a session token typed, its secret not
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
    QLineEdit *m_s3Endpoint;
    QLineEdit *m_s3Region;
    QLineEdit *m_s3Bucket;
    QLineEdit *m_s3Prefix;
    QComboBox *m_s3Addressing;
    QSpinBox *m_s3PartSize;
    QLineEdit *m_s3KeyId;
    QLineEdit *m_s3Secret;
    QLineEdit *m_s3Token;
    QFormLayout *m_form;
    QLabel *m_message;
    QLabel *m_keyring;
};

} // namespace bt::ui
