// MainWindow: uploads of dropped or chosen files to the upload targets of the settings, and
// the targets' credentials (keyring through CredentialStore, or memory for the session).
#include "CredentialStore.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "UploadTargetsPage.h"
#include "queue/QueueManager.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QStatusBar>
#include <QVBoxLayout>

namespace bt::ui {

void MainWindow::setUpCredentials()
{
    connect(m_credentials, &CredentialStore::saved, this, &MainWindow::onSecretSaved);
    // Rows restored from the store start without their secret: the target's, from memory
    // (read from the keyring below, or typed this session). While the keyring read is under
    // way the upload waits for it; started without it, the server would answer 401.
    const auto arrived = [this](const QString &) { m_queue->uploadCredentialsArrived(); };
    m_queue->setUploadCredentialProvider(
        [this, arrived](const TransferRecord &record) -> std::optional<UploadCredentials> {
            UploadCredentials c;
            for (const UploadTarget &t : std::as_const(m_settings.uploadTargets)) {
                if (!t.matches(record) || !t.needsSecret())
                    continue;
                if (!m_credentials->isKnown(t.key)) {
                    m_credentials->read(t.key, arrived);
                    return std::nullopt;
                }
                UploadRequest r;
                t.addSecret(&r, m_credentials->cached(t.key));
                c.user = r.user;
                c.bearerToken = r.bearerToken;
                c.s3AccessKeyId = r.s3AccessKeyId;
                c.s3SecretAccessKey = r.s3SecretAccessKey;
                c.s3SessionToken = r.s3SessionToken;
                break;
            }
            return c;
        });
    for (const UploadTarget &t : std::as_const(m_settings.uploadTargets))
        if (t.needsSecret())
            m_credentials->read(t.key, arrived);
}

void MainWindow::startUploads(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    const QList<UploadTarget> &targets = m_settings.uploadTargets;
    if (targets.isEmpty()) {
        const QString why = tr("There is no upload target yet: add one (its URL and method), "
                               "then drop the files again.");
        statusBar()->showMessage(why, 10000);
        openSettings(why);
        return;
    }
    if (targets.size() == 1) {
        uploadTo(paths, targets.first());
        return;
    }
    // Several: a small dialog asks which (non-modal; the drop returns at once).
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("uploadTargetDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Upload To"));
    auto *list = new QListWidget(dialog);
    for (const UploadTarget &t : targets) {
        auto *item = new QListWidgetItem(t.displayName(), list);
        item->setData(Qt::UserRole, t.key);
        item->setToolTip(t.address().toDisplayString());
    }
    list->setCurrentRow(0);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(new QLabel(tr("Upload %n item(s) to:", nullptr, int(paths.size())), dialog));
    layout->addWidget(list);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(list, &QListWidget::itemActivated, dialog, &QDialog::accept);
    connect(dialog, &QDialog::accepted, this, [this, dialog, list, paths] {
        const QListWidgetItem *item = list->currentItem();
        if (!item)
            return;
        if (const UploadTarget *t = m_settings.uploadTarget(item->data(Qt::UserRole).toString()))
            uploadTo(paths, *t);
        Q_UNUSED(dialog)
    });
    dialog->open();
}

void MainWindow::uploadTo(const QStringList &paths, const UploadTarget &target)
{
    if (m_uploadStarter) {
        QString why;
        if (!m_uploadStarter(paths, target, &why))
            statusBar()->showMessage(tr("Could not start the upload: %1").arg(why), 10000);
        else
            statusBar()->showMessage(tr("Uploading %n item(s)", nullptr, int(paths.size())), 5000);
        return;
    }
    if (!target.needsSecret()) {
        enqueueUploads(paths, target, {});
        return;
    }
    // The secret from memory or the keyring (asynchronous: the keyring may ask the person).
    const QString key = target.key;
    m_credentials->read(key, [this, paths, key](const QString &secret) {
        const UploadTarget *t = m_settings.uploadTarget(key);
        if (!t)
            return;
        if (secret.isEmpty()) {
            const bool missing = m_credentials->keyringMissing();
            QString why;
            if (t->isS3())
                why = missing ? tr("Enter the secret access key for “%1”: it was not saved, "
                                   "because %2.")
                                    .arg(t->displayName(), m_credentials->keyringProblem())
                              : tr("Enter the secret access key for “%1”.").arg(t->displayName());
            else
                why = missing
                          ? tr("Enter the password or token for “%1”: it was not saved, because "
                               "%2.")
                                .arg(t->displayName(), m_credentials->keyringProblem())
                          : tr("Enter the password or token for “%1”.").arg(t->displayName());
            statusBar()->showMessage(why, 10000);
            openSettings(why);
            return;
        }
        enqueueUploads(paths, *t, secret);
    });
}

void MainWindow::enqueueUploads(const QStringList &paths, const UploadTarget &target,
                                const QString &secret)
{
    QString problem;
    QList<UploadRequest> requests = target.requests(paths, &problem);
    if (requests.isEmpty()) {
        statusBar()->showMessage(tr("Could not start the upload: %1").arg(problem), 10000);
        return;
    }
    for (UploadRequest &r : requests) {
        r.retries = m_settings.retries;
        r.stallTimeoutSec = m_settings.stallTimeoutSec;
        target.addSecret(&r, secret);
    }
    Error error;
    const QList<qint64> ids = m_queue->enqueueUploads(requests, &error);
    if (error.isError() || ids.contains(0))
        statusBar()->showMessage(tr("Could not start the upload: %1").arg(error.message), 10000);
    else
        statusBar()->showMessage(tr("Uploading %n item(s) to %1", nullptr, int(requests.size()))
                                     .arg(target.displayName()),
                                 5000);
}

void MainWindow::onSecretSaved(const QString &key, bool inKeyring, const QString &problem)
{
    if (inKeyring)
        return;
    const UploadTarget *t = m_settings.uploadTarget(key);
    const QString name = t ? t->displayName() : QString();
    const QString text =
        tr("The password or token for “%1” is kept in memory until BTFileStream quits. It is "
           "not saved, because %2. Enter it again after a restart, or install a keyring "
           "(GNOME Keyring, KWallet) to keep it.")
            .arg(name, problem);
    statusBar()->showMessage(text, 15000);
    auto *box = findChild<QMessageBox *>(QStringLiteral("credentialsNotSaved"));
    if (!box) {
        box = new QMessageBox(QMessageBox::Warning, tr("Credentials Not Saved"), text,
                              QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("credentialsNotSaved"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    } else {
        box->setText(text);
    }
}

SettingsDialog *MainWindow::openSettings(const QString &uploadMessage)
{
    if (auto *open = findChild<SettingsDialog *>(QStringLiteral("settingsDialog"))) {
        if (!uploadMessage.isEmpty())
            open->showUploadPage(uploadMessage);
        open->raise();
        return open;
    }
    QSet<QString> saved;
    for (const UploadTarget &t : std::as_const(m_settings.uploadTargets))
        if (!m_credentials->cached(t.key).isEmpty())
            saved.insert(t.key);
    auto *dialog = new SettingsDialog(m_settings, this, saved);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("settingsDialog"));
    if (m_credentials->keyringMissing())
        dialog->uploadsPage()->setKeyringNote(
            tr("Passwords and tokens are kept in memory for this session only, because %1.")
                .arg(m_credentials->keyringProblem()));
    if (!uploadMessage.isEmpty())
        dialog->showUploadPage(uploadMessage);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { acceptSettings(dialog); });
    dialog->open();
    return dialog;
}

void MainWindow::acceptSettings(SettingsDialog *dialog)
{
    const QString oldFolder = m_settings.downloadFolder;
    m_settings = dialog->settings();
    // A new download folder in the settings is the add dialog's default again.
    if (m_settings.downloadFolder != oldFolder)
        m_settings.lastAddFolder.clear();
    m_settings.save(); // targets without their secrets
    const UploadTargetsPage *page = dialog->uploadsPage();
    for (const QString &key : page->removedKeys())
        m_credentials->forget(key);
    const QHash<QString, QString> secrets = page->secrets();
    for (auto it = secrets.cbegin(); it != secrets.cend(); ++it) {
        const UploadTarget *t = m_settings.uploadTarget(it.key());
        if (t && t->needsSecret())
            m_credentials->save(it.key(), it.value());
    }
    applySettings();
}

} // namespace bt::ui
