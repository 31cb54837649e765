#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <functional>

namespace bt::ui {

// The secrets of upload targets (passwords, tokens), by target key. In the desktop keyring
// through QtKeychain (Secret Service, KWallet) when one is there; otherwise in memory for this
// session only, and noKeyring() says why. Never in QSettings, the store or a log.
class CredentialStore : public QObject
{
    Q_OBJECT
public:
    explicit CredentialStore(QObject *parent = nullptr);
    ~CredentialStore() override;

    // Keeps the secret in memory at once, then writes it to the keyring (asynchronously).
    void save(const QString &key, const QString &secret);
    void forget(const QString &key);
    // The secret (memory first, else the keyring), handed to `done` on this thread; empty
    // when there is none.
    void read(const QString &key, std::function<void(const QString &secret)> done);
    // What is held in memory now (read or saved this session).
    QString cached(const QString &key) const { return m_memory.value(key); }
    // The secret of `key` is known, possibly as none: saved or read this session, or there is
    // no keyring to ask. Until then cached() may be empty only because the read is under way.
    bool isKnown(const QString &key) const
    {
        return m_memory.contains(key) || m_answered.contains(key) || m_disabled || m_keyringMissing;
    }
    bool keyringMissing() const { return m_keyringMissing; }
    QString keyringProblem() const { return m_problem; }
    // Tests: behave as if there were no keyring (no D-Bus call at all).
    void setKeyringDisabled(bool disabled) { m_disabled = disabled; }
    // Tests: a keyring in memory for every CredentialStore of the process (it outlives a
    // window, as the desktop's does); it answers after delayMs, as a D-Bus call would.
    // nullptr: the real keyring again.
    static void setTestKeyring(QHash<QString, QString> *keyring, int delayMs = 0);

Q_SIGNALS:
    // A save finished: in the keyring, or (inKeyring false) kept in memory only, with why.
    void saved(const QString &key, bool inKeyring, const QString &problem);

private:
    void markMissing(const QString &why);
    void readDone(const QString &key); // hands the secret to everyone waiting for it

    QHash<QString, QString> m_memory;
    QSet<QString> m_answered; // read from the keyring, even when it held nothing
    QHash<QString, QList<std::function<void(const QString &)>>> m_reading; // one read a key
    bool m_keyringMissing = false;
    bool m_disabled = false;
    QString m_problem;
};

} // namespace bt::ui
