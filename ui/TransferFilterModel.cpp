#include "TransferFilterModel.h"

#include "TransferModel.h"
#include "model/TransferState.h"

namespace bt::ui {

TransferFilterModel::TransferFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(TransferModel::SortRole);
    // Progress arrives 4 times a second: re-sort and re-filter as values change.
    setDynamicSortFilter(true);
}

void TransferFilterModel::setFilter(Filter filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    invalidateFilter();
}

void TransferFilterModel::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    invalidateFilter();
}

bool TransferFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto state = TransferState(idx.data(TransferModel::StateRole).toInt());
    const auto direction = TransferDirection(idx.data(TransferModel::DirectionRole).toInt());
    const bool unfinished = state != TransferState::Completed && state != TransferState::Failed;
    switch (m_filter) {
    case All:
        break;
    case Downloading:
        if (direction != TransferDirection::Download || !unfinished)
            return false;
        break;
    case Uploading:
        if (direction != TransferDirection::Upload || !unfinished)
            return false;
        break;
    case Completed:
        if (state != TransferState::Completed)
            return false;
        break;
    case Failed:
        // Also the ones the queue paused on an error (disk full): they wait for the person.
        if (!idx.data(TransferModel::AttentionRole).toBool())
            return false;
        break;
    }
    if (m_search.isEmpty())
        return true;
    return idx.data(TransferModel::SearchRole).toString().contains(m_search, Qt::CaseInsensitive);
}

} // namespace bt::ui
