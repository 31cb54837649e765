#pragma once

#include <QLoggingCategory>

// The engine's logging categories, off below warnings unless asked for, e.g.
//   QT_LOGGING_RULES="bt.transfer.debug=true" btstream get URL
// (bt.transfer: connections, segments, the adaptive connection count; bt.net: the HTTP stack;
// bt.queue: scheduling; bt.store: the database; bt.io: the disk).
Q_DECLARE_LOGGING_CATEGORY(lcTransfer)
Q_DECLARE_LOGGING_CATEGORY(lcNet)
Q_DECLARE_LOGGING_CATEGORY(lcQueue)
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcIo)
