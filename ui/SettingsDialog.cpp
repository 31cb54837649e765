#include "SettingsDialog.h"
#include "model/ProxySetting.h"

#include "Icons.h"
#include "UploadTargetsPage.h"
#include "queue/TimeWindow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace bt::ui {

namespace {
QSpinBox *speedBox(QWidget *parent, qint64 bytesPerSecond)
{
    auto *box = new QSpinBox(parent);
    box->setRange(0, 10 * 1024 * 1024);
    box->setSuffix(QCoreApplication::translate("bt::ui::SettingsDialog", " KiB/s"));
    box->setSpecialValueText(QCoreApplication::translate("bt::ui::SettingsDialog", "Unlimited"));
    box->setValue(int(bytesPerSecond / 1024));
    return box;
}
QSpinBox *intBox(QWidget *parent, int min, int max, int value)
{
    auto *box = new QSpinBox(parent);
    box->setRange(min, max);
    box->setValue(value);
    return box;
}
} // namespace

SettingsDialog::SettingsDialog(const AppSettings &s, QWidget *parent,
                               const QSet<QString> &savedSecrets)
    : QDialog(parent), m_base(s), m_folder(new QLineEdit(s.downloadFolder, this)),
      m_maxActive(intBox(this, 1, 50, s.maxActive)),
      m_maxPerHost(intBox(this, 0, 16, s.maxPerHost)),
      m_connections(intBox(this, 0, 16, s.connections)),
      m_sha256(new QCheckBox(tr("Compute the SHA-256 of &every download"), this)),
      m_retries(intBox(this, 0, 100, s.retries)),
      m_timeout(intBox(this, 5, 600, s.stallTimeoutSec)),
      m_downLimit(speedBox(this, s.downloadLimit)), m_upLimit(speedBox(this, s.uploadLimit)),
      m_altDownLimit(speedBox(this, s.altDownloadLimit)),
      m_altUpLimit(speedBox(this, s.altUploadLimit)),
      m_scheduleOn(new QCheckBox(tr("Start transfers only in this &daily window:"), this)),
      m_schedule(new QLineEdit(s.scheduleWindow, this)), m_proxy(new QLineEdit(s.proxy, this)),
      m_uploads(new UploadTargetsPage(s.uploadTargets, savedSecrets, this)),
      m_closeToTray(new QCheckBox(tr("&Close to the tray"), this)),
      m_clipboard(new QCheckBox(tr("&Watch the clipboard for links"), this)),
      m_extract(new QCheckBox(tr("&Extract archives when a download completes"), this)),
      m_openFolder(new QCheckBox(tr("&Open the folder when a download completes"), this)),
      m_autoFolders(new QCheckBox(tr("Sort downloads into sub-folders by file t&ype"), this)),
      m_rules(new QTableWidget(int(s.folderRules.size()), 3, this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)),
      m_problem(new QLabel(this)), m_perHostHint(new QLabel(this))
{
    setWindowTitle(tr("Settings"));
    setWindowIcon(themedIcon(QStringLiteral("configure"), QStringLiteral("settings")));
    m_maxPerHost->setSpecialValueText(tr("No limit"));
    m_connections->setSpecialValueText(tr("Automatic"));
    m_timeout->setSuffix(tr(" s"));
    m_scheduleOn->setChecked(s.scheduleEnabled);
    m_schedule->setPlaceholderText(tr("01:00-07:00"));
    m_folder->setPlaceholderText(tr("The XDG download folder"));
    m_proxy->setPlaceholderText(tr("From the environment (http_proxy, all_proxy, no_proxy)"));
    m_closeToTray->setChecked(s.closeToTray);
    m_clipboard->setChecked(s.watchClipboard);
    m_problem->setObjectName(QStringLiteral("settingsProblem"));
    QPalette pal = m_problem->palette();
    pal.setColor(QPalette::WindowText, QColor(0xc0, 0x39, 0x2b));
    m_problem->setPalette(pal);

    auto *tabs = m_tabs = new QTabWidget(this);
    tabs->addTab(downloadsPage(), tr("&Downloads"));
    tabs->addTab(speedPage(), tr("&Speed"));
    tabs->addTab(networkPage(), tr("&Network"));
    tabs->addTab(m_uploads, tr("&Uploads"));
    tabs->addTab(filesPage(), tr("&Files"));
    tabs->addTab(windowPage(), tr("&Window"));
    // All six tabs in view (no scroll arrows): the tab bar's width is the dialog's minimum.
    tabs->setUsesScrollButtons(false);
    tabs->setElideMode(Qt::ElideNone);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    // And the rules' longest extension list uncut: the table's columns at their contents.
    int table = 2 * m_rules->frameWidth() + style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    for (int c = 0; c < m_rules->columnCount(); ++c)
        table += m_rules->columnWidth(c);
    const QMargins margins = layout->contentsMargins();
    resize(qMax(sizeHint().width(), table + 2 * (margins.left() + margins.right()) + 16),
           qMax(sizeHint().height(), 440));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_schedule, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_scheduleOn, &QCheckBox::toggled, this, &SettingsDialog::validate);
    connect(m_proxy, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_uploads, &UploadTargetsPage::changed, this, &SettingsDialog::validate);
    connect(m_autoFolders, &QCheckBox::toggled, this, &SettingsDialog::validate);
    connect(m_rules, &QTableWidget::itemChanged, this, &SettingsDialog::validate);
    validate();
}

void SettingsDialog::showUploadPage(const QString &message)
{
    m_tabs->setCurrentWidget(m_uploads);
    m_uploads->setMessage(message);
}

QWidget *SettingsDialog::downloadsPage()
{
    auto *page = new QWidget(this);
    auto *browse = new QToolButton(page);
    browse->setIcon(themedIcon(QStringLiteral("folder-open"), QStringLiteral("folder")));
    browse->setToolTip(tr("Choose a folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Download Folder"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder);
    folderRow->addWidget(browse);
    auto *form = new QFormLayout(page);
    auto *folderLabel = new QLabel(tr("Download &folder:"), page);
    folderLabel->setBuddy(m_folder);
    form->addRow(folderLabel, folderRow);
    form->addRow(tr("&Active transfers at once:"), m_maxActive);
    form->addRow(tr("Active transfers per &host:"), m_maxPerHost);
    // Says when the per-host cap is the one that counts (downloads from one server).
    m_perHostHint->setObjectName(QStringLiteral("perHostHint"));
    m_perHostHint->setWordWrap(true);
    form->addRow(QString(), m_perHostHint);
    auto explain = [this] {
        const int host = m_maxPerHost->value();
        const int active = m_maxActive->value();
        if (host > 0 && host < active)
            m_perHostHint->setText(tr("From one server at most %n at once, even though %1 "
                                      "may run together.",
                                      nullptr, host)
                                       .arg(active));
        else
            m_perHostHint->setText(tr("One server can use all of the transfers at once."));
    };
    connect(m_maxPerHost, &QSpinBox::valueChanged, this, explain);
    connect(m_maxActive, &QSpinBox::valueChanged, this, explain);
    explain();
    form->addRow(tr("&Connections per download:"), m_connections);
    m_sha256->setChecked(m_base.sha256);
    m_sha256->setToolTip(tr("Shown in the details; a download is always verified against a "
                            "digest the server or you give, whether this is on or not."));
    form->addRow(m_sha256);
    form->addRow(tr("&Retries after an error:"), m_retries);
    form->addRow(tr("S&tall timeout:"), m_timeout);
    return page;
}

QWidget *SettingsDialog::speedPage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    form->addRow(tr("&Download limit:"), m_downLimit);
    form->addRow(tr("&Upload limit:"), m_upLimit);
    form->addRow(
        new QLabel(tr("<b>Alternative limits</b> (switched from the toolbar or the tray)"), page));
    form->addRow(tr("Alternative d&ownload limit:"), m_altDownLimit);
    form->addRow(tr("Alternative u&pload limit:"), m_altUpLimit);
    form->addRow(m_scheduleOn);
    form->addRow(tr("&Window (HH:mm-HH:mm):"), m_schedule);
    return page;
}

QWidget *SettingsDialog::networkPage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    form->addRow(tr("&Proxy:"), m_proxy);
    auto *hint = new QLabel(tr("http://, https://, socks5h:// (the proxy resolves names), "
                               "socks5:// or socks4://, with user:password@ if it asks; "
                               "\"none\" to connect directly. Running transfers use a "
                               "changed proxy from their next connection."),
                            page);
    hint->setWordWrap(true);
    form->addRow(hint);
    return page;
}

QWidget *SettingsDialog::windowPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_closeToTray);
    layout->addWidget(m_clipboard);
    layout->addStretch();
    return page;
}

QWidget *SettingsDialog::filesPage()
{
    auto *page = new QWidget(this);
    m_extract->setChecked(m_base.extractArchives);
    m_extract->setToolTip(tr("Into a new folder beside the archive. Entries that would land "
                             "outside it are refused."));
    m_openFolder->setChecked(m_base.openFolderWhenDone);
    m_openFolder->setToolTip(tr("In the file manager, after the archive is extracted."));
    m_autoFolders->setChecked(m_base.autoFolders);
    m_rules->setObjectName(QStringLiteral("folderRules"));
    m_rules->setHorizontalHeaderLabels({tr("Type"), tr("Extensions"), tr("Folder")});
    m_rules->verticalHeader()->hide();
    m_rules->setEditTriggers(QAbstractItemView::AllEditTriggers);
    m_rules->blockSignals(true);
    for (int row = 0; row < m_base.folderRules.size(); ++row) {
        const FolderRule &rule = m_base.folderRules[row];
        auto *type = new QTableWidgetItem(FolderRule::categoryName(rule.category));
        type->setFlags(Qt::ItemIsEnabled);
        type->setData(Qt::UserRole, rule.category);
        m_rules->setItem(row, 0, type);
        m_rules->setItem(row, 1, new QTableWidgetItem(FolderRule::extensionsText(rule.extensions)));
        m_rules->setItem(row, 2, new QTableWidgetItem(rule.folder));
    }
    m_rules->blockSignals(false);
    // Measured here, stretched after: the dialog's width comes from these (see above).
    m_rules->resizeColumnsToContents();
    m_rules->horizontalHeader()->setStretchLastSection(true);
    m_rules->setEnabled(m_autoFolders->isChecked());
    connect(m_autoFolders, &QCheckBox::toggled, m_rules, &QWidget::setEnabled);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_extract);
    layout->addWidget(m_openFolder);
    layout->addSpacing(8);
    layout->addWidget(m_autoFolders);
    auto *hint = new QLabel(tr("Extensions separated by spaces; a folder is a sub-folder of the "
                               "download folder (or an absolute path)."),
                            page);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    layout->addWidget(m_rules, 1);
    return page;
}

QList<FolderRule> SettingsDialog::rules() const
{
    QList<FolderRule> list;
    for (int row = 0; row < m_rules->rowCount(); ++row) {
        FolderRule rule;
        rule.category = m_rules->item(row, 0)->data(Qt::UserRole).toString();
        rule.extensions = FolderRule::parseExtensions(m_rules->item(row, 1)->text());
        rule.folder = m_rules->item(row, 2)->text().trimmed();
        list.append(rule);
    }
    return list;
}

void SettingsDialog::validate()
{
    QString why;
    if (m_autoFolders->isChecked()) {
        for (const FolderRule &rule : rules()) {
            if (!rule.extensions.isEmpty() && rule.folder.isEmpty()) {
                why = tr("Choose a folder for %1.").arg(FolderRule::categoryName(rule.category));
                break;
            }
        }
    }
    if (m_scheduleOn->isChecked() && !TimeWindow::fromString(m_schedule->text()).isValid())
        why = tr("The window must look like 01:00-07:00.");
    const QString proxyText = m_proxy->text().trimmed();
    if (!proxyText.isEmpty() && !isProxySetting(proxyText))
        why = tr("The proxy must look like http://host:port or socks5h://host:port.");
    if (why.isEmpty())
        why = m_uploads->problem();
    m_problem->setText(why);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_base;
    s.downloadFolder = m_folder->text().trimmed();
    s.maxActive = m_maxActive->value();
    s.maxPerHost = m_maxPerHost->value();
    s.connections = m_connections->value();
    s.sha256 = m_sha256->isChecked();
    s.retries = m_retries->value();
    s.stallTimeoutSec = m_timeout->value();
    s.downloadLimit = qint64(m_downLimit->value()) * 1024;
    s.uploadLimit = qint64(m_upLimit->value()) * 1024;
    s.altDownloadLimit = qint64(m_altDownLimit->value()) * 1024;
    s.altUploadLimit = qint64(m_altUpLimit->value()) * 1024;
    s.scheduleEnabled = m_scheduleOn->isChecked();
    s.scheduleWindow = m_schedule->text().trimmed();
    s.proxy = m_proxy->text().trimmed();
    s.uploadTargets = m_uploads->targets();
    s.closeToTray = m_closeToTray->isChecked();
    s.watchClipboard = m_clipboard->isChecked();
    s.extractArchives = m_extract->isChecked();
    s.openFolderWhenDone = m_openFolder->isChecked();
    s.autoFolders = m_autoFolders->isChecked();
    s.folderRules = rules();
    return s;
}

} // namespace bt::ui
