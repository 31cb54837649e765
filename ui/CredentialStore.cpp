#include "CredentialStore.h"

#include <QTimer>
#include <qt6keychain/keychain.h>

namespace bt::ui {

namespace {
const QString kService = QStringLiteral("BTFileStream upload targets");
QHash<QString, QString> *s_testKeyring = nullptr;
int s_testDelayMs = 0;

bool isMissingBackend(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError || error == QKeychain::AccessDenied;
}
} // namespace

CredentialStore::CredentialStore(QObject *parent) : QObject(parent) {}

CredentialStore::~CredentialStore() = default;

void CredentialStore::setTestKeyring(QHash<QString, QString> *keyring, int delayMs)
{
    s_testKeyring = keyring;
    s_testDelayMs = delayMs;
}

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
    if (s_testKeyring) {
        s_testKeyring->insert(key, secret);
        QTimer::singleShot(s_testDelayMs, this, [this, key] { Q_EMIT saved(key, true, {}); });
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
    m_answered.insert(key); // known: there is none
    if (m_disabled || m_keyringMissing)
        return;
    if (s_testKeyring) {
        s_testKeyring->remove(key);
        return;
    }
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
    QList<std::function<void(const QString &)>> &waiting = m_reading[key];
    waiting.append(std::move(done));
    if (waiting.size() > 1)
        return; // the read under way answers this one too
    if (s_testKeyring) {
        QTimer::singleShot(s_testDelayMs, this, [this, key] {
            if (s_testKeyring && s_testKeyring->contains(key))
                m_memory.insert(key, s_testKeyring->value(key));
            readDone(key);
        });
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::NoError) {
            m_memory.insert(key, read->textData());
        } else if (isMissingBackend(read->error())) {
            markMissing(tr("no keyring is available (%1)").arg(read->errorString()));
        }
        readDone(key);
    });
    job->start();
}

void CredentialStore::readDone(const QString &key)
{
    m_answered.insert(key);
    const QList<std::function<void(const QString &)>> waiting = m_reading.take(key);
    const QString secret = m_memory.value(key);
    for (const auto &done : waiting)
        done(secret);
}

} // namespace bt::ui
