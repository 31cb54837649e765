#pragma once

#include <QProcessEnvironment>
#include <QString>

namespace bt {

// The environment of the commands a program runs for the person (--on-complete, the daemon's
// --on-all-done-command, "When All Is Done"): the person's own, without the variables the
// program put into its own environment for itself (btstream's QT_NO_GLIB), which every child
// would otherwise inherit.
class ChildEnvironment
{
public:
    // `name` was set by this program for itself: the commands it runs do not get it. Called
    // from main(), before any thread starts.
    static void hide(const QString &name);
    static QProcessEnvironment get();
};

} // namespace bt
