#include "UploadTargetsPage.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace bt::ui {

namespace {
constexpr qint64 kMiB = 1 << 20;
}

UploadTargetsPage::UploadTargetsPage(const QList<UploadTarget> &targets,
                                     const QSet<QString> &savedSecrets, QWidget *parent)
    : QWidget(parent), m_targets(targets), m_saved(savedSecrets), m_list(new QListWidget(this)),
      m_add(new QPushButton(tr("&Add"), this)), m_remove(new QPushButton(tr("Remo&ve"), this)),
      m_name(new QLineEdit(this)), m_url(new QLineEdit(this)), m_method(new QComboBox(this)),
      m_field(new QLineEdit(this)), m_folders(new QComboBox(this)), m_auth(new QComboBox(this)),
      m_user(new QLineEdit(this)), m_secret(new QLineEdit(this)), m_s3Endpoint(new QLineEdit(this)),
      m_s3Region(new QLineEdit(this)), m_s3Bucket(new QLineEdit(this)),
      m_s3Prefix(new QLineEdit(this)), m_s3Addressing(new QComboBox(this)),
      m_s3PartSize(new QSpinBox(this)), m_s3KeyId(new QLineEdit(this)),
      m_s3Secret(new QLineEdit(this)), m_s3Token(new QLineEdit(this)), m_form(new QFormLayout),
      m_message(new QLabel(this)), m_keyring(new QLabel(this))
{
    m_list->setObjectName(QStringLiteral("uploadTargets"));
    m_url->setPlaceholderText(tr("https://example.org/files/"));
    m_method->addItem(tr("tus (resumable)"), int(UploadRequest::Method::Tus));
    m_method->addItem(tr("HTTP PUT / WebDAV"), int(UploadRequest::Method::Put));
    m_method->addItem(tr("Multipart POST"), int(UploadRequest::Method::Post));
    m_method->addItem(tr("FTP, FTPS or SFTP (resumable)"), int(UploadRequest::Method::Ftp));
    m_method->addItem(tr("S3 (AWS, MinIO, Ceph, R2...)"), int(UploadRequest::Method::S3));
    m_folders->addItem(tr("Archive (tar.gz)"), QStringLiteral("tar.gz"));
    m_folders->addItem(tr("Archive (tar.zst)"), QStringLiteral("tar.zst"));
    m_folders->addItem(tr("Archive (zip)"), QStringLiteral("zip"));
    m_folders->addItem(tr("Folder tree (WebDAV: one PUT a file)"), QStringLiteral("tree"));
    m_auth->addItem(tr("None"), int(UploadTarget::Auth::None));
    m_auth->addItem(tr("User and password (Basic)"), int(UploadTarget::Auth::Basic));
    m_auth->addItem(tr("Token (Bearer)"), int(UploadTarget::Auth::Bearer));
    m_secret->setEchoMode(QLineEdit::Password);
    m_s3Endpoint->setPlaceholderText(tr("AWS; or e.g. https://minio.example.org:9000"));
    m_s3Region->setPlaceholderText(tr("us-east-1"));
    m_s3Bucket->setPlaceholderText(tr("my-bucket"));
    m_s3Prefix->setPlaceholderText(tr("none: files go to the top; e.g. backups/2026"));
    m_s3Addressing->addItem(tr("Automatic (path-style for an endpoint, else virtual-hosted)"),
                            int(UploadRequest::S3Addressing::Auto));
    m_s3Addressing->addItem(tr("Path-style (ENDPOINT/BUCKET/KEY)"),
                            int(UploadRequest::S3Addressing::Path));
    m_s3Addressing->addItem(tr("Virtual-hosted (BUCKET.ENDPOINT/KEY)"),
                            int(UploadRequest::S3Addressing::VirtualHosted));
    m_s3PartSize->setRange(0, 5 * 1024);
    m_s3PartSize->setSuffix(tr(" MiB"));
    m_s3PartSize->setSpecialValueText(tr("Automatic (8 MiB and up)"));
    m_s3KeyId->setPlaceholderText(tr("none: the AWS setup's (~/.aws, AWS_* variables)"));
    m_s3Secret->setEchoMode(QLineEdit::Password);
    m_s3Token->setEchoMode(QLineEdit::Password);
    m_s3Token->setPlaceholderText(tr("only for temporary credentials"));
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
    m_form->addRow(tr("Na&me:"), m_name);
    m_form->addRow(tr("Me&thod:"), m_method);
    m_form->addRow(tr("UR&L:"), m_url);
    m_form->addRow(tr("POST fi&eld name:"), m_field);
    m_form->addRow(tr("F&olders:"), m_folders);
    m_form->addRow(tr("&Credentials:"), m_auth);
    m_form->addRow(tr("Use&r:"), m_user);
    m_form->addRow(tr("&Password or token:"), m_secret);
    // The S3 rows replace the HTTP ones: their mnemonics differ from the visible rows', the
    // tabs' and the buttons'.
    m_form->addRow(tr("&Endpoint URL:"), m_s3Endpoint);
    m_form->addRow(tr("Re&gion:"), m_s3Region);
    m_form->addRow(tr("&Bucket:"), m_s3Bucket);
    m_form->addRow(tr("Key &prefix:"), m_s3Prefix);
    m_form->addRow(tr("Add&ressing:"), m_s3Addressing);
    m_form->addRow(tr("Part si&ze:"), m_s3PartSize);
    m_form->addRow(tr("Access &key ID:"), m_s3KeyId);
    m_form->addRow(tr("Secret access ke&y:"), m_s3Secret);
    m_form->addRow(tr("Sess&ion token:"), m_s3Token);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addLayout(m_form);
    layout->addWidget(m_keyring);

    for (const UploadTarget &t : std::as_const(m_targets))
        m_list->addItem(t.displayName());
    connect(m_add, &QPushButton::clicked, this, &UploadTargetsPage::addTarget);
    connect(m_remove, &QPushButton::clicked, this, &UploadTargetsPage::removeTarget);
    connect(m_list, &QListWidget::currentRowChanged, this, &UploadTargetsPage::showTarget);
    for (QLineEdit *e : {m_name, m_url, m_field, m_user, m_secret, m_s3Endpoint, m_s3Region,
                         m_s3Bucket, m_s3Prefix, m_s3KeyId, m_s3Secret, m_s3Token})
        connect(e, &QLineEdit::textChanged, this, &UploadTargetsPage::storeFields);
    for (QComboBox *c : {m_method, m_folders, m_auth, m_s3Addressing})
        connect(c, &QComboBox::currentIndexChanged, this, &UploadTargetsPage::storeFields);
    connect(m_s3PartSize, &QSpinBox::valueChanged, this, &UploadTargetsPage::storeFields);
    m_list->setCurrentRow(m_targets.isEmpty() ? -1 : 0);
    showTarget(m_list->currentRow());
}

QString UploadTargetsPage::problem() const
{
    for (const UploadTarget &t : m_targets) {
        if (const QString why = t.problem(); !why.isEmpty())
            return why;
        if (t.isS3() && m_tokenWithoutSecret.contains(t.key))
            return tr("Enter the secret access key of “%1” with its session token.")
                .arg(t.displayName());
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
    m_tokenWithoutSecret.remove(m_targets.at(row).key);
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
    m_s3Endpoint->setText(t.s3Endpoint);
    m_s3Region->setText(t.s3Region);
    m_s3Bucket->setText(t.s3Bucket);
    m_s3Prefix->setText(t.s3Prefix);
    m_s3Addressing->setCurrentIndex(qMax(0, m_s3Addressing->findData(int(t.s3Addressing))));
    m_s3PartSize->setValue(int(t.s3PartSize / kMiB));
    m_s3KeyId->setText(t.s3AccessKeyId);
    const QString secret = m_secrets.value(t.key);
    const QString saved = valid && m_saved.contains(t.key) ? tr("(saved)") : QString();
    if (t.isS3()) {
        QString key;
        QString token;
        UploadTarget::unpackS3Secret(secret, &key, &token);
        m_s3Secret->setText(key);
        m_s3Token->setText(token);
        m_secret->clear();
    } else {
        m_secret->setText(secret);
        m_s3Secret->clear();
        m_s3Token->clear();
    }
    m_secret->setPlaceholderText(saved);
    m_s3Secret->setPlaceholderText(saved);
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
    t.s3Endpoint = m_s3Endpoint->text().trimmed();
    t.s3Region = m_s3Region->text().trimmed();
    t.s3Bucket = m_s3Bucket->text().trimmed();
    t.s3Prefix = m_s3Prefix->text().trimmed();
    t.s3Addressing = UploadRequest::S3Addressing(m_s3Addressing->currentData().toInt());
    t.s3PartSize = m_s3PartSize->value() * kMiB;
    t.s3AccessKeyId = m_s3KeyId->text().trimmed();
    const QString secret =
        t.isS3() ? UploadTarget::packS3Secret(m_s3Secret->text(), m_s3Token->text().trimmed())
                 : m_secret->text();
    if (!secret.isEmpty())
        m_secrets.insert(t.key, secret);
    else
        m_secrets.remove(t.key);
    if (t.isS3() && m_s3Secret->text().isEmpty() && !m_s3Token->text().trimmed().isEmpty())
        m_tokenWithoutSecret.insert(t.key);
    else
        m_tokenWithoutSecret.remove(t.key);
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
    const bool s3 = method == UploadRequest::Method::S3;
    m_field->setEnabled(any && method == UploadRequest::Method::Post);
    m_user->setEnabled(any && auth == UploadTarget::Auth::Basic);
    m_secret->setEnabled(any && auth != UploadTarget::Auth::None);
    // One set of fields a kind: S3 has no URL, method of its own or Basic/Bearer credentials.
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_url, m_field, m_folders, m_auth, m_user, m_secret})
        m_form->setRowVisible(w, !s3);
    for (QWidget *w : std::initializer_list<QWidget *>{m_s3Endpoint, m_s3Region, m_s3Bucket,
                                                       m_s3Prefix, m_s3Addressing, m_s3PartSize,
                                                       m_s3KeyId, m_s3Secret, m_s3Token}) {
        m_form->setRowVisible(w, s3);
        w->setEnabled(any);
    }
    const bool key = !m_s3KeyId->text().trimmed().isEmpty();
    m_s3Secret->setEnabled(any && key);
    m_s3Token->setEnabled(any && key);
}

} // namespace bt::ui
