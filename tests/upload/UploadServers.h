#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUrl>

// Real servers for the upload tests, started and stopped by the tests on 127.0.0.1.

// @tus/server + @tus/file-store (tests/servers/tus/server.js) on Node.js.
class TusTestServer
{
public:
    TusTestServer();
    ~TusTestServer();
    // False with *whyNot set when node is not installed or the server does not start.
    bool start(QString *whyNot, const QStringList &extraArgs = {});
    void stop(); // SIGKILL by pid
    static bool nodeInstalled();

    quint16 port() const { return m_port; }
    QUrl endpoint() const; // http://127.0.0.1:<port>/files
    QUrl formUrl() const;  // POST target storing the raw body (form-<n>.raw)
    QString directory() const { return m_dir.path(); }
    // The file-store's copy of an upload (its id is the URL's last path segment).
    QString storedFile(const QUrl &uploadUrl) const;
    int uploadCount() const; // data files in the store (not .json)

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

// s3rver 3.7.1 behind tests/servers/s3/server.js (SigV4 signatures and Content-MD5 checked
// by the AWS SDK's signer) on Node.js. Access key S3RVER, secret S3RVER.
class S3TestServer
{
public:
    S3TestServer();
    ~S3TestServer();
    // With these buckets made. False with *whyNot set when node or the packages are missing.
    bool start(QString *whyNot, const QStringList &buckets = {QStringLiteral("bucket")});
    void stop(); // SIGKILL by pid

    quint16 port() const { return m_port; }
    QUrl endpoint() const; // http://127.0.0.1:<port>
    QString directory() const { return m_dir.path(); }
    // The object as s3rver stored it (empty when there is none).
    QByteArray object(const QString &bucket, const QString &key) const;
    QString objectPath(const QString &bucket, const QString &key) const;
    QStringList objectKeys(const QString &bucket) const; // every stored object's key
    // Every request as it arrived: "METHOD URL CONTENT-LENGTH".
    QStringList requests() const;
    void clearRequests();

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

// nginx with the dav module, a single process (master_process off) under a QTemporaryDir.
// Locations: /dav/ (PUT DELETE MKCOL, create_full_put_path on), /strict/ (no
// create_full_put_path: 409 for a missing parent), /small/ (client_max_body_size 1k: 413),
// /auth/ (Basic auth, user "alice", password "secret").
class NginxTestServer
{
public:
    NginxTestServer();
    ~NginxTestServer();
    // `extraHttp` goes into the http {} block as-is (more servers, log formats); "%DIR%" in
    // it becomes directory().
    bool start(QString *whyNot, const QString &extraHttp = {});
    void stop();
    static QString nginxPath();
    static quint16 freePort(); // a port free on 127.0.0.1 a moment ago
    QString directory() const { return m_dir.path(); }

    quint16 port() const { return m_port; }
    QUrl url(const QString &path) const;
    QString root() const; // the document root: /dav/x is root()/dav/x
    QString errorLog() const;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

// A TCP proxy on 127.0.0.1 that forwards to a real server and can, once, cut the connection
// or stall it after a number of bytes sent upstream (client -> server), counted from arming.
class CutProxy : public QObject
{
    Q_OBJECT
public:
    explicit CutProxy(quint16 targetPort, QObject *parent = nullptr);
    ~CutProxy() override;
    quint16 port() const { return m_server.serverPort(); }
    QUrl map(const QUrl &url) const; // the same URL through the proxy

    void cutAfter(qint64 upstreamBytes); // once: abort both sides after this many bytes
    // Once: stop forwarding and reading (the client's socket buffers fill up), keep the
    // sockets open for holdMs, then close both.
    void stallAfter(qint64 upstreamBytes, int holdMs = 4000);
    bool triggered() const { return m_triggered; }
    int connectionCount() const { return m_connections; }

private:
    struct Pipe;
    void onNewConnection();
    void forwardUp(Pipe *pipe);
    void closePipe(Pipe *pipe);

    QTcpServer m_server;
    quint16 m_target;
    enum class Mode
    {
        Pass,
        Cut,
        Stall
    } m_mode = Mode::Pass;
    int m_holdMs = 0;
    qint64 m_budget = 0; // upstream bytes still to forward before the fault
    bool m_triggered = false;
    int m_connections = 0;
    QList<Pipe *> m_pipes;
};

// Nothing of this machine's AWS setup reaches an S3 upload: no AWS_* variables, credentials
// and config files that do not exist.
void clearAwsSetup();

// Test data.
QByteArray randomBytes(qint64 size, quint32 seed);
bool writeFile(const QString &path, const QByteArray &data);
QByteArray sha256OfFile(const QString &path);
QByteArray sha256(const QByteArray &data);
