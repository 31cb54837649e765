#include "actions/ChildEnvironment.h"

#include <QMutex>
#include <QStringList>

namespace bt {

namespace {
QMutex g_mutex;
QStringList g_hidden; // guarded by g_mutex
} // namespace

void ChildEnvironment::hide(const QString &name)
{
    const QMutexLocker lock(&g_mutex);
    if (!g_hidden.contains(name))
        g_hidden.append(name);
}

QProcessEnvironment ChildEnvironment::get()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QMutexLocker lock(&g_mutex);
    for (const QString &name : std::as_const(g_hidden))
        env.remove(name);
    return env;
}

} // namespace bt
