#include "Logging.h"

Q_LOGGING_CATEGORY(lcTransfer, "bt.transfer", QtWarningMsg)
Q_LOGGING_CATEGORY(lcNet, "bt.net", QtWarningMsg)
Q_LOGGING_CATEGORY(lcQueue, "bt.queue", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStore, "bt.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcIo, "bt.io", QtWarningMsg)
