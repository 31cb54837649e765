#include "CredentialStore.h"

#include <QTimer>
#include <qt6keychain/keychain.h>

namespace bt::ui {

namespace {
const QString kService = QStringLiteral("BTFileStream upload targets");

bool isMissingBackend(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError || error == QKeychain::AccessDenied;
}
} // namespace

CredentialStore::CredentialStore(QObject *parent) : QObject(parent) {}

CredentialStore::~CredentialStore() = default;

void CredentialStore::markMissing(const QString &why)
{
    m_keyringMissing = true;
    m_problem = why;
}

void CredentialStore::save(const QString &key, const QString &secret)
{
    if (secret.isEmpty()) {
        forget(key);
        return;
    }
    m_memory.insert(key, secret);
    if (m_disabled || m_keyringMissing) {
        const QString why = m_problem.isEmpty()
                                ? tr("no keyring (Secret Service or KWallet) is available")
                                : m_problem;
        if (m_problem.isEmpty())
            markMissing(why);
        QTimer::singleShot(0, this, [this, key, why] { Q_EMIT saved(key, false, why); });
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a clear-text file instead
    job->setKey(key);
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *j) {
        if (j->error() == QKeychain::NoError) {
            Q_EMIT saved(key, true, {});
            return;
        }
        markMissing(j->error() == QKeychain::AccessDenied ||
                            j->error() == QKeychain::AccessDeniedByUser
                        ? tr("the keyring refused access (%1)").arg(j->errorString())
                        : tr("no keyring is available (%1)").arg(j->errorString()));
        Q_EMIT saved(key, false, m_problem);
    });
    job->start();
}

void CredentialStore::forget(const QString &key)
{
    m_memory.remove(key);
    if (m_disabled || m_keyringMissing)
        return;
    auto *job = new QKeychain::DeletePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->start();
}

void CredentialStore::read(const QString &key, std::function<void(const QString &)> done)
{
    if (m_memory.contains(key) || m_disabled || m_keyringMissing) {
        const QString secret = m_memory.value(key);
        QTimer::singleShot(0, this, [done, secret] { done(secret); });
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, key, done](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::NoError) {
            m_memory.insert(key, read->textData());
        } else if (isMissingBackend(read->error())) {
            markMissing(tr("no keyring is available (%1)").arg(read->errorString()));
        }
        done(m_memory.value(key));
    });
    job->start();
}

} // namespace bt::ui
