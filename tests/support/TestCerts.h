#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace bt::test {

// A throwaway certificate authority and server certificates for the TLS tests, made at test
// time with the openssl command line tool (package openssl) in a temporary folder.
class TestCerts
{
public:
    // False with *whyNot set when openssl is missing or fails.
    bool create(QString *whyNot);

    QString caFile() const;      // the CA's certificate (PEM): what --cacert is given
    QString otherCaFile() const; // a second CA that signed nothing the servers use
    // A certificate signed by the CA with these subjectAltName entries ("IP:127.0.0.1",
    // "DNS:origin.invalid"); its files are certFile(name) / keyFile(name).
    bool issue(const QString &name, const QStringList &altNames, QString *whyNot);
    // A self-signed certificate (no CA) for 127.0.0.1.
    bool selfSigned(const QString &name, QString *whyNot);
    QString certFile(const QString &name) const;
    QString keyFile(const QString &name) const;

private:
    bool openssl(const QStringList &arguments, QString *whyNot);
    bool makeCa(const QString &name, QString *whyNot);

    QTemporaryDir m_dir;
};

} // namespace bt::test
