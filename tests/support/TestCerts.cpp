#include "TestCerts.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>

namespace bt::test {

namespace {
// P-256 keys: generated in milliseconds, unlike RSA.
const QStringList kNewKey = {QStringLiteral("-newkey"), QStringLiteral("ec"),
                             QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                             QStringLiteral("-nodes")};
} // namespace

bool TestCerts::openssl(const QStringList &arguments, QString *whyNot)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (program.isEmpty()) {
        *whyNot = QStringLiteral("the openssl command is not installed (package openssl)");
        return false;
    }
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.start(program, arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        *whyNot = QStringLiteral("openssl %1 failed: %2")
                      .arg(arguments.join(QLatin1Char(' ')),
                           QString::fromLocal8Bit(process.readAllStandardError()));
        return false;
    }
    return true;
}

bool TestCerts::makeCa(const QString &name, QString *whyNot)
{
    return openssl(
        QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + kNewKey +
            QStringList{
                QStringLiteral("-keyout"), keyFile(name), QStringLiteral("-out"), certFile(name),
                QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                QStringLiteral("/CN=BTFileStream test CA ") + name, QStringLiteral("-addext"),
                QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")},
        whyNot);
}

bool TestCerts::create(QString *whyNot)
{
    if (!m_dir.isValid()) {
        *whyNot = QStringLiteral("no temporary folder");
        return false;
    }
    return makeCa(QStringLiteral("ca"), whyNot) && makeCa(QStringLiteral("otherca"), whyNot);
}

QString TestCerts::caFile() const
{
    return certFile(QStringLiteral("ca"));
}

QString TestCerts::otherCaFile() const
{
    return certFile(QStringLiteral("otherca"));
}

bool TestCerts::issue(const QString &name, const QStringList &altNames, QString *whyNot)
{
    QFile ext(m_dir.filePath(name + QStringLiteral(".ext")));
    if (!ext.open(QIODevice::WriteOnly)) {
        *whyNot = QStringLiteral("cannot write ") + ext.fileName();
        return false;
    }
    ext.write("basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=" +
              altNames.join(QLatin1Char(',')).toLatin1() + '\n');
    ext.close();
    const QString csr = m_dir.filePath(name + QStringLiteral(".csr"));
    return openssl(QStringList{QStringLiteral("req")} + kNewKey +
                       QStringList{QStringLiteral("-keyout"), keyFile(name), QStringLiteral("-out"),
                                   csr, QStringLiteral("-subj"), QStringLiteral("/CN=") + name},
                   whyNot) &&
           openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csr,
                    QStringLiteral("-CA"), caFile(), QStringLiteral("-CAkey"),
                    keyFile(QStringLiteral("ca")), QStringLiteral("-CAcreateserial"),
                    QStringLiteral("-out"), certFile(name), QStringLiteral("-days"),
                    QStringLiteral("2"), QStringLiteral("-extfile"), ext.fileName()},
                   whyNot);
}

bool TestCerts::selfSigned(const QString &name, QString *whyNot)
{
    return openssl(QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + kNewKey +
                       QStringList{QStringLiteral("-keyout"), keyFile(name), QStringLiteral("-out"),
                                   certFile(name), QStringLiteral("-days"), QStringLiteral("2"),
                                   QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                                   QStringLiteral("-addext"),
                                   QStringLiteral("subjectAltName=IP:127.0.0.1")},
                   whyNot);
}

QString TestCerts::certFile(const QString &name) const
{
    return m_dir.filePath(name + QStringLiteral(".pem"));
}

QString TestCerts::keyFile(const QString &name) const
{
    return m_dir.filePath(name + QStringLiteral(".key"));
}

} // namespace bt::test
