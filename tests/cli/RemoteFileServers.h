#pragma once

// Real FTP and SFTP servers for the end-to-end tests, on free 127.0.0.1 ports, started and
// stopped (SIGKILL by pid) by the test: pyftpdlib (tests/servers/ftp/ftpserver.py, Debian's
// python3-pyftpdlib) and OpenSSH's sshd with its internal-sftp (openssh-server).

#include "BtstreamProcess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>

namespace bt::test {

inline bool runTool(const QString &program, const QStringList &arguments, QString *whyNot)
{
    QProcess p;
    p.start(program, arguments);
    if (!p.waitForFinished(20000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *whyNot = program + QStringLiteral(" failed: ") +
                  QString::fromLocal8Bit(p.readAllStandardError());
        return false;
    }
    return true;
}

class FtpTestServer
{
public:
    static constexpr const char *Python = "/usr/bin/python3";
    ~FtpTestServer() { stop(); }

    static bool available()
    {
        QProcess p;
        p.start(QString::fromLatin1(Python),
                {QStringLiteral("-c"), QStringLiteral("import pyftpdlib")});
        return p.waitForFinished(20000) && p.exitCode() == 0;
    }

    // Serves `root` to USER/PASSWORD; `extra`: "--limit BYTES_PER_SECOND".
    bool start(const QString &root, const QString &user, const QString &password,
               const QStringList &extra, QString *whyNot)
    {
        m_process.setProgram(QString::fromLatin1(Python));
        m_process.setArguments(
            QStringList{QStringLiteral(BT_SOURCE_DIR "/tests/servers/ftp/ftpserver.py"), root, user,
                        password} +
            extra);
        m_process.start();
        QElapsedTimer timer;
        timer.start();
        QByteArray out;
        while (!out.contains('\n') && timer.elapsed() < 20000 &&
               m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(500);
            out += m_process.readAllStandardOutput();
        }
        if (!out.startsWith("PORT ")) {
            *whyNot = QStringLiteral("the FTP server did not start: ") +
                      QString::fromLocal8Bit(m_process.readAllStandardError());
            stop();
            return false;
        }
        m_port = quint16(out.mid(5).trimmed().toUInt());
        return m_port != 0;
    }
    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    quint16 port() const { return m_port; }
    // Everything the server logged so far (the commands it got).
    QByteArray log()
    {
        m_log += m_process.readAllStandardError();
        return m_log;
    }

private:
    QProcess m_process;
    QByteArray m_log;
    quint16 m_port = 0;
};

// sshd -D -e -f CONFIG -p PORT with its own host key and authorized_keys in a temporary folder,
// and a client side: a HOME with ~/.ssh/id_ed25519 (authorized) and known_hosts.
class SftpTestServer
{
public:
    ~SftpTestServer() { stop(); }
    static QString sshdPath() { return QStringLiteral("/usr/sbin/sshd"); }

    bool start(QString *whyNot)
    {
        if (!m_dir.isValid() || !QDir(home()).mkpath(QStringLiteral(".ssh")))
            return false;
        const QString hostKey = m_dir.filePath(QStringLiteral("host_key"));
        const QString userKey = sshDir() + QStringLiteral("/id_ed25519");
        if (!runTool(QStringLiteral("ssh-keygen"),
                     {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                      QStringLiteral("-N"), QString(), QStringLiteral("-f"), hostKey},
                     whyNot) ||
            !runTool(QStringLiteral("ssh-keygen"),
                     {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                      QStringLiteral("-N"), QString(), QStringLiteral("-f"), userKey},
                     whyNot))
            return false;
        QFile::copy(userKey + QStringLiteral(".pub"),
                    m_dir.filePath(QStringLiteral("authorized_keys")));
        QFile pub(hostKey + QStringLiteral(".pub"));
        if (!pub.open(QIODevice::ReadOnly))
            return false;
        const QList<QByteArray> parts = pub.readAll().split(' ');
        m_hostKeyLine = parts.value(0) + ' ' + parts.value(1).trimmed();

        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost))
            return false;
        m_port = probe.serverPort();
        probe.close();
        QFile config(m_dir.filePath(QStringLiteral("sshd_config")));
        if (!config.open(QIODevice::WriteOnly))
            return false;
        config.write(QStringLiteral("ListenAddress 127.0.0.1\n"
                                    "HostKey %1\n"
                                    "AuthorizedKeysFile %2\n"
                                    "PidFile %3\n"
                                    "StrictModes no\n"
                                    "UsePAM no\n"
                                    "PasswordAuthentication no\n"
                                    "KbdInteractiveAuthentication no\n"
                                    "PermitRootLogin prohibit-password\n"
                                    "Subsystem sftp internal-sftp\n")
                         .arg(hostKey, m_dir.filePath(QStringLiteral("authorized_keys")),
                              m_dir.filePath(QStringLiteral("sshd.pid")))
                         .toUtf8());
        config.close();
        // sshd insists on its privilege separation folder, even for a test instance.
        if (!QFileInfo::exists(QStringLiteral("/run/sshd")))
            QDir().mkpath(QStringLiteral("/run/sshd"));
        m_process.setProgram(sshdPath());
        m_process.setArguments({QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"),
                                config.fileName(), QStringLiteral("-p"), QString::number(m_port)});
        m_process.start();
        QElapsedTimer timer;
        timer.start();
        QByteArray err;
        while (!err.contains("Server listening") && timer.elapsed() < 20000 &&
               m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(500);
            err += m_process.readAllStandardError();
        }
        m_log = err;
        if (!err.contains("Server listening")) {
            *whyNot = QStringLiteral("sshd did not start: ") + QString::fromLocal8Bit(err);
            return false;
        }
        return true;
    }
    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    quint16 port() const { return m_port; }
    QString home() const { return m_dir.filePath(QStringLiteral("home")); }
    QString sshDir() const { return home() + QStringLiteral("/.ssh"); }
    // ~/.ssh/known_hosts with the server's key ("[127.0.0.1]:PORT ssh-ed25519 ..."), or
    // without it.
    bool writeKnownHosts(bool withServerKey)
    {
        QFile file(sshDir() + QStringLiteral("/known_hosts"));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        const QByteArray host = "[127.0.0.1]:" + QByteArray::number(m_port);
        if (withServerKey)
            file.write(host + ' ' + m_hostKeyLine + '\n');
        else // another host's key only
            file.write("[127.0.0.1]:1 " + m_hostKeyLine + '\n');
        return true;
    }
    QByteArray log()
    {
        m_log += m_process.readAllStandardError();
        return m_log;
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_hostKeyLine;
    QByteArray m_log;
    quint16 m_port = 0;
};

// The FTP and SFTP servers of the tests of `btstream get` and `put` from and to FTP and SFTP,
// on one folder (FTP: as its root, for `user` with `password`; SFTP: by absolute path, for
// root with a key), and what a btstream run needs to reach them.
class RemoteFileServers
{
    QTemporaryDir m_root; // first made, last removed

public:
    static inline const QString user = QStringLiteral("ann");
    static inline const QString password = QStringLiteral("pa55word");

    // What is not installed (the test skips), or nullptr.
    static const char *missing()
    {
        if (!FtpTestServer::available())
            return "python3-pyftpdlib is not installed (scripts/setup.sh --test)";
        if (!QFileInfo(SftpTestServer::sshdPath()).isExecutable())
            return "openssh-server is not installed (scripts/setup.sh --test)";
        return nullptr;
    }

    bool start(QString *whyNot)
    {
        if (!m_root.isValid()) {
            *whyNot = QStringLiteral("no temporary folder for the servers");
            return false;
        }
        return ftp.start(root(), user, password, {}, whyNot) && sftp.start(whyNot);
    }
    QString root() const { return m_root.path(); }

    QString ftpUrl(const QString &path, const QString &withPassword = password) const
    {
        return QStringLiteral("ftp://%1:%2@127.0.0.1:%3%4")
            .arg(user, withPassword)
            .arg(ftp.port())
            .arg(path);
    }
    // btstream's environment for them: HOME holds the client's ~/.ssh (keys, known_hosts), no
    // ssh agent.
    void setUpClient(QProcess *btstream) const
    {
        QProcessEnvironment env = btstream->processEnvironment();
        env.insert(QStringLiteral("HOME"), sftp.home());
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        btstream->setProcessEnvironment(env);
    }
    // `btstream ARGUMENTS` in `workDir` as a client of theirs, waited for (at most 60 s).
    RunResult run(const QString &workDir, const QStringList &arguments) const
    {
        Btstream p(workDir);
        p.setArguments(arguments);
        setUpClient(&p);
        p.start();
        return p.wait(60000);
    }

    FtpTestServer ftp;
    SftpTestServer sftp;
};

} // namespace bt::test
