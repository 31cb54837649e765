#include "UploadServers.h"

#include "io/Sha256.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

namespace {

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

bool waitForPort(quint16 port, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (socket.waitForConnected(200))
            return true;
        QTest::qWait(50);
    }
    return false;
}

void killProcess(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(process.processId()), SIGKILL);
    process.waitForFinished(5000);
}

QString sourceDir()
{
    return QStringLiteral(BT_SOURCE_DIR);
}

// Starts tests/servers/<name>/server.js on Node.js (its packages installed first when
// `installed`, a path under the server's folder, is missing) and reads the "PORT <n>" it
// prints once listening. 0 with *whyNot set when it cannot.
quint16 startNodeServer(QProcess &process, const QString &name, const QString &installed,
                        const QStringList &args, QString *whyNot)
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty()) {
        *whyNot = QStringLiteral("node is not installed (the %1 server runs on Node.js)").arg(name);
        return 0;
    }
    const QString serverDir = sourceDir() + QStringLiteral("/tests/servers/") + name;
    if (!QFileInfo::exists(serverDir + QLatin1Char('/') + installed)) {
        // The ctest fixture runs ensure-deps.sh first; this covers running the test directly.
        QProcess npm;
        npm.start(serverDir + QStringLiteral("/ensure-deps.sh"), {});
        if (!npm.waitForFinished(180000) || npm.exitCode() != 0) {
            *whyNot = QStringLiteral("npm ci in tests/servers/%1 failed: ").arg(name) +
                      QString::fromLocal8Bit(npm.readAllStandardError());
            return 0;
        }
    }
    process.setProgram(node);
    process.setArguments(QStringList{serverDir + QStringLiteral("/server.js")} + args);
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start();
    if (!process.waitForStarted(10000)) {
        *whyNot = QStringLiteral("cannot start node: ") + process.errorString();
        return 0;
    }
    QDeadlineTimer deadline(20000);
    QByteArray out;
    while (!deadline.hasExpired() && !out.contains('\n')) {
        process.waitForReadyRead(200);
        out += process.readAllStandardOutput();
        if (process.state() == QProcess::NotRunning)
            break;
    }
    if (!out.startsWith("PORT ")) {
        *whyNot =
            QStringLiteral("the %1 server did not start: ").arg(name) + QString::fromLocal8Bit(out);
        killProcess(process);
        return 0;
    }
    return quint16(out.mid(5).trimmed().toUInt());
}

} // namespace

// ---- TusTestServer

TusTestServer::TusTestServer() = default;

TusTestServer::~TusTestServer()
{
    stop();
}

bool TusTestServer::nodeInstalled()
{
    return !QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty();
}

bool TusTestServer::start(QString *whyNot, const QStringList &extraArgs)
{
    m_port = startNodeServer(
        m_process, QStringLiteral("tus"), QStringLiteral("node_modules/@tus/server"),
        QStringList{QStringLiteral("--dir"), m_dir.path()} + extraArgs, whyNot);
    return m_port != 0;
}

void TusTestServer::stop()
{
    killProcess(m_process);
}

QUrl TusTestServer::endpoint() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/files").arg(m_port));
}

QUrl TusTestServer::formUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/form").arg(m_port));
}

QString TusTestServer::storedFile(const QUrl &uploadUrl) const
{
    const QString id = uploadUrl.path().section(QLatin1Char('/'), -1);
    return m_dir.filePath(id);
}

int TusTestServer::uploadCount() const
{
    int n = 0;
    const QStringList names = QDir(m_dir.path()).entryList(QDir::Files);
    for (const QString &name : names)
        if (!name.endsWith(QLatin1String(".json")) && !name.startsWith(QLatin1String("form-")))
            ++n;
    return n;
}

// ---- S3TestServer

S3TestServer::S3TestServer() = default;

S3TestServer::~S3TestServer()
{
    stop();
}

bool S3TestServer::start(QString *whyNot, const QStringList &buckets)
{
    QStringList args{QStringLiteral("--dir"), m_dir.path()};
    for (const QString &b : buckets)
        args << QStringLiteral("--bucket") << b;
    m_port = startNodeServer(m_process, QStringLiteral("s3"), QStringLiteral("node_modules/s3rver"),
                             args, whyNot);
    return m_port != 0;
}

void S3TestServer::stop()
{
    killProcess(m_process);
}

QUrl S3TestServer::endpoint() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QString S3TestServer::objectPath(const QString &bucket, const QString &key) const
{
    return m_dir.filePath(QStringLiteral("store/%1/%2._S3rver_object").arg(bucket, key));
}

QByteArray S3TestServer::object(const QString &bucket, const QString &key) const
{
    QFile f(objectPath(bucket, key));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList S3TestServer::objectKeys(const QString &bucket) const
{
    QStringList keys;
    const QString root = m_dir.filePath(QStringLiteral("store/") + bucket);
    const QString suffix = QStringLiteral("._S3rver_object");
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(suffix) && !path.contains(QLatin1String("/._S3rver_uploads/")))
            keys << path.mid(root.size() + 1).chopped(suffix.size());
    }
    keys.sort();
    return keys;
}

QStringList S3TestServer::requests() const
{
    QFile f(m_dir.filePath(QStringLiteral("requests.log")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

void S3TestServer::clearRequests()
{
    QFile f(m_dir.filePath(QStringLiteral("requests.log")));
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
}

// ---- NginxTestServer

NginxTestServer::NginxTestServer() = default;

NginxTestServer::~NginxTestServer()
{
    stop();
}

QString NginxTestServer::nginxPath()
{
    QString path = QStandardPaths::findExecutable(QStringLiteral("nginx"));
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(
            QStringLiteral("nginx"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return path;
}

bool NginxTestServer::start(QString *whyNot, const QString &extraHttp)
{
    const QString nginx = nginxPath();
    if (nginx.isEmpty()) {
        *whyNot = QStringLiteral("nginx is not installed");
        return false;
    }
    m_port = freePort();
    const QString p = m_dir.path();
    QDir(p).mkpath(QStringLiteral("root/dav"));
    QDir(p).mkpath(QStringLiteral("root/strict"));
    QDir(p).mkpath(QStringLiteral("root/small"));
    QDir(p).mkpath(QStringLiteral("root/auth"));
    QDir(p).mkpath(QStringLiteral("tmp"));
    QFile htpasswd(p + QStringLiteral("/htpasswd"));
    htpasswd.open(QIODevice::WriteOnly);
    htpasswd.write("alice:{PLAIN}secret\n");
    htpasswd.close();
    const QString conf = QStringLiteral(R"(
daemon off;
master_process off;
worker_processes 1;
pid %1/nginx.pid;
error_log %1/error.log warn;
events { worker_connections 64; }
http {
    access_log %1/access.log;
    client_body_temp_path %1/tmp/body;
    proxy_temp_path %1/tmp/proxy;
    fastcgi_temp_path %1/tmp/fastcgi;
    uwsgi_temp_path %1/tmp/uwsgi;
    scgi_temp_path %1/tmp/scgi;
    server {
        listen 127.0.0.1:%2;
        root %1/root;
        client_max_body_size 0;
        location /dav/ {
            dav_methods PUT DELETE MKCOL;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
        }
        location /strict/ { dav_methods PUT DELETE MKCOL; }
        location /small/ { dav_methods PUT; client_max_body_size 1k; }
        location /auth/ {
            dav_methods PUT DELETE MKCOL;
            create_full_put_path on;
            auth_basic "uploads";
            auth_basic_user_file %1/htpasswd;
        }
    }
%3
}
)")
                             .arg(p)
                             .arg(m_port)
                             .arg(QString(extraHttp).replace(QStringLiteral("%DIR%"), p));
    QFile file(p + QStringLiteral("/nginx.conf"));
    file.open(QIODevice::WriteOnly);
    file.write(conf.toUtf8());
    file.close();
    m_process.setProgram(nginx);
    m_process.setArguments({QStringLiteral("-p"), p, QStringLiteral("-c"),
                            p + QStringLiteral("/nginx.conf"), QStringLiteral("-e"),
                            p + QStringLiteral("/error.log")});
    m_process.setProcessChannelMode(QProcess::ForwardedChannels);
    m_process.start();
    if (!m_process.waitForStarted(10000) || !waitForPort(m_port, 10000)) {
        QFile log(errorLog());
        log.open(QIODevice::ReadOnly);
        *whyNot = QStringLiteral("nginx did not start: ") + QString::fromLocal8Bit(log.readAll());
        killProcess(m_process);
        return false;
    }
    return true;
}

quint16 NginxTestServer::freePort()
{
    return ::freePort();
}

void NginxTestServer::stop()
{
    killProcess(m_process);
}

QUrl NginxTestServer::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
}

QString NginxTestServer::root() const
{
    return m_dir.filePath(QStringLiteral("root"));
}

QString NginxTestServer::errorLog() const
{
    return m_dir.filePath(QStringLiteral("error.log"));
}

// ---- CutProxy

struct CutProxy::Pipe
{
    QPointer<QTcpSocket> client;
    QPointer<QTcpSocket> upstream;
    QByteArray pendingUp; // client bytes before the upstream connected
    bool stalled = false;
};

CutProxy::CutProxy(quint16 targetPort, QObject *parent) : QObject(parent), m_target(targetPort)
{
    m_server.listen(QHostAddress::LocalHost, 0);
    connect(&m_server, &QTcpServer::newConnection, this, &CutProxy::onNewConnection);
}

CutProxy::~CutProxy()
{
    for (Pipe *pipe : std::as_const(m_pipes)) {
        if (pipe->client)
            pipe->client->abort();
        if (pipe->upstream)
            pipe->upstream->abort();
        delete pipe;
    }
}

QUrl CutProxy::map(const QUrl &url) const
{
    QUrl u = url;
    u.setPort(port());
    return u;
}

void CutProxy::cutAfter(qint64 upstreamBytes)
{
    m_mode = Mode::Cut;
    m_budget = upstreamBytes;
    m_triggered = false;
}

void CutProxy::stallAfter(qint64 upstreamBytes, int holdMs)
{
    m_holdMs = holdMs;
    m_mode = Mode::Stall;
    m_budget = upstreamBytes;
    m_triggered = false;
}

void CutProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        ++m_connections;
        auto *pipe = new Pipe;
        m_pipes.append(pipe);
        pipe->client = client;
        pipe->upstream = new QTcpSocket(this);
        client->setParent(this);
        connect(pipe->upstream, &QTcpSocket::connected, this, [this, pipe] {
            pipe->upstream->write(std::exchange(pipe->pendingUp, {}));
            forwardUp(pipe);
        });
        connect(client, &QTcpSocket::readyRead, this, [this, pipe] { forwardUp(pipe); });
        connect(pipe->upstream, &QTcpSocket::readyRead, this, [pipe] {
            if (!pipe->upstream->isOpen())
                return;
            const QByteArray data = pipe->upstream->readAll();
            if (!pipe->stalled && pipe->client && pipe->client->isOpen())
                pipe->client->write(data);
        });
        connect(client, &QTcpSocket::disconnected, this, [this, pipe] { closePipe(pipe); });
        connect(pipe->upstream, &QTcpSocket::disconnected, this, [pipe] {
            if (pipe->client && pipe->client->isOpen() && !pipe->stalled) {
                if (pipe->upstream->isOpen())
                    pipe->client->write(pipe->upstream->readAll());
                pipe->client->disconnectFromHost();
            }
        });
        pipe->upstream->connectToHost(QHostAddress::LocalHost, m_target);
    }
}

void CutProxy::forwardUp(Pipe *pipe)
{
    if (!pipe->client || !pipe->upstream || pipe->stalled || !pipe->client->isOpen())
        return;
    if (pipe->upstream->state() != QAbstractSocket::ConnectedState) {
        pipe->pendingUp += pipe->client->readAll();
        return;
    }
    QByteArray data = pipe->client->readAll();
    if (!pipe->upstream->isOpen())
        return;
    if (m_mode != Mode::Pass && !m_triggered) {
        if (data.size() >= m_budget) {
            pipe->upstream->write(data.left(m_budget));
            pipe->upstream->flush();
            m_triggered = true;
            if (m_mode == Mode::Cut) {
                pipe->client->abort();
                pipe->upstream->disconnectFromHost(); // the bytes so far reach the server
            } else {
                pipe->stalled = true; // keep both open, forward nothing more
                pipe->client->setReadBufferSize(4096);
                QTimer::singleShot(m_holdMs, this, [pipe] {
                    if (pipe->client)
                        pipe->client->abort();
                    if (pipe->upstream)
                        pipe->upstream->disconnectFromHost();
                });
            }
            m_mode = Mode::Pass;
            return;
        }
        m_budget -= data.size();
    }
    pipe->upstream->write(data);
}

void CutProxy::closePipe(Pipe *pipe)
{
    if (pipe->upstream && pipe->upstream->state() != QAbstractSocket::UnconnectedState)
        pipe->upstream->disconnectFromHost();
}

// ---- data

void clearAwsSetup()
{
    qputenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    qputenv("AWS_CONFIG_FILE", "/nonexistent/config");
    for (const char *name :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
          "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"})
        qunsetenv(name);
}

QByteArray randomBytes(qint64 size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator gen(seed);
    gen.fillRange(reinterpret_cast<quint32 *>(data.data()), size / 4);
    for (qint64 i = size / 4 * 4; i < size; ++i)
        data[i] = char(gen.generate());
    return data;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(data) == data.size() && file.flush();
}

QByteArray sha256OfFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    bt::Sha256 hash; // OpenSSL: the 1 GiB tests would spend seconds in Qt's own SHA-256
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 n;
    while ((n = file.read(buffer.data(), buffer.size())) > 0)
        hash.addData(QByteArrayView(buffer.constData(), n));
    return hash.result().toHex();
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}
