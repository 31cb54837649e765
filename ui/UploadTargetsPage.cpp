#include "UploadTargetsPage.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace bt::ui {

UploadTargetsPage::UploadTargetsPage(const QList<UploadTarget> &targets,
                                     const QSet<QString> &savedSecrets, QWidget *parent)
    : QWidget(parent), m_targets(targets), m_saved(savedSecrets), m_list(new QListWidget(this)),
      m_add(new QPushButton(tr("&Add"), this)), m_remove(new QPushButton(tr("Remo&ve"), this)),
      m_name(new QLineEdit(this)), m_url(new QLineEdit(this)), m_method(new QComboBox(this)),
      m_field(new QLineEdit(this)), m_folders(new QComboBox(this)), m_auth(new QComboBox(this)),
      m_user(new QLineEdit(this)), m_secret(new QLineEdit(this)), m_message(new QLabel(this)),
      m_keyring(new QLabel(this))
{
    m_list->setObjectName(QStringLiteral("uploadTargets"));
    m_url->setPlaceholderText(tr("https://example.org/files/"));
    m_method->addItem(tr("tus (resumable)"), int(UploadRequest::Method::Tus));
    m_method->addItem(tr("HTTP PUT / WebDAV"), int(UploadRequest::Method::Put));
    m_method->addItem(tr("Multipart POST"), int(UploadRequest::Method::Post));
    m_method->addItem(tr("FTP, FTPS or SFTP (resumable)"), int(UploadRequest::Method::Ftp));
    m_folders->addItem(tr("Archive (tar.gz)"), QStringLiteral("tar.gz"));
    m_folders->addItem(tr("Archive (tar.zst)"), QStringLiteral("tar.zst"));
    m_folders->addItem(tr("Archive (zip)"), QStringLiteral("zip"));
    m_folders->addItem(tr("Folder tree (WebDAV: one PUT a file)"), QStringLiteral("tree"));
    m_auth->addItem(tr("None"), int(UploadTarget::Auth::None));
    m_auth->addItem(tr("User and password (Basic)"), int(UploadTarget::Auth::Basic));
    m_auth->addItem(tr("Token (Bearer)"), int(UploadTarget::Auth::Bearer));
    m_secret->setEchoMode(QLineEdit::Password);
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("uploadMessage"));
    m_message->hide();
    m_keyring->setWordWrap(true);
    m_keyring->setObjectName(QStringLiteral("keyringNote"));
    m_keyring->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    auto *form = new QFormLayout;
    form->addRow(tr("Na&me:"), m_name);
    form->addRow(tr("UR&L:"), m_url);
    form->addRow(tr("Me&thod:"), m_method);
    form->addRow(tr("POST fi&eld name:"), m_field);
    form->addRow(tr("F&olders:"), m_folders);
    form->addRow(tr("&Credentials:"), m_auth);
    form->addRow(tr("Use&r:"), m_user);
    form->addRow(tr("&Password or token:"), m_secret);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addLayout(form);
    layout->addWidget(m_keyring);

    for (const UploadTarget &t : std::as_const(m_targets))
        m_list->addItem(t.displayName());
    connect(m_add, &QPushButton::clicked, this, &UploadTargetsPage::addTarget);
    connect(m_remove, &QPushButton::clicked, this, &UploadTargetsPage::removeTarget);
    connect(m_list, &QListWidget::currentRowChanged, this, &UploadTargetsPage::showTarget);
    for (QLineEdit *e : {m_name, m_url, m_field, m_user, m_secret})
        connect(e, &QLineEdit::textChanged, this, &UploadTargetsPage::storeFields);
    for (QComboBox *c : {m_method, m_folders, m_auth})
        connect(c, &QComboBox::currentIndexChanged, this, &UploadTargetsPage::storeFields);
    m_list->setCurrentRow(m_targets.isEmpty() ? -1 : 0);
    showTarget(m_list->currentRow());
}

QString UploadTargetsPage::problem() const
{
    for (const UploadTarget &t : m_targets) {
        if (!t.isValid())
            return t.method == UploadRequest::Method::Ftp
                       ? tr("The upload target “%1” needs an ftp, ftps or sftp URL without a "
                            "password (give it below: it goes to the keyring).")
                             .arg(t.displayName())
                       : tr("The upload target “%1” needs an http or https URL.")
                             .arg(t.displayName());
        if (t.folderMode == QLatin1String("tree") && t.method != UploadRequest::Method::Put)
            return tr("Folders as a tree need HTTP PUT / WebDAV (“%1”).").arg(t.displayName());
        if (t.auth == UploadTarget::Auth::Basic && t.user.isEmpty())
            return tr("Enter the user name for “%1”.").arg(t.displayName());
    }
    return {};
}

void UploadTargetsPage::setMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void UploadTargetsPage::setKeyringNote(const QString &text)
{
    m_keyring->setText(text);
    m_keyring->setVisible(!text.isEmpty());
}

void UploadTargetsPage::addTarget()
{
    UploadTarget t;
    t.key = UploadTarget::newKey();
    t.name = tr("Target %1").arg(m_targets.size() + 1);
    m_targets.append(t);
    m_list->addItem(t.displayName());
    m_list->setCurrentRow(int(m_targets.size()) - 1);
    m_url->setFocus();
    Q_EMIT changed();
}

void UploadTargetsPage::removeTarget()
{
    const int row = m_list->currentRow();
    if (row < 0 || row >= m_targets.size())
        return;
    m_removed.append(m_targets.at(row).key);
    m_secrets.remove(m_targets.at(row).key);
    m_targets.removeAt(row);
    m_current = -1; // the fields belong to the removed one
    delete m_list->takeItem(row);
    showTarget(m_list->currentRow());
    Q_EMIT changed();
}

void UploadTargetsPage::showTarget(int row)
{
    m_current = row;
    m_loading = true;
    const bool valid = row >= 0 && row < m_targets.size();
    const UploadTarget t = valid ? m_targets.at(row) : UploadTarget{};
    m_name->setText(t.name);
    m_url->setText(t.url.toString());
    m_method->setCurrentIndex(qMax(0, m_method->findData(int(t.method))));
    m_field->setText(t.postField);
    m_folders->setCurrentIndex(qMax(0, m_folders->findData(t.folderMode)));
    m_auth->setCurrentIndex(qMax(0, m_auth->findData(int(t.auth))));
    m_user->setText(t.user);
    m_secret->setText(m_secrets.value(t.key));
    m_secret->setPlaceholderText(valid && m_saved.contains(t.key) ? tr("(saved)") : QString());
    m_loading = false;
    updateEnabled();
}

void UploadTargetsPage::storeFields()
{
    updateEnabled();
    if (m_loading || m_current < 0 || m_current >= m_targets.size())
        return;
    UploadTarget &t = m_targets[m_current];
    t.name = m_name->text().trimmed();
    t.url = QUrl(m_url->text().trimmed(), QUrl::StrictMode);
    t.method = UploadRequest::Method(m_method->currentData().toInt());
    t.postField = m_field->text().trimmed();
    t.folderMode = m_folders->currentData().toString();
    t.auth = UploadTarget::Auth(m_auth->currentData().toInt());
    t.user = m_user->text().trimmed();
    if (!m_secret->text().isEmpty())
        m_secrets.insert(t.key, m_secret->text());
    else
        m_secrets.remove(t.key);
    if (QListWidgetItem *item = m_list->item(m_current))
        item->setText(t.displayName());
    Q_EMIT changed();
}

void UploadTargetsPage::updateEnabled()
{
    const bool any = m_current >= 0;
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_name, m_url, m_method, m_folders, m_auth, m_remove})
        w->setEnabled(any);
    const auto method = UploadRequest::Method(m_method->currentData().toInt());
    const auto auth = UploadTarget::Auth(m_auth->currentData().toInt());
    m_field->setEnabled(any && method == UploadRequest::Method::Post);
    m_user->setEnabled(any && auth == UploadTarget::Auth::Basic);
    m_secret->setEnabled(any && auth != UploadTarget::Auth::None);
}

} // namespace bt::ui
