#include "AddDownloadDialog.h"

#include "AppSettings.h"
#include "Icons.h"
#include "http/DigestHeader.h"
#include "http/UrlPattern.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QToolButton>
#include <algorithm>

namespace bt::ui {

AddDownloadDialog::AddDownloadDialog(const AppSettings &settings, QWidget *parent)
    : QDialog(parent), m_form(new QFormLayout), m_urls(new QPlainTextEdit(this)),
      m_links(new QListWidget(this)), m_folder(new QLineEdit(this)), m_name(new QLineEdit(this)),
      m_connections(new QSpinBox(this)), m_checksum(new QLineEdit(this)),
      m_paused(new QCheckBox(tr("Start &paused"), this)), m_problem(new QLabel(this)),
      m_sort(new QLabel(this)), m_preview(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)),
      m_autoFolders(settings.autoFolders), m_rules(settings.folderRules)
{
    setWindowTitle(tr("Add Download"));
    setWindowIcon(themedIcon(QStringLiteral("list-add"), QStringLiteral("add")));
    m_urls->setPlaceholderText(tr("One URL a line: https://example.org/file.iso"));
    m_urls->setTabChangesFocus(true);
    m_urls->setLineWrapMode(QPlainTextEdit::NoWrap); // one URL, one line
    m_urls->installEventFilter(this);                // Return adds a single URL
    // The last folder that worked, while it is there; else the settings' download folder.
    const QString last = settings.lastAddFolder;
    m_folder->setText(
        !last.isEmpty() && QFileInfo(last).isDir() ? last : settings.effectiveDownloadFolder());
    m_initialFolder = folder();
    m_name->setPlaceholderText(tr("From the server"));
    m_connections->setRange(0, 16);
    m_connections->setSpecialValueText(tr("Automatic"));
    m_connections->setValue(settings.connections);
    m_checksum->setPlaceholderText(tr("sha256=HEX (optional)"));
    m_problem->setWordWrap(true);
    QPalette pal = m_problem->palette();
    pal.setColor(QPalette::WindowText, QColor(0xc0, 0x39, 0x2b));
    m_problem->setPalette(pal);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Add"));

    auto *browse = m_browse = new QToolButton(this);
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose a folder"));
    browse->setIcon(themedIcon(QStringLiteral("folder-open"), QStringLiteral("folder")));
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder);
    folderRow->addWidget(browse);

    m_form->addRow(tr("&URLs:"), m_urls);
    m_form->addRow(tr("&Links:"), m_links);
    m_form->setRowVisible(m_links, false);
    auto *folderLabel = new QLabel(tr("&Folder:"), this);
    folderLabel->setBuddy(m_folder);
    m_form->addRow(folderLabel, folderRow);
    m_form->addRow(tr("File &name:"), m_name);
    m_form->addRow(tr("&Connections:"), m_connections);
    m_form->addRow(tr("C&hecksum:"), m_checksum);
    m_form->addRow(QString(), m_paused);
    m_sort->setObjectName(QStringLiteral("sortLabel"));
    m_sort->setWordWrap(true);
    m_sort->setVisible(m_autoFolders);
    m_form->addRow(QString(), m_sort);
    m_preview->setObjectName(QStringLiteral("patternPreview"));
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview->setVisible(false);
    m_form->addRow(QString(), m_preview);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    resize(560, 360);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QToolButton::clicked, this, &AddDownloadDialog::browse);
    connect(m_urls, &QPlainTextEdit::textChanged, this, &AddDownloadDialog::validate);
    connect(m_links, &QListWidget::itemChanged, this, &AddDownloadDialog::validate);
    connect(m_folder, &QLineEdit::textChanged, this, &AddDownloadDialog::validate);
    connect(m_name, &QLineEdit::textChanged, this, &AddDownloadDialog::validate);
    connect(m_checksum, &QLineEdit::textChanged, this, &AddDownloadDialog::validate);
    validate();
}

QList<QUrl> AddDownloadDialog::linksFromText(const QString &text)
{
    QList<QUrl> links;
    const QStringList lines =
        text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const QUrl url(line, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (url.isValid() && !url.host().isEmpty() &&
            (scheme == QLatin1String("http") || scheme == QLatin1String("https") ||
             scheme == QLatin1String("ftp") || scheme == QLatin1String("ftps") ||
             scheme == QLatin1String("sftp")))
            links.append(url);
    }
    return links;
}

void AddDownloadDialog::setUrls(const QList<QUrl> &urls)
{
    QStringList lines;
    for (const QUrl &url : urls)
        lines.append(url.toString());
    m_urls->setPlainText(lines.join(QLatin1Char('\n')));
}

void AddDownloadDialog::setBrowserRequest(const BrowserRequest &request)
{
    m_browser = request;
    QList<QUrl> urls;
    for (const BrowserLink &link : request.links)
        urls.append(link.url);
    if (request.kind == BrowserRequest::Kind::Download) {
        setUrls(urls);
        if (!request.links.isEmpty())
            m_name->setText(request.links.first().fileName);
        return;
    }
    // "Download all links": every link ticked; the person unticks what is not wanted.
    m_form->setRowVisible(m_urls, false);
    m_form->setRowVisible(m_links, true);
    m_form->setRowVisible(m_name, false); // one name cannot fit several files
    m_links->clear();
    for (const QUrl &url : std::as_const(urls)) {
        auto *item = new QListWidgetItem(url.toDisplayString(), m_links);
        item->setData(Qt::UserRole, url);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    validate();
}

QStringList AddDownloadDialog::expandedLines(QString *error) const
{
    QStringList expanded;
    const QStringList lines = m_urls->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const QString t = line.trimmed();
        if (t.isEmpty())
            continue;
        QString why;
        if (!http::UrlPattern::hasPattern(t)) {
            expanded.append(t);
        } else if (!http::UrlPattern::expand(t, &expanded, &why) ||
                   expanded.size() > http::UrlPattern::DefaultCap) {
            if (error)
                *error = why.isEmpty() ? tr("More than %1 URLs.").arg(http::UrlPattern::DefaultCap)
                                       : why;
            return {};
        }
    }
    return expanded;
}

QList<QUrl> AddDownloadDialog::urls() const
{
    QList<QUrl> list;
    if (m_browser && m_browser->kind == BrowserRequest::Kind::Links) {
        for (int i = 0; i < m_links->count(); ++i)
            if (m_links->item(i)->checkState() == Qt::Checked)
                list.append(m_links->item(i)->data(Qt::UserRole).toUrl());
        return list;
    }
    for (const QString &line : expandedLines())
        list.append(QUrl(line, QUrl::StrictMode));
    return list;
}

QString AddDownloadDialog::folder() const
{
    return QDir::cleanPath(m_folder->text().trimmed());
}

bool AddDownloadDialog::startPaused() const
{
    return m_paused->isChecked();
}

QString AddDownloadDialog::problem() const
{
    QString patternError;
    expandedLines(&patternError);
    if (!patternError.isEmpty())
        return patternError;
    const QList<QUrl> list = urls();
    if (list.isEmpty())
        return tr("Enter at least one URL.");
    static const QStringList schemes{QStringLiteral("http"), QStringLiteral("https"),
                                     QStringLiteral("ftp"), QStringLiteral("ftps"),
                                     QStringLiteral("sftp")};
    for (const QUrl &url : list) {
        if (!url.isValid() || url.host().isEmpty() || !schemes.contains(url.scheme().toLower()))
            return tr("Not an http, https, ftp, ftps or sftp URL: %1")
                .arg(url.toString(QUrl::RemovePassword));
    }
    if (m_folder->text().trimmed().isEmpty())
        return tr("Choose a folder.");
    if (m_remote) {
        if (QDir::isRelativePath(folder()))
            return tr("The folder must be an absolute path: %1").arg(folder());
    } else if (const QString why = folderProblem(folder()); !why.isEmpty()) {
        return why;
    }
    if (!m_name->text().isEmpty()) {
        if (list.size() > 1)
            return tr("A file name can only be given for one URL.");
        const QString name = m_name->text();
        if (name.contains(QLatin1Char('/')) || name == QLatin1String(".") ||
            name == QLatin1String(".."))
            return tr("The file name must not contain a slash.");
    }
    const QString sum = m_checksum->text().trimmed();
    if (!sum.isEmpty()) {
        static const QRegularExpression re(QStringLiteral("^(?:(sha-?256)[=:])?([0-9a-fA-F]{64})$"),
                                           QRegularExpression::CaseInsensitiveOption);
        if (!re.match(sum).hasMatch())
            return tr("The checksum must be 64 hex digits (sha256), optionally after \"sha256=\".");
    }
    return QString();
}

QString AddDownloadDialog::folderProblem(const QString &path)
{
    if (QDir::isRelativePath(path))
        return tr("The folder must be an absolute path: %1").arg(path);
    // The nearest part that exists decides: a file there means the folder cannot be made.
    QFileInfo part(path);
    while (!part.exists() && !part.isRoot())
        part.setFile(part.absolutePath());
    if (!part.isDir()) {
        if (part.absoluteFilePath() == QDir::cleanPath(path))
            return tr("The folder is a file: %1").arg(path);
        return tr("%1 is a file: no folder can be made in it.").arg(part.absoluteFilePath());
    }
    if (!part.isWritable() || !part.isExecutable()) {
        if (part.absoluteFilePath() == QDir::cleanPath(path))
            return tr("The folder is not writable: %1").arg(path);
        return tr("Cannot make the folder: %1 is not writable.").arg(part.absoluteFilePath());
    }
    return QString();
}

void AddDownloadDialog::setRemoteFolder(const QString &folder)
{
    m_remote = true;
    m_autoFolders = false;
    m_sort->setVisible(false);
    m_browse->setEnabled(false);
    m_folder->setToolTip(tr("A folder on the daemon's machine"));
    m_folder->setText(folder);
    m_initialFolder = this->folder();
    validate();
}

bool AddDownloadDialog::folderChanged() const
{
    return folder() != m_initialFolder;
}

void AddDownloadDialog::validate()
{
    if (m_autoFolders) {
        // Says where the files go: the sub-folders the rules pick for these names.
        QStringList folders;
        const QString base = folder();
        for (const QUrl &url : urls()) {
            const QString dir = folderFor(url);
            const QString shown =
                dir == base ? QDir(base).dirName() : QDir(base).relativeFilePath(dir);
            if (url.isValid() && !folders.contains(shown))
                folders.append(shown);
        }
        m_sort->setText(
            folders.isEmpty()
                ? tr("Sorted by type into sub-folders (Settings, Files).")
                : tr("Sorted by type into: %1").arg(folders.join(QStringLiteral(", "))));
    }
    // A pattern's preview: how many, and the first few, so that a typo shows before adding.
    const QStringList typed = m_urls->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const bool patterns = std::any_of(typed.begin(), typed.end(), [](const QString &line) {
        return http::UrlPattern::hasPattern(line.trimmed());
    });
    const QStringList expanded = patterns ? expandedLines() : QStringList();
    m_preview->setVisible(!expanded.isEmpty());
    if (!expanded.isEmpty()) {
        constexpr int shown = 5;
        QString text = tr("%n URL(s):", nullptr, int(expanded.size()));
        for (const QString &line : expanded.mid(0, shown))
            text += QLatin1Char('\n') + QUrl(line).toString(QUrl::RemovePassword);
        if (expanded.size() > shown)
            text += QStringLiteral("\n…");
        m_preview->setText(text);
    }
    const QString why = problem();
    m_problem->setText(why);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

bool AddDownloadDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_urls && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() != Qt::Key_Return && key->key() != Qt::Key_Enter)
            return QDialog::eventFilter(watched, event);
        if (key->modifiers() & Qt::ShiftModifier) {
            m_urls->insertPlainText(QStringLiteral("\n")); // a new line, not a soft break
            return true;
        }
        // One URL: Return is "Add", as in any dialog; with several it starts another line.
        if (urls().size() <= 1) {
            if (m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
                accept();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void AddDownloadDialog::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Download Folder"), folder());
    if (!dir.isEmpty())
        m_folder->setText(dir);
}

QList<DownloadRequest> AddDownloadDialog::requests(const DownloadRequest &base) const
{
    QList<DownloadRequest> list;
    const QString sum = m_checksum->text().trimmed();
    const QString hex = sum.right(64).toLower();
    for (const QUrl &url : urls()) {
        DownloadRequest r = base;
        r.url = url;
        // A password in the URL is used, never stored or shown (DownloadRequest::urlPassword).
        r.urlPassword = url.password();
        r.url.setPassword({});
        r.directory = folderFor(url);
        r.fileName = m_name->text();
        r.connections = m_connections->value();
        if (m_browser) {
            for (const BrowserLink &link : std::as_const(m_browser->links)) {
                if (link.url == url) {
                    m_browser->applyTo(link, &r);
                    break;
                }
            }
        }
        if (!sum.isEmpty()) {
            http::DigestValue d;
            d.algorithm = QCryptographicHash::Sha256;
            d.digest = QByteArray::fromHex(hex.toLatin1());
            r.checksums.append(d);
        }
        list.append(r);
    }
    return list;
}

QString AddDownloadDialog::folderFor(const QUrl &url) const
{
    if (!m_autoFolders)
        return folder();
    // The name is known from the name box or the URL's last part; else no rule applies.
    const QString name = m_name->text().isEmpty() ? url.fileName() : m_name->text();
    return ui::folderFor(m_rules, name, folder());
}

} // namespace bt::ui
