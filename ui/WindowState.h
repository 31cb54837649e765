#pragma once

#include <QByteArray>

namespace bt::ui {

// What the main window remembers of itself between runs, beside AppSettings (which the
// settings dialog edits and saves whole): size and place, the side splitter, the columns, the
// details pane's height, and whether the close-to-tray hint was shown.
struct WindowState
{
    QByteArray geometry;     // QWidget::saveGeometry
    QByteArray sideSplitter; // QSplitter::saveState: filters | transfers
    QByteArray header;       // QHeaderView::saveState: column widths, order, sort
    int detailsHeight = 220; // while a transfer is selected (empty, the pane folds)
    bool trayHintShown = false;

    static WindowState load();
    void save() const;
};

} // namespace bt::ui
