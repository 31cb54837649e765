// File > Connect to…: the window drives a daemon (btstream daemon, or any aria2 JSON-RPC
// server) instead of the local queue. The local queue goes on in the background; the views,
// the commands and the status bar follow whichever queue is shown.
#include "CredentialStore.h"
#include "DetailsPane.h"
#include "Icons.h"
#include "MainWindow.h"
#include "TransferModel.h"
#include "queue/QueueManager.h"
#include "queue/TransferQueue.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStatusBar>
#include <QVBoxLayout>

namespace bt::ui {

namespace {
// The keyring entry of a daemon's secret: one a URL.
QString secretKey(const QUrl &url)
{
    return QStringLiteral("daemon:") + url.toString(QUrl::RemoveUserInfo);
}

// ws://, wss://, http:// and https:// URLs of a host; a bare "host:port" is ws://host:port.
QUrl daemonUrl(const QString &text)
{
    QString t = text.trimmed();
    if (!t.contains(QLatin1String("://")))
        t = QStringLiteral("ws://") + t;
    QUrl url(t, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() ||
        !QStringList{QStringLiteral("ws"), QStringLiteral("wss"), QStringLiteral("http"),
                     QStringLiteral("https")}
             .contains(scheme))
        return {};
    if (url.path().isEmpty() || url.path() == QLatin1String("/"))
        url.setPath(QStringLiteral("/jsonrpc"));
    return url;
}
} // namespace

bool MainWindow::isRemote() const
{
    return m_remote && m_source == m_remote;
}

void MainWindow::setRemoteQueueFactory(RemoteQueueFactory factory)
{
    m_remoteFactory = std::move(factory);
    updateActions();
    // Connected when the program last quit: the same daemon again, once the keyring answered.
    const QUrl url(m_settings.remoteUrl);
    if (m_remoteFactory && m_settings.remoteConnected && url.isValid()) {
        m_credentials->read(secretKey(url), [this, url](const QString &secret) {
            if (!m_remote && m_remoteFactory)
                connectTo(url, secret);
        });
    }
}

QDialog *MainWindow::openConnectDialog()
{
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("connectDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Connect to a Daemon"));
    auto *url = new QLineEdit(dialog);
    url->setObjectName(QStringLiteral("connectUrl"));
    url->setPlaceholderText(QStringLiteral("ws://nas.local:6800/jsonrpc"));
    url->setText(m_settings.remoteUrl.isEmpty() ? QStringLiteral("ws://127.0.0.1:6800/jsonrpc")
                                                : m_settings.remoteUrl);
    auto *secret = new QLineEdit(dialog);
    secret->setObjectName(QStringLiteral("connectSecret"));
    secret->setEchoMode(QLineEdit::Password);
    secret->setPlaceholderText(tr("--rpc-secret of the daemon"));
    auto *problem = new QLabel(dialog);
    problem->setObjectName(QStringLiteral("connectProblem"));
    problem->setWordWrap(true);
    auto *hint = new QLabel(tr("btstream daemon or another aria2 JSON-RPC server. The secret is "
                               "kept in the desktop keyring."),
                            dialog);
    hint->setWordWrap(true);
    hint->setEnabled(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    auto *form = new QFormLayout;
    form->addRow(tr("&URL:"), url);
    form->addRow(tr("&Secret:"), secret);
    auto *layout = new QVBoxLayout(dialog);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(problem);
    layout->addWidget(buttons);
    dialog->resize(460, dialog->sizeHint().height());

    const auto validate = [url, problem, buttons] {
        const bool ok = daemonUrl(url->text()).isValid();
        problem->setText(ok ? QString()
                            : tr("A ws://, wss://, http:// or https:// URL of a host."));
        buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    };
    // The saved secret of the URL shown, once the keyring answered (unless typed meanwhile).
    const auto fillSecret = [this, url, secret] {
        const QUrl target = daemonUrl(url->text());
        if (!target.isValid())
            return;
        m_credentials->read(secretKey(target), [secret, url, target](const QString &saved) {
            if (secret->text().isEmpty() && daemonUrl(url->text()) == target)
                secret->setText(saved);
        });
    };
    connect(url, &QLineEdit::textChanged, dialog, validate);
    connect(url, &QLineEdit::editingFinished, dialog, fillSecret);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, dialog, [this, dialog, url, secret] {
        const QUrl target = daemonUrl(url->text());
        if (!target.isValid())
            return;
        dialog->accept();
        connectTo(target, secret->text());
    });
    validate();
    fillSecret();
    dialog->open();
    return dialog;
}

void MainWindow::connectTo(const QUrl &url, const QString &secret)
{
    if (!m_remoteFactory)
        return;
    m_settings.remoteUrl = url.toString();
    m_settings.remoteConnected = true;
    m_settings.save();
    if (secret.isEmpty())
        m_credentials->forget(secretKey(url));
    else
        m_credentials->save(secretKey(url), secret);
    TransferQueue *old = m_remote;
    m_remote = m_remoteFactory(url, secret, this);
    connect(m_remote, &TransferQueue::linkChanged, this, &MainWindow::updateLink);
    connect(m_remote, &TransferQueue::commandFailed, this,
            [this](const QString &text) { statusBar()->showMessage(text, 15000); });
    setSource(m_remote);
    delete old;
}

void MainWindow::disconnectRemote()
{
    if (!m_remote)
        return;
    setSource(m_queue);
    delete m_remote;
    m_remote = nullptr;
    m_settings.remoteConnected = false;
    m_settings.save();
    statusBar()->showMessage(tr("Disconnected: the transfers of this computer are shown"), 5000);
}

void MainWindow::setSource(TransferQueue *source)
{
    m_source = source;
    m_model->setQueue(source);
    m_details->setQueue(source);
    m_details->setTransfer(0);
    fitDetails();
    updateLink();
}

void MainWindow::updateLink()
{
    using Link = TransferQueue::Link;
    const Link link = m_source->link();
    const QString text = m_source->linkText();
    // The status bar says it short; the banner (and the tooltip) says it all.
    const QUrl url(m_settings.remoteUrl);
    const QString where = QStringLiteral("%1:%2").arg(url.host()).arg(url.port(6800));
    switch (link) {
    case Link::Lost:
        m_linkLabel->setText(tr("Disconnected from %1, retrying").arg(where));
        break;
    case Link::Refused:
        m_linkLabel->setText(tr("%1 refused the secret").arg(where));
        break;
    default:
        m_linkLabel->setText(text);
    }
    m_linkLabel->setToolTip(text);
    m_linkLabel->setVisible(link != Link::Local);
    const bool trouble = link == Link::Lost || link == Link::Refused;
    m_banner->setText(text);
    m_banner->setVisible(trouble);
    setWindowTitle(link == Link::Local ? tr("BTFileStream") : tr("BTFileStream — %1").arg(where));
    updateActions();
}

} // namespace bt::ui
