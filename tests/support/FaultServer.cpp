#include "FaultServer.h"

#include "FaultConnection.h"
#include "FaultResponse.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QMutex>
#include <QSet>
#include <QTcpSocket>
#include <QThread>

#include <algorithm>

namespace bt::test {

namespace {

using Kind = FaultServer::Fault::Kind;

// Resources, faults and counts are keyed by the decoded path without query, so "/a b" and
// "/a%20b" (what a client sends) name the same thing.
QByteArray key(const QByteArray &path)
{
    const qsizetype q = path.indexOf('?');
    return QByteArray::fromPercentEncoding(q < 0 ? path : path.left(q));
}

} // namespace

class FaultServer::Private
{
public:
    explicit Private(FaultServer *q) : q(q) {}

    FaultResponse handle(const Request &request, FaultConnection *connection);
    FaultResponse answer(const Request &request, FaultConnection *connection);
    Fault takeFault(const QByteArray &path);
    QByteArray sha256Of(const QByteArray &path, const Resource &resource);
    void onNewConnection();
    void teardown();

    FaultServer *q;
    // Guards everything below: in threaded mode the test thread reads and changes the state
    // while the server thread answers. Recursive: a hook or a direct slot may call back in.
    mutable QRecursiveMutex mutex;
    QTcpServer server; // no parent: may move to `thread`
    QThread *thread = nullptr;
    quint16 port = 0;
    QHash<QByteArray, Resource> resources;
    QHash<QByteArray, QByteArray> shaCache; // path -> raw sha-256 of the body
    QHash<QByteArray, QList<Fault>> queued;
    QHash<QByteArray, Fault> persistent;
    Hook hook;
    QList<Request> log;
    QHash<QByteArray, int> counts;
    QSet<FaultConnection *> connections; // open ones
    int peak = 0;
};

FaultServer::FaultServer(QObject *parent) : QObject(parent), d(new Private(this))
{
    // Context = the QTcpServer, so that accepting runs in the server's thread.
    connect(&d->server, &QTcpServer::newConnection, &d->server, [this] { d->onNewConnection(); });
}

FaultServer::~FaultServer()
{
    if (d->thread) {
        QThread *home = QThread::currentThread();
        QMetaObject::invokeMethod(
            &d->server,
            [this, home] {
                d->teardown();
                d->server.moveToThread(home);
            },
            Qt::BlockingQueuedConnection);
        d->thread->quit();
        d->thread->wait();
        delete d->thread;
    } else {
        d->teardown();
    }
    delete d;
}

// Closes the listener and every connection (stalled ones included), in the server's thread.
void FaultServer::Private::teardown()
{
    server.close();
    const QList<FaultConnection *> all =
        server.findChildren<FaultConnection *>(Qt::FindDirectChildrenOnly);
    {
        QMutexLocker lock(&mutex);
        connections.clear();
    }
    qDeleteAll(all);
}

bool FaultServer::listen()
{
    if (!d->server.listen(QHostAddress::LocalHost, 0))
        return false;
    d->port = d->server.serverPort();
    return true;
}

bool FaultServer::listenInThread()
{
    if (d->thread || d->server.isListening())
        return false;
    d->thread = new QThread;
    d->thread->setObjectName(QStringLiteral("FaultServer"));
    d->thread->start();
    d->server.moveToThread(d->thread);
    bool ok = false;
    QMetaObject::invokeMethod(
        &d->server, [this, &ok] { ok = listen(); }, Qt::BlockingQueuedConnection);
    return ok;
}

quint16 FaultServer::port() const
{
    return d->port;
}

QByteArray FaultServer::url(const QByteArray &path) const
{
    return "http://127.0.0.1:" + QByteArray::number(port()) + path;
}

void FaultServer::setResource(const QByteArray &path, const Resource &resource)
{
    QMutexLocker lock(&d->mutex);
    d->resources.insert(key(path), resource);
    d->shaCache.remove(key(path));
}

FaultServer::Resource FaultServer::resource(const QByteArray &path) const
{
    QMutexLocker lock(&d->mutex);
    return d->resources.value(key(path));
}

void FaultServer::changeContent(const QByteArray &path, const QByteArray &body,
                                const QByteArray &etag)
{
    QMutexLocker lock(&d->mutex);
    Resource &r = d->resources[key(path)];
    r.body = body;
    r.etag = etag;
    d->shaCache.remove(key(path));
}

void FaultServer::queueFault(const QByteArray &path, const Fault &fault)
{
    QMutexLocker lock(&d->mutex);
    d->queued[key(path)].append(fault);
}

void FaultServer::setPersistentFault(const QByteArray &path, const Fault &fault)
{
    QMutexLocker lock(&d->mutex);
    d->persistent.insert(key(path), fault);
}

void FaultServer::clearFaults(const QByteArray &path)
{
    QMutexLocker lock(&d->mutex);
    d->queued.remove(key(path));
    d->persistent.remove(key(path));
}

void FaultServer::addRedirect(const QByteArray &from, const QByteArray &to, int status)
{
    Fault f;
    f.kind = Kind::Redirect;
    f.status = status;
    f.location = to;
    setPersistentFault(from, f);
}

void FaultServer::setHook(Hook hook)
{
    QMutexLocker lock(&d->mutex);
    d->hook = std::move(hook);
}

QList<FaultServer::Request> FaultServer::requests() const
{
    QMutexLocker lock(&d->mutex);
    return d->log;
}

int FaultServer::requestCount(const QByteArray &path) const
{
    QMutexLocker lock(&d->mutex);
    return d->counts.value(key(path));
}

int FaultServer::openConnections() const
{
    QMutexLocker lock(&d->mutex);
    return int(d->connections.size());
}

int FaultServer::maxConcurrentConnections() const
{
    QMutexLocker lock(&d->mutex);
    return d->peak;
}

void FaultServer::Private::onNewConnection()
{
    while (QTcpSocket *socket = server.nextPendingConnection()) {
        auto *c = new FaultConnection(
            socket, [this](const Request &r, FaultConnection *c) { return handle(r, c); }, &server);
        {
            QMutexLocker lock(&mutex);
            connections.insert(c);
            peak = std::max(peak, int(connections.size()));
        }
        QObject::connect(c, &FaultConnection::closed, &server, [this](FaultConnection *c) {
            {
                QMutexLocker lock(&mutex);
                connections.remove(c);
            }
            c->deleteLater();
        });
    }
}

FaultServer::Fault FaultServer::Private::takeFault(const QByteArray &path)
{
    auto it = queued.find(path);
    if (it != queued.end() && !it->isEmpty()) {
        const Fault f = it->takeFirst();
        if (it->isEmpty())
            queued.erase(it);
        return f;
    }
    return persistent.value(path);
}

QByteArray FaultServer::Private::sha256Of(const QByteArray &path, const Resource &resource)
{
    auto it = shaCache.constFind(path);
    if (it != shaCache.constEnd())
        return *it;
    const QByteArray sha = QCryptographicHash::hash(resource.body, QCryptographicHash::Sha256);
    shaCache.insert(path, sha);
    return sha;
}

FaultResponse FaultServer::Private::handle(const Request &request, FaultConnection *connection)
{
    FaultResponse r = answer(request, connection);
    if (request.method == "HEAD") { // headers as for GET, never a body
        r.length = 0;
        r.chunked = false;
    }
    return r;
}

FaultResponse FaultServer::Private::answer(const Request &request, FaultConnection *connection)
{
    QMutexLocker lock(&mutex);
    const QByteArray path = key(request.path);
    log.append(request);
    ++counts[path];
    Q_EMIT q->requestReceived(request);
    if (hook && hook(request, connection->socket())) {
        FaultResponse handled;
        handled.action = FaultResponse::Action::Handled;
        return handled;
    }

    const bool close = request.headers.value("connection").toLower().contains("close");
    const Fault fault = takeFault(path);
    switch (fault.kind) {
    case Kind::CloseBeforeHeaders: {
        FaultResponse r;
        r.action = FaultResponse::Action::CloseNow;
        return r;
    }
    case Kind::Status: {
        HeaderList headers;
        if (!fault.retryAfter.isEmpty())
            headers.append(qMakePair(QByteArray("Retry-After"), fault.retryAfter));
        return simpleResponse(fault.status, reasonPhrase(fault.status) + '\n', headers, close);
    }
    case Kind::Redirect:
        return simpleResponse(fault.status ? fault.status : 302, "redirecting\n",
                              {{"Location", fault.location}}, close);
    default:
        break;
    }

    if (request.method != "GET" && request.method != "HEAD")
        return simpleResponse(405, "method not allowed\n", {{"Allow", "GET, HEAD"}}, close);
    auto it = resources.constFind(path);
    if (it == resources.constEnd())
        return simpleResponse(404, "not found\n", {}, close);
    const Resource res = *it; // a copy (shared body): the hash may change under a hook
    return resourceResponse(request, res, fault, close, [&] { return sha256Of(path, res); });
}

} // namespace bt::test
