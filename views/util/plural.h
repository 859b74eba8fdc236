#pragma once
// Counts in sentences: countText(1, tr("%1 item"), tr("%1 items")) -> "1 item"; 3 -> "3 items".

#include <QString>

namespace tfscope {

inline QString countText(qint64 n, const QString& one, const QString& many) { return (n == 1 ? one : many).arg(n); }

}  // namespace tfscope
