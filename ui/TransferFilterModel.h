#pragma once

#include <QSortFilterProxyModel>

namespace bt::ui {

// Sorting (by the model's SortRole) and the window's filters: a category and a search text
// matched against name and URL.
class TransferFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum Filter
    {
        All,
        Downloading, // downloads not finished yet (queued, running, paused)
        Uploading,   // uploads not finished yet
        Completed,
        Failed
    };
    Q_ENUM(Filter)

    explicit TransferFilterModel(QObject *parent = nullptr);

    Filter filter() const { return m_filter; }
    void setFilter(Filter filter);
    QString searchText() const { return m_search; }
    void setSearchText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Filter m_filter = All;
    QString m_search;
};

} // namespace bt::ui
